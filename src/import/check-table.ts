/**
 * Reading and checking a whole table without touching the database: the
 * header is matched to the columns, every row is checked, and accepted rows
 * come out in batches of flat values ready to bind. This runs in the import's
 * checking thread (see `check-thread.ts`), so nothing here may need a
 * database connection or a closure from the importing thread.
 */
import { columnLetter, mapColumns, type ColumnMap, type ColumnSpec } from './columns.ts';
import { EncodingError } from './encoding.ts';
import { RefusalTally, type CellRef, type ReasonGroup, type RefusedLine } from './report.ts';
import { openTable, type Cell, type TableFormat, type TableProgress, type TableRow } from './table-source.ts';
import type { TextEncoding } from './encoding.ts';

/** A row's cells by column key, with where each is for refusals. */
export interface RowView<K extends string> {
  line: number;
  get(key: K): Cell;
  ref(key: K): CellRef;
}

/** What an import kind checks, row by row, before anything is written. */
export interface RowChecker<K extends string> {
  columns: readonly ColumnSpec<K>[];
  /**
   * Checks a row: on success appends its values to `out` (always the same
   * number per row) and returns true; otherwise adds its refusals to `tally`
   * and returns false, leaving `out` as it was.
   */
  check(row: RowView<K>, tally: RefusalTally, out: unknown[]): boolean;
  /**
   * Keep sending accepted rows after a refusal: the importing thread finds
   * some refusals in what it staged (a roster's duplicate IDs), and must see
   * every accepted line to name them all.
   */
  sendsAfterRefusal?: boolean;
  /**
   * What a batch of accepted rows leaves the thread as, when not as `check`
   * added them (a roster's IDs hashed, a batch at a time): `rows` rows of
   * values in, the values to post out.
   */
  finishBatch?(values: unknown[], rows: number): unknown[];
}

/** What checking a whole table found; the rows themselves went out in batches. */
export interface CheckSummary {
  format: TableFormat;
  encoding: TextEncoding | null;
  /** Data rows read (the header not counted). */
  rowsRead: number;
  /** Rows that passed every check. */
  accepted: number;
  /** Rows refused, each counted once however many of its cells are wrong. */
  refused: number;
  reasons: ReasonGroup[];
  /** The first refused lines, each with its problems. */
  refusedLines: RefusedLine[];
  /** Required columns the header lacks (then no row is read). */
  missingColumns: string[];
  /** The line where the text stopped being valid in the file's encoding. */
  unreadableAt: number | null;
  /** Where each column the header named is (letter and header as written), for refusals found after the check. */
  columnRefs: Record<string, Omit<CellRef, 'line'>>;
}

/** Where `checkTable` sends what it reads. */
export interface CheckSink {
  /**
   * Accepted rows, `rows` of them as flat values; awaited, so a slow reader
   * holds the file back. None come after the first refusal (the file will
   * not be taken), so what was sent must be thrown away then.
   */
  batch(values: unknown[], rows: number): Promise<void> | void;
  progress?(p: TableProgress): void;
}

/** Text of a cell as written (numbers in their shortest form). */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell.trim();
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/** Reads and checks every row of the table at `path`, sending accepted rows to `sink` in batches of `batchSize`. */
export async function checkTable<K extends string>(
  path: string,
  checker: RowChecker<K>,
  sink: CheckSink,
  batchSize: number,
): Promise<CheckSummary> {
  const table = await openTable(path, sink.progress);
  const tally = new RefusalTally();
  const summary: CheckSummary = {
    format: table.format,
    encoding: table.encoding,
    rowsRead: 0,
    accepted: 0,
    refused: 0,
    reasons: [],
    refusedLines: [],
    missingColumns: [],
    unreadableAt: null,
    columnRefs: {},
  };
  let columns: ColumnMap<K> | null = null;
  let values: unknown[] = [];
  let rowsInBatch = 0;
  let lastLine = 0;
  const view = { line: 0, cells: [] as Cell[] };
  const row: RowView<K> = {
    get line() {
      return view.line;
    },
    get: (key) => {
      const c = columns![key];
      return c ? (view.cells[c.index] ?? null) : null;
    },
    ref: (key) => {
      const c = columns![key];
      return c ? { line: view.line, column: columnLetter(c.index), header: c.header } : { line: view.line, column: key };
    },
  };
  try {
    for await (const rows of table.rows()) {
      for (const r of rows as TableRow[]) {
        lastLine = r.line;
        if (!columns) {
          const mapped = mapColumns(r.cells, checker.columns);
          if (mapped.missing.length) {
            summary.missingColumns = mapped.missing.map((m) => m.names.join('/'));
            return summary;
          }
          columns = mapped.columns;
          for (const [key, c] of Object.entries(columns) as [string, ColumnMap<K>[K]][]) {
            if (c) summary.columnRefs[key] = { column: columnLetter(c.index), header: c.header };
          }
          continue;
        }
        summary.rowsRead++;
        view.line = r.line;
        view.cells = r.cells;
        if (!checker.check(row, tally, values)) {
          summary.refused++;
          continue;
        }
        summary.accepted++;
        // After a refusal the file will not be taken: only check the rest, to name every bad line.
        if (summary.refused > 0 && !checker.sendsAfterRefusal) {
          values.length = 0;
          rowsInBatch = 0;
          continue;
        }
        if (++rowsInBatch >= batchSize) {
          await sink.batch(checker.finishBatch ? checker.finishBatch(values, rowsInBatch) : values, rowsInBatch);
          values = [];
          rowsInBatch = 0;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof EncodingError)) throw e;
    summary.unreadableAt = lastLine + 1;
    return summary;
  } finally {
    summary.reasons = tally.groups();
    summary.refusedLines = tally.lines;
  }
  if (!columns) {
    summary.missingColumns = checker.columns.filter((c) => c.required).map((c) => c.names.join('/'));
  } else if (rowsInBatch > 0 && (summary.refused === 0 || checker.sendsAfterRefusal)) {
    await sink.batch(checker.finishBatch ? checker.finishBatch(values, rowsInBatch) : values, rowsInBatch);
  }
  return summary;
}
