/**
 * The shared shape of an import: a worker thread reads the header and checks
 * every row (see `check-thread.ts`) while this thread writes the accepted
 * rows in batches inside one transaction; everything is rolled back when any
 * row was refused, so a file is taken whole or not at all.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PiiHasher } from '../domain/pii-hash.ts';
import { CheckThread, type CheckTask } from './check-thread.ts';
import type { CheckSummary } from './check-table.ts';
import type { ImportReport } from './report.ts';
import type { TableProgress } from './table-source.ts';

export interface ImportOptions {
  db: Kysely<Database>;
  hasher: PiiHasher;
  now: Date;
  /** The business date (birth dates after it are refused). */
  today: string;
  onProgress?: (p: TableProgress) => void;
  /** Rows per write statement. */
  batchSize?: number;
  /**
   * Caps the heap of the thread that reads and checks the file, in MB (V8's
   * default when absent): a file that needs more (one cell of many megabytes,
   * say an unclosed quote) fails the import, with nothing written.
   */
  readerHeapMb?: number;
}

/** What running any import needs (a targets import hashes nothing and has no business date). */
export type RunImportOptions = Pick<ImportOptions, 'db' | 'onProgress' | 'batchSize' | 'readerHeapMb'>;

/** What an import kind does with its checked rows, in the importing thread. */
export interface ImportWriter {
  /** Before the first batch (same transaction): e.g. creates a staging table. */
  begin?(db: Kysely<Database>): Promise<void>;
  /** Writes (or stages) a batch of `rows` accepted rows as flat values; returns how many added or changed something. */
  write(db: Kysely<Database>, values: unknown[], rows: number): Promise<number>;
  /** After the last batch of a file with no refusal: writes what was staged; returns how many added or changed something. */
  merge?(db: Kysely<Database>): Promise<number>;
  /** After the last batch and the merge (same transaction): returns how many lapse cases closed. */
  finish(db: Kysely<Database>): Promise<number>;
}

class Rollback extends Error {}

/**
 * Imports the file at `path`: checked on a worker thread as `task` says,
 * written here by `writer`. A file that could not be read to the end (the
 * reading thread failed) throws an `import_invalid` error, with nothing written.
 */
export async function runImport(path: string, task: CheckTask, writer: ImportWriter, options: RunImportOptions): Promise<ImportReport> {
  const report: ImportReport = {
    kind: task.kind,
    format: 'csv',
    encoding: null,
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
  // Started before the transaction: the thread's start overlaps waiting for the write lock.
  const thread = CheckThread.start(path, task, { batchSize: options.batchSize ?? 500, heapMb: options.readerHeapMb, onProgress: options.onProgress });
  let summary: CheckSummary | null = null;
  try {
    await options.db.transaction().execute(async (trx) => {
      await writer.begin?.(trx);
      for (let m = await thread.next(); ; m = await thread.next()) {
        if (m.type === 'done') {
          summary = m.summary;
          // Its memory (the duplicate check above all) is not needed for the merge.
          await thread.stop();
          break;
        }
        report.written += await writer.write(trx, m.values, m.rows);
      }
      const s: CheckSummary = summary;
      if (s.missingColumns.length || s.unreadableAt !== null || s.refused > 0) throw new Rollback();
      if (writer.merge) report.written += await writer.merge(trx);
      report.casesClosed = await writer.finish(trx);
      report.taken = s.accepted;
    });
    report.committed = true;
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    report.taken = 0;
    report.written = 0;
    report.casesClosed = 0;
  } finally {
    // Stops the checking thread if the writes failed first.
    await thread.stop();
  }
  const s = summary as CheckSummary | null;
  if (s) {
    report.format = s.format;
    report.encoding = s.encoding;
    report.rowsRead = s.rowsRead;
    report.refused = s.refused;
    report.reasons = s.reasons;
    report.missingColumns = s.missingColumns;
    report.unreadableAt = s.unreadableAt;
  }
  return report;
}
