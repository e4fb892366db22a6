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

/** A batch's writes running side by side: how many are still running, and the items they wait on. */
interface Wave {
  running: number;
  queued: number;
  statements: Map<SharedStatement<never, unknown>, Waiting>;
}

/** The transactions whose batch is running its writes side by side. */
const waves = new WeakMap<object, Wave>();

/**
 * Sends what the wave's writes wait on once every write still running waits
 * on a shared statement: a write that reads first (a township named by its
 * name) is waited for, so its entry goes with the others rather than alone.
 * A read always ends (or fails, ending its write), so this never stalls.
 */
function sendIfAllWait(db: Kysely<Database>, wave: Wave): void {
  if (wave.queued === 0 || wave.queued < wave.running) return;
  for (const [statement, waiting] of wave.statements) {
    wave.statements.delete(statement);
    wave.queued -= waiting.items.length;
    Promise.resolve()
      .then(() => statement(db, waiting.items as never[]))
      .then(
        (out) => waiting.answers.forEach((a, i) => a.resolve(out[i])),
        (error: unknown) => waiting.answers.forEach((a) => a.reject(error)),
      );
  }
}

/**
 * Sends `item` through `statement`: alone, or, in a batch whose writes run
 * side by side, in one statement with the items the batch's other writes
 * hand over (see `sendIfAllWait`).
 */
export function sendTogether<I, O>(db: Kysely<Database>, statement: SharedStatement<I, O>, item: I): Promise<O> {
  const wave = waves.get(db);
  if (!wave) return statement(db, [item]).then((out) => out[0]!);
  const key = statement as SharedStatement<never, unknown>;
  let waiting = wave.statements.get(key);
  if (!waiting) {
    waiting = { items: [], answers: [] };
    wave.statements.set(key, waiting);
  }
  const target = waiting;
  const answer = new Promise<O>((resolve, reject) => {
    target.items.push(item);
    target.answers.push({ resolve: resolve as (value: unknown) => void, reject });
  });
  wave.queued++;
  sendIfAllWait(db, wave);
  return answer;
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
    const wave: Wave = { running: together.length, queued: 0, statements: new Map() };
    waves.set(tx, wave);
    let settled: PromiseSettledResult<unknown>[];
    try {
      settled = await Promise.allSettled(
        together.map((i) =>
          Promise.resolve()
            .then(() => batch[i]!.work(tx))
            .finally(() => {
              // One fewer to wait for: the others' statements may be due.
              wave.running--;
              sendIfAllWait(tx, wave);
            }),
        ),
      );
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
      // PostgreSQL: the writers just answered often write again at once (a
      // coordinator's next line, a burst's next message): one turn of the
      // event loop lets those join the next batch, where starting it at once
      // left them for the one after (batches alternated between 1 and 19
      // writes). A batch there costs round trips; the turn costs microseconds.
      if (sideBySide) await new Promise((resolve) => setImmediate(resolve));
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
