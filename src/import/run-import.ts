/**
 * The shared shape of an import: read the header, check every row, write
 * accepted rows in batches inside one transaction, and roll everything back
 * when any row was refused, so a file is taken whole or not at all.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PiiHasher } from '../domain/pii-hash.ts';
import { columnLetter, mapColumns, type ColumnMap, type ColumnSpec } from './columns.ts';
import { EncodingError } from './encoding.ts';
import { RefusalTally, type CellRef, type ImportReport } from './report.ts';
import { openTable, type Cell, type TableProgress, type TableRow } from './table-source.ts';

export interface ImportOptions {
  db: Kysely<Database>;
  hasher: PiiHasher;
  now: Date;
  /** The business date (birth dates after it are refused). */
  today: string;
  onProgress?: (p: TableProgress) => void;
  /** Rows per write statement. */
  batchSize?: number;
}

/** A row's cells by column key, with where each is for refusals. */
export interface RowView<K extends string> {
  line: number;
  get(key: K): Cell;
  ref(key: K): CellRef;
}

/** What an import kind supplies to the shared driver. */
export interface ImportKind<K extends string, R> {
  kind: ImportReport['kind'];
  columns: readonly ColumnSpec<K>[];
  /** Checks a row; returns what to write, or null after adding its refusals. */
  check(row: RowView<K>, tally: RefusalTally): R | null;
  /** Before the first row (same transaction): e.g. creates a staging table. */
  begin?(db: Kysely<Database>): Promise<void>;
  /** Writes (or stages) a batch of accepted rows; returns how many added or changed something. */
  write(db: Kysely<Database>, batch: R[]): Promise<number>;
  /** After the last batch of a file with no refusal: writes what was staged; returns how many added or changed something. */
  merge?(db: Kysely<Database>): Promise<number>;
  /** After the last batch and the merge (same transaction): returns how many lapse cases closed. */
  finish(db: Kysely<Database>): Promise<number>;
}

class Rollback extends Error {}

/** Text of a cell as written (numbers in their shortest form). */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell.trim();
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

export async function runImport<K extends string, R>(
  path: string,
  spec: ImportKind<K, R>,
  options: ImportOptions,
): Promise<ImportReport> {
  const table = await openTable(path, options.onProgress);
  const batchSize = options.batchSize ?? 500;
  const tally = new RefusalTally();
  const report: ImportReport = {
    kind: spec.kind,
    format: table.format,
    encoding: table.encoding,
    rowsRead: 0,
    taken: 0,
    written: 0,
    refused: 0,
    reasons: [],
    missingColumns: [],
    unreadableAt: null,
    casesClosed: 0,
    committed: false,
  };
  let lastLine = 0;
  try {
    await options.db.transaction().execute(async (trx) => {
      await spec.begin?.(trx);
      let columns: ColumnMap<K> | null = null;
      let batch: R[] = [];
      let accepted = 0;
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
          return { line: view.line, column: c ? `${columnLetter(c.index)}（${c.header}）` : key };
        },
      };
      for await (const rows of table.rows()) {
        for (const r of rows as TableRow[]) {
          lastLine = r.line;
          if (!columns) {
            const mapped = mapColumns(r.cells, spec.columns);
            if (mapped.missing.length) {
              report.missingColumns = mapped.missing.map((m) => m.names.join('/'));
              throw new Rollback();
            }
            columns = mapped.columns;
            continue;
          }
          report.rowsRead++;
          view.line = r.line;
          view.cells = r.cells;
          const rec = spec.check(row, tally);
          if (rec === null || tally.total > 0) continue; // after a refusal, only check the rest
          accepted++;
          batch.push(rec);
          if (batch.length >= batchSize) {
            report.written += await spec.write(trx, batch);
            batch = [];
          }
        }
      }
      if (!columns) {
        report.missingColumns = spec.columns.filter((c) => c.required).map((c) => c.names.join('/'));
        throw new Rollback();
      }
      if (tally.total > 0) throw new Rollback();
      if (batch.length) report.written += await spec.write(trx, batch);
      if (spec.merge) report.written += await spec.merge(trx);
      report.casesClosed = await spec.finish(trx);
      report.taken = accepted;
    });
    report.committed = true;
  } catch (e) {
    if (e instanceof EncodingError) report.unreadableAt = lastLine + 1;
    else if (!(e instanceof Rollback)) throw e;
    report.taken = 0;
    report.written = 0;
    report.casesClosed = 0;
  }
  report.refused = tally.total;
  report.reasons = tally.groups();
  return report;
}
