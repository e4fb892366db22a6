/** What an import did, or why it did nothing: counts and the first lines of each reason. */
import type { Catalogue } from '../i18n/index.ts';
import type { TextEncoding } from './encoding.ts';
import type { TableFormat } from './table-source.ts';

/** Why a row of a roster or contributions file was refused. */
export type RefusalReason =
  | 'id_empty'
  | 'id_number_format'
  | 'id_format'
  | 'id_birth_date'
  | 'id_check_digit'
  | 'id_duplicate'
  | 'name_missing'
  | 'township_missing'
  | 'township_unknown'
  | 'township_ambiguous'
  | 'kind_invalid'
  | 'phone_invalid'
  | 'month_invalid'
  | 'amount_invalid'
  | 'amount_negative';

/** Why a row of a targets file was refused (an empty township is `township_missing`). */
export const TARGET_REFUSAL_REASONS = [
  'township_name_invalid',
  'township_repeated',
  'township_several',
  'parent_unknown',
  'parent_ambiguous',
  'parent_village',
  'target_missing',
  'target_invalid',
] as const;

export type TargetRefusalReason = (typeof TARGET_REFUSAL_REASONS)[number];

/** Why a row of any import was refused. */
export type ImportRefusalReason = RefusalReason | TargetRefusalReason;

const TARGET_REASONS: ReadonlySet<string> = new Set(TARGET_REFUSAL_REASONS);

function isTargetReason(reason: ImportRefusalReason): reason is TargetRefusalReason {
  return TARGET_REASONS.has(reason);
}

/** Where a refused value is: line and column. */
export interface CellRef {
  line: number;
  /** The column's letter (`C`), or the column's key when the file has no such column. */
  column: string;
  /** The column's header as written in the file; absent when the file has no such column. */
  header?: string;
}

export interface ReasonGroup {
  reason: ImportRefusalReason;
  count: number;
  /** The first few places, in file order. */
  first: CellRef[];
}

/** How many places are named per reason. */
export const FIRST_LINES = 5;

/**
 * Counts refusals by reason, keeping the first places of each. A line with
 * several problems is counted under each of its reasons; `total` counts the
 * problems, not the lines.
 */
export class RefusalTally {
  private readonly byReason = new Map<ImportRefusalReason, ReasonGroup>();
  total = 0;

  add(reason: ImportRefusalReason, ref: CellRef): void {
    this.total++;
    let g = this.byReason.get(reason);
    if (!g) this.byReason.set(reason, (g = { reason, count: 0, first: [] }));
    g.count++;
    if (g.first.length < FIRST_LINES) g.first.push(ref);
  }

  groups(): ReasonGroup[] {
    return [...this.byReason.values()];
  }
}

/** What a targets import did to the areas, row by row. */
export interface TargetCounts {
  /** Areas that did not exist, created with their target. */
  created: number;
  /** Existing areas whose target changed (or that had none). */
  updated: number;
  /** Existing areas whose target was already the one in the file. */
  unchanged: number;
}

export interface ImportReport {
  kind: 'roster' | 'contributions' | 'targets';
  format: TableFormat;
  encoding: TextEncoding | null;
  /** Data rows read (the header not counted). */
  rowsRead: number;
  /** Rows accepted (0 when anything was refused: the file is taken whole or not at all). */
  taken: number;
  /** Accepted rows that added or changed something; the rest were already so. */
  written: number;
  /** Rows refused, each counted once; a row with two problems is listed under both reasons. */
  refused: number;
  reasons: ReasonGroup[];
  /** Required columns the header lacks (then no row is read). */
  missingColumns: string[];
  /** The file could not be read at all (encoding), with the line where it failed. */
  unreadableAt: number | null;
  /** Lapse cases closed because a contribution for their missing months arrived. */
  casesClosed: number;
  /** A targets import's counts (all 0 when nothing was committed); absent for the other kinds. */
  targets?: TargetCounts;
  committed: boolean;
}

/** The report as text lines, in a locale. */
export function formatImportReport(r: ImportReport, t: Catalogue): string {
  const lines: string[] = [];
  if (r.missingColumns.length) {
    lines.push(t.importMissingColumns({ columns: t.list({ items: r.missingColumns }) }));
  } else if (r.unreadableAt !== null) {
    lines.push(t.importUnreadable({ encoding: r.encoding ?? '', line: r.unreadableAt }));
  } else {
    const format = r.encoding ? `${r.format}, ${r.encoding}` : r.format;
    if (r.kind === 'targets') {
      const c = r.targets ?? { created: 0, updated: 0, unchanged: 0 };
      lines.push(t.importTargetsSummary({ format, read: r.rowsRead, ...c, refused: r.refused }));
    } else {
      lines.push(t.importSummary({ kind: r.kind, format, read: r.rowsRead, taken: r.taken, written: r.written, refused: r.refused }));
    }
    for (const g of r.reasons) {
      lines.push(
        t.importReasonLine({
          reason: isTargetReason(g.reason) ? t.importTargetReason({ reason: g.reason }) : t.importReason({ reason: g.reason }),
          count: g.count,
          where: t.list({
            items: g.first.map((f) =>
              t.importCellRef({ line: f.line, column: f.header === undefined ? f.column : t.importColumnRef({ letter: f.column, header: f.header }) }),
            ),
          }),
        }),
      );
    }
    if (r.casesClosed) lines.push(t.importCasesClosed({ count: r.casesClosed }));
  }
  lines.push(r.committed ? t.importCommitted() : t.importNothingWritten());
  return lines.join('\n');
}
