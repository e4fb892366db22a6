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
 *
 * On PostgreSQL the writes of a batch that may run side by side (`together`:
 * a pay) do, and a statement they all make is sent once for all of them
 * (`sendTogether`): node-postgres waits for each answer before it sends the
 * next statement, so a batch of 19 pays sent one by one was 38 round trips,
 * each waiting on the event loop too; together it is two.
 */
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
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
  together: boolean;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A statement the writes of a batch can share: the items each write hands
 * over in, one result per item out, in the same order.
 */
export type SharedStatement<I, O> = (db: Kysely<Database>, items: readonly I[]) => Promise<O[]>;

interface Waiting {
  items: unknown[];
  answers: { resolve: (value: unknown) => void; reject: (error: unknown) => void }[];
}

/** The transactions whose batch is running its writes side by side, with the items they are collecting. */
const waves = new WeakMap<object, Map<SharedStatement<never, unknown>, Waiting>>();

/**
 * Sends `item` through `statement`: alone, or, in a batch whose writes run
 * side by side, in one statement with the items its other writes hand over
 * in the same turn of the event loop (they all start in one turn, and a pay
 * does no reading of its own before its entry).
 */
export function sendTogether<I, O>(db: Kysely<Database>, statement: SharedStatement<I, O>, item: I): Promise<O> {
  const wave = waves.get(db);
  if (!wave) return statement(db, [item]).then((out) => out[0]!);
  const key = statement as SharedStatement<never, unknown>;
  let waiting = wave.get(key);
  if (!waiting) {
    const collected: Waiting = { items: [], answers: [] };
    waiting = collected;
    wave.set(key, collected);
    setImmediate(() => {
      // Items handed over from now on go in the next statement.
      if (wave.get(key) === collected) wave.delete(key);
      Promise.resolve()
        .then(() => statement(db, collected.items as I[]))
        .then(
          (out) => collected.answers.forEach((a, i) => a.resolve(out[i])),
          (error: unknown) => collected.answers.forEach((a) => a.reject(error)),
        );
    });
  }
  const target = waiting;
  return new Promise<O>((resolve, reject) => {
    target.items.push(item);
    target.answers.push({ resolve: resolve as (value: unknown) => void, reject });
  });
}

/** Runs write transactions, committing concurrent ones together. */
export interface GroupCommit {
  /**
   * `together`: the write reads nothing another such write changes, so on
   * PostgreSQL it runs side by side with the batch's other such writes and
   * shares their statements (see `sendTogether`).
   */
  run<T>(work: (tx: Transaction<Database>) => Promise<T>, options?: { together?: boolean }): Promise<T>;
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

/**
 * Runs a batch's writes in `tx` with nothing between them; throws
 * RunWithSavepoints when one fails. On PostgreSQL the writes that may run
 * together do, side by side and sharing their statements, then the others
 * one after another (SQLite has one connection and answers at once:
 * nothing to wait for together).
 */
async function optimistically(tx: Transaction<Database>, batch: readonly Pending<unknown>[], sideBySide: boolean): Promise<Outcome[]> {
  const out: Outcome[] = new Array<Outcome>(batch.length);
  const together = sideBySide ? batch.flatMap((item, i) => (item.together ? [i] : [])) : [];
  if (together.length > 1) {
    waves.set(tx, new Map());
    let settled: PromiseSettledResult<unknown>[];
    try {
      settled = await Promise.allSettled(together.map((i) => batch[i]!.work(tx)));
    } finally {
      waves.delete(tx);
    }
    // Every write has finished with the connection before the rollback.
    if (settled.some((r) => r.status === 'rejected')) throw new RunWithSavepoints();
    settled.forEach((r, k) => (out[together[k]!] = { ok: true, value: (r as PromiseFulfilledResult<unknown>).value }));
  }
  for (let i = 0; i < batch.length; i++) {
    if (out[i]) continue;
    try {
      out[i] = { ok: true, value: await batch[i]!.work(tx) };
    } catch {
      // A lost race too: the savepoint way retries only the write that lost it.
      throw new RunWithSavepoints();
    }
  }
  return out;
}

export function createGroupCommit(db: Kysely<Database>, maxBatch = 64): GroupCommit {
  const queue: Pending<unknown>[] = [];
  let flushing = false;
  const sideBySide = db.getExecutor().adapter instanceof PostgresAdapter;

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
          return optimistically(tx, batch, sideBySide);
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
    run<T>(work: (tx: Transaction<Database>) => Promise<T>, options?: { together?: boolean }): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, together: options?.together === true, resolve, reject } as Pending<unknown>);
        if (!flushing) void flush();
      });
    },
    alone<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
      return retryConflicts(() => db.transaction().execute(work));
    },
  };
}
