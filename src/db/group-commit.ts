/**
 * Group commit. Chat writes arrive in bursts (every township logs before the
 * 18:00 board); each needs its own durable commit before its reply, and the
 * fsync of that commit costs more than the work itself. Writes that arrive
 * while a commit is in progress are run together in the next transaction,
 * and all are answered once that transaction has committed. A lone write is
 * simply one transaction.
 *
 * A batch is first run optimistically, one write after another with nothing
 * between them: nearly every write succeeds, and a savepoint and its release
 * around each cost two statements a write (on PostgreSQL two round trips,
 * about what batching saves). Only when a write throws (a refusal, a replay)
 * is the whole transaction rolled back and the batch run again with each
 * write in its own savepoint, so that one failure rolls back only its own
 * work. Work functions may therefore run more than once; they only touch the
 * database and start clean each time.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { isRetryableConflict } from './errors.ts';

/** How often a write that lost a deadlock or serialization race to another replica is run again. */
const CONFLICT_RETRIES = 3;

/** Runs `attempt` again while it fails with a retryable conflict (PostgreSQL, several replicas). */
async function retryConflicts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= CONFLICT_RETRIES || !isRetryableConflict(error)) throw error;
    }
  }
}

/** A write of an optimistic batch failed: the batch is run again the savepoint way. */
class RunWithSavepoints extends Error {
  constructor() {
    super('a write of the batch failed');
  }
}

/** A write failed and took its whole transaction with it; carries that write's error. */
class BatchAborted extends Error {
  constructor(readonly original: unknown) {
    super('transaction aborted');
  }
}

interface Pending<T> {
  work: (tx: Transaction<Database>) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Runs write transactions, committing concurrent ones together. */
export interface GroupCommit {
  run<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in a transaction of its own, beside the batches: for a write
   * whose many rows would hold every chat write batched with it until it
   * commits (a board post of 2,000 townships). On SQLite it still takes its
   * turn for the one connection; on PostgreSQL it runs on its own.
   */
  alone<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T>;
}

/**
 * Runs a batch in `tx`, each write in its own savepoint: a write that fails
 * rolls back only its own work, and one that lost a race is run again alone.
 */
async function withSavepoints(tx: Transaction<Database>, batch: readonly Pending<unknown>[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const item of batch) {
    out.push(
      await retryConflicts(async (): Promise<Outcome> => {
        await sql`savepoint enrollbot_write`.execute(tx);
        try {
          const value = await item.work(tx);
          await sql`release savepoint enrollbot_write`.execute(tx);
          return { ok: true, value };
        } catch (error) {
          try {
            await sql`rollback to savepoint enrollbot_write`.execute(tx);
            await sql`release savepoint enrollbot_write`.execute(tx);
          } catch {
            // The whole transaction is gone (SQLite ends it by itself on
            // a full disk): fail the batch with the error that says why,
            // not with the savepoint's "no such savepoint".
            throw new BatchAborted(error);
          }
          if (isRetryableConflict(error)) throw error;
          return { ok: false, error };
        }
      }).catch((error: unknown): Outcome => {
        if (error instanceof BatchAborted) throw error.original;
        return { ok: false, error };
      }),
    );
  }
  return out;
}

export function createGroupCommit(db: Kysely<Database>, maxBatch = 64): GroupCommit {
  const queue: Pending<unknown>[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    while (queue.length) {
      const batch = queue.splice(0, maxBatch);
      let outcomes: Outcome[];
      try {
        // A whole-batch retry is safe: the transaction rolled back, and work
        // functions only touch the database.
        outcomes = await retryConflicts(() => db.transaction().execute(async (tx): Promise<Outcome[]> => {
          if (batch.length === 1) return [{ ok: true, value: await batch[0]!.work(tx) }];
          const out: Outcome[] = [];
          for (const item of batch) {
            try {
              out.push({ ok: true, value: await item.work(tx) });
            } catch {
              // A lost race too: the savepoint way retries only the write that lost it.
              throw new RunWithSavepoints();
            }
          }
          return out;
        })).catch((error: unknown) => {
          if (!(error instanceof RunWithSavepoints)) throw error;
          return retryConflicts(() => db.transaction().execute(async (tx) => withSavepoints(tx, batch)));
        });
      } catch (error) {
        // A lone write's own failure, or a failed commit: nothing of the batch was recorded.
        for (const item of batch) item.reject(error);
        continue;
      }
      batch.forEach((item, i) => {
        const o = outcomes[i]!;
        if (o.ok) item.resolve(o.value);
        else item.reject(o.error);
      });
    }
    flushing = false;
  }

  return {
    run<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve, reject } as Pending<unknown>);
        if (!flushing) void flush();
      });
    },
    alone<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
      return retryConflicts(() => db.transaction().execute(work));
    },
  };
}
