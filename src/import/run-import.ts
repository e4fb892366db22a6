/**
 * The shared shape of an import: a worker thread reads the header and checks
 * every row (see `check-thread.ts`) while this thread writes or stages the
 * accepted rows in batches; nothing is written when any row was refused, so a
 * file is taken whole or not at all. A staged import (roster, contributions)
 * holds no lock the bot needs while it reads, and writes in short
 * transactions once the whole file is known good (see `ImportWriter`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PiiHasher } from '../domain/pii-hash.ts';
import type { PiiSealer } from '../domain/pii-seal.ts';
import { CheckThread, type CheckTask } from './check-thread.ts';
import type { CheckSummary } from './check-table.ts';
import { FIRST_LINES, LISTED_LINES, type ImportRefusalReason, type ImportReport, type RefusedLine } from './report.ts';
import type { TableProgress } from './table-source.ts';

export interface ImportOptions {
  db: Kysely<Database>;
  hasher: PiiHasher;
  /** Seals roster names and phones (a contributions import seals nothing). */
  sealer: PiiSealer;
  now: Date;
  /** The business date (birth dates after it are refused). */
  today: string;
  onProgress?: (p: TableProgress) => void;
  /** Rows per write statement. */
  batchSize?: number;
  /**
   * Caps the heap of the thread that reads and checks the file, in MB
   * (READER_HEAP_MB when absent): a file that needs more (one cell of many
   * megabytes, say an unclosed quote) fails the import, with nothing written.
   */
  readerHeapMb?: number;
  /**
   * Last thing before the import commits (a staged import: before its first
   * write), only when it is taken (the file had no refusal): what must exist
   * only with the data, such as a newly generated ID-hashing key. Throwing
   * rolls the import back (a staged import writes nothing).
   */
  beforeCommit?(): void;
}

/** What running any import needs (a targets import hashes nothing and has no business date). */
export type RunImportOptions = Pick<ImportOptions, 'db' | 'onProgress' | 'batchSize' | 'readerHeapMb' | 'beforeCommit'>;

/** Refusals only the importing thread can find, in what it staged: a reason, its column, how many and the first lines. */
export interface StagedRefusal {
  reason: ImportRefusalReason;
  /** The column's key (`id_number`). */
  column: string;
  count: number;
  /** The first lines, in file order. */
  lines: number[];
}

/**
 * What an import kind does with its checked rows, in the importing thread.
 *
 * Unstaged (targets): everything runs in one transaction, taken whole or
 * rolled back. Staged (roster): `begin` and `write` fill tables of the
 * import's own connection only, outside any transaction on the shared tables,
 * so the bot's writes go on while the file is read; `refusals` finds what
 * only the whole file shows; then, for a file with no refusal, `merge` writes
 * the staged rows in short transactions of its own (each write lock lasts
 * milliseconds), and `finish` runs in one more. `end` always runs last.
 */
export interface ImportWriter {
  staged?: boolean;
  /** Before the first batch: e.g. creates a staging table. */
  begin?(db: Kysely<Database>): Promise<void>;
  /** Writes (or stages) a batch of `rows` accepted rows as flat values; returns how many added or changed something. */
  write(db: Kysely<Database>, values: unknown[], rows: number): Promise<number>;
  /** Staged: after the last batch, the refusals found in what was staged (rows refused as a whole file: counted once each). */
  refusals?(db: Kysely<Database>): Promise<StagedRefusal[]>;
  /** After the last batch of a file with no refusal: writes what was staged; returns how many added or changed something. */
  merge?(db: Kysely<Database>): Promise<number>;
  /** After the last batch and the merge (unstaged: in the transaction; staged: in short transactions of its own): returns how many lapse cases closed. */
  finish(db: Kysely<Database>): Promise<number>;
  /** Staged: last of all, taken or not (drops the staging tables). */
  end?(db: Kysely<Database>): Promise<void>;
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
    refusedLines: [],
    missingColumns: [],
    unreadableAt: null,
    casesClosed: 0,
    committed: false,
  };
  // Started before the transaction: the thread's start overlaps waiting for the write lock.
  const thread = CheckThread.start(path, task, { batchSize: options.batchSize ?? 500, heapMb: options.readerHeapMb, onProgress: options.onProgress });
  let summary: CheckSummary | null = null;
  /** Reads every batch into `db`; the summary once the whole file was checked. */
  const readAll = async (db: Kysely<Database>): Promise<CheckSummary> => {
    await writer.begin?.(db);
    for (let m = await thread.next(); ; m = await thread.next()) {
      if (m.type === 'done') {
        // Its memory is not needed for the merge.
        await thread.stop();
        return (summary = m.summary);
      }
      report.written += await writer.write(db, m.values, m.rows);
    }
  };
  const refused = (s: CheckSummary) => s.missingColumns.length > 0 || s.unreadableAt !== null || s.refused > 0;
  try {
    if (writer.staged) {
      // One connection throughout: the staging tables are the connection's own.
      await options.db.connection().execute(async (conn) => {
        try {
          const s = await readAll(conn);
          if (s.missingColumns.length || s.unreadableAt !== null) throw new Rollback();
          summary = withStagedRefusals(s, (await writer.refusals?.(conn)) ?? []);
          if (refused(summary)) throw new Rollback();
          // Nothing is written yet: what must exist only with the data can still stop the import.
          options.beforeCommit?.();
          if (writer.merge) report.written += await writer.merge(conn);
          report.casesClosed = await writer.finish(conn);
          report.taken = summary.accepted;
        } finally {
          await writer.end?.(conn);
        }
      });
    } else {
      await options.db.transaction().execute(async (trx) => {
        const s = await readAll(trx);
        if (refused(s)) throw new Rollback();
        if (writer.merge) report.written += await writer.merge(trx);
        report.casesClosed = await writer.finish(trx);
        report.taken = s.accepted;
        options.beforeCommit?.();
      });
    }
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
    report.refusedLines = s.refusedLines;
    report.missingColumns = s.missingColumns;
    report.unreadableAt = s.unreadableAt;
  }
  return report;
}

/**
 * The summary with the refusals found in the staged rows added: each is a
 * line that passed the row checks, so it is one more refused line, named in
 * file order among the others.
 */
function withStagedRefusals(s: CheckSummary, found: readonly StagedRefusal[]): CheckSummary {
  if (found.length === 0) return s;
  const out: CheckSummary = { ...s, reasons: [...s.reasons], refusedLines: [...s.refusedLines] };
  // The checker lists only its first lines: past its last listed one, the lines it did not list come first.
  const listedUpTo = s.refusedLines.length >= LISTED_LINES ? s.refusedLines.at(-1)!.line : Infinity;
  for (const f of found) {
    const at = s.columnRefs[f.column] ?? { column: f.column };
    const refs = f.lines.map((line) => ({ line, ...at }));
    out.refused += f.count;
    out.accepted -= f.count;
    out.reasons.push({ reason: f.reason, count: f.count, first: refs.slice(0, FIRST_LINES) });
    out.refusedLines.push(...refs.filter((ref) => ref.line < listedUpTo).map((ref): RefusedLine => ({ line: ref.line, problems: [{ reason: f.reason, ref }] })));
  }
  out.refusedLines.sort((a, b) => a.line - b.line);
  out.refusedLines.length = Math.min(out.refusedLines.length, LISTED_LINES);
  return out;
}
