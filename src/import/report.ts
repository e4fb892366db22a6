/** What an import did, or why it did nothing: counts and the first lines of each reason. */
import type { Catalogue } from '../i18n/index.ts';
import type { TextEncoding } from './encoding.ts';
import type { TableFormat } from './table-source.ts';

/** Why a row was refused. */
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

/** Where a refused value is: line and column. */
export interface CellRef {
  line: number;
  /** The column's letter (`C`), or the column's key when the file has no such column. */
  column: string;
  /** The column's header as written in the file; absent when the file has no such column. */
  header?: string;
}

export interface ReasonGroup {
  reason: RefusalReason;
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
  private readonly byReason = new Map<RefusalReason, ReasonGroup>();
  total = 0;

  add(reason: RefusalReason, ref: CellRef): void {
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

export interface ImportReport {
  kind: 'roster' | 'contributions';
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
    lines.push(
      t.importSummary({
        kind: r.kind,
        format: r.encoding ? `${r.format}, ${r.encoding}` : r.format,
        read: r.rowsRead,
        taken: r.taken,
        written: r.written,
        refused: r.refused,
      }),
    );
    for (const g of r.reasons) {
      lines.push(
        t.importReasonLine({
          reason: t.importReason({ reason: g.reason }),
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
