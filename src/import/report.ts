/** What an import did, or why it did nothing: counts and the first lines of each reason. */
import type { Catalogue } from '../i18n/index.ts';
import type { TextEncoding } from './encoding.ts';
import type { TableFormat } from './table-source.ts';
import {
  OFFICIAL_REFUSAL_REASONS,
  TARGET_REFUSAL_REASONS,
  type OfficialRefusalReason,
  type RefusalReason,
  type TargetRefusalReason,
} from '../domain/import-reasons.ts';


/** A name or free-text cell of any import holds a control character (a NUL). */
export const CONTROL_REFUSAL = 'text_control';

/** Why a row of any import was refused. */
export type ImportRefusalReason = RefusalReason | TargetRefusalReason | OfficialRefusalReason | typeof CONTROL_REFUSAL;

const TARGET_REASONS: ReadonlySet<string> = new Set(TARGET_REFUSAL_REASONS);

function isTargetReason(reason: ImportRefusalReason): reason is TargetRefusalReason {
  return TARGET_REASONS.has(reason);
}

const OFFICIAL_REASONS: ReadonlySet<string> = new Set(OFFICIAL_REFUSAL_REASONS);

function isOfficialReason(reason: ImportRefusalReason): reason is OfficialRefusalReason {
  return OFFICIAL_REASONS.has(reason);
}

/** Where a refused value is: line and column. */
export interface CellRef {
  line: number;
  /** The column's letter (`C`), or the column's key when the file has no such column. */
  column: string;
  /** The column's header as written in the file; absent when the file has no such column. */
  header?: string;
  /** The area as the row wrote it, when it names none (or several): with the nearest names there are. */
  written?: string;
  nearest?: string[];
}

export interface ReasonGroup {
  reason: ImportRefusalReason;
  count: number;
  /** The first few places, in file order. */
  first: CellRef[];
}

/** How many places are named per reason. */
export const FIRST_LINES = 5;

/** How many refused lines the report lists one by one; the rest are counted. */
export const LISTED_LINES = 100;

/** A refused line and every problem found on it. */
export interface RefusedLine {
  line: number;
  problems: { reason: ImportRefusalReason; ref: CellRef }[];
}

/**
 * Counts refusals by reason, keeping the first places of each. A line with
 * several problems is counted under each of its reasons; `total` counts the
 * problems, not the lines.
 */
export class RefusalTally {
  private readonly byReason = new Map<ImportRefusalReason, ReasonGroup>();
  total = 0;
  /** The first `LISTED_LINES` refused lines, in file order (rows are checked in order). */
  readonly lines: RefusedLine[] = [];

  add(reason: ImportRefusalReason, ref: CellRef): void {
    this.total++;
    const last = this.lines.at(-1);
    if (last?.line === ref.line) last.problems.push({ reason, ref });
    else if (this.lines.length < LISTED_LINES) this.lines.push({ line: ref.line, problems: [{ reason, ref }] });
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

/** What an official import did. */
export interface OfficialCounts {
  /** Figures stored: new, or different from the newest stored for their area and date. */
  stored: number;
  /** Figures the same as the newest stored: nothing written for them. */
  unchanged: number;
  /** Areas above the file's rows whose figure was summed from them (the file gave none). */
  summed: number;
  /** Total lines (合计, 小计 of the whole file) passed over. */
  skipped: number;
  /** The as-of dates of the file, oldest first. */
  dates: string[];
  /** The campaign's board source was switched to official by this first import. */
  switched: boolean;
}

export interface ImportReport {
  kind: 'roster' | 'contributions' | 'targets' | 'special' | 'unpaid' | 'official';
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
  /** The first refused lines with their problems (up to `LISTED_LINES`); `refused` counts them all. */
  refusedLines: RefusedLine[];
  /** Required columns the header lacks (then no row is read). */
  missingColumns: string[];
  /** The file could not be read at all (encoding), with the line where it failed. */
  unreadableAt: number | null;
  /** Lapse cases closed because a contribution for their missing months arrived. */
  casesClosed: number;
  /** A targets import's counts (all 0 when nothing was committed); absent for the other kinds. */
  targets?: TargetCounts;
  /** A named list's cases: opened for the unpaid, closed for those now paid or off the list. */
  named?: { opened: number; closed: number };
  /** An official import's counts (all 0 when nothing was committed); absent for the other kinds. */
  official?: OfficialCounts;
  committed: boolean;
}

function reasonText(t: Catalogue, reason: ImportRefusalReason): string {
  if (reason === CONTROL_REFUSAL) return t.importReasonControl();
  if (isOfficialReason(reason)) return t.importOfficialReason({ reason });
  return isTargetReason(reason) ? t.importTargetReason({ reason }) : t.importReason({ reason });
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
    } else if (r.kind === 'official') {
      const c = r.official ?? { stored: 0, unchanged: 0, summed: 0, skipped: 0, dates: [], switched: false };
      lines.push(t.importOfficialSummary({ format, read: r.rowsRead, stored: c.stored, unchanged: c.unchanged, summed: c.summed, skipped: c.skipped, dates: t.list({ items: c.dates }), refused: r.refused }));
      if (c.switched) lines.push(t.importOfficialSwitched());
    } else {
      lines.push(t.importSummary({ kind: r.kind, format, read: r.rowsRead, taken: r.taken, written: r.written, refused: r.refused }));
    }
    for (const g of r.reasons) {
      lines.push(
        t.importReasonLine({
          reason: reasonText(t, g.reason),
          count: g.count,
          where: t.list({
            items: g.first.map((f) =>
              t.importCellRef({ line: f.line, column: f.header === undefined ? f.column : t.importColumnRef({ letter: f.column, header: f.header }) }),
            ),
          }),
        }),
      );
    }
    // Every refused line (up to LISTED_LINES), so the file can be corrected in one pass.
    if (r.refusedLines.length) {
      lines.push(t.importRefusedHeader());
      for (const l of r.refusedLines) {
        const problems = l.problems.map((p) =>
          t.importRefusedProblem({
            column: p.ref.header === undefined ? p.ref.column : t.importColumnRef({ letter: p.ref.column, header: p.ref.header }),
            reason:
              p.ref.written === undefined
                ? reasonText(t, p.reason)
                : t.importAreaWritten({ reason: reasonText(t, p.reason), written: p.ref.written, nearest: t.list({ items: p.ref.nearest ?? [] }) }),
          }),
        );
        lines.push(t.importRefusedLine({ line: l.line, problems: t.importProblemList({ items: problems }) }));
      }
      if (r.refused > r.refusedLines.length) lines.push(t.importMoreRefused({ more: r.refused - r.refusedLines.length }));
    }
    if (r.named && r.committed) lines.push(t.namedImportClosed(r.named));
    else if (r.casesClosed) lines.push(t.importCasesClosed({ count: r.casesClosed }));
  }
  lines.push(r.committed ? t.importCommitted() : t.importNothingWritten());
  return lines.join('\n');
}
