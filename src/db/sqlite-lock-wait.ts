/**
 * Waiting for SQLite's write lock without freezing the event loop.
 *
 * SQLite's busy handler sleeps in the thread that waits. With better-sqlite3
 * that thread is the bot's event loop. While another process holds the
 * write lock (a CLI import merging its slices), a chat write waiting
 * behind it froze every acknowledgement and reply with it: up to 0.5–1.4 s
 * during a roster import on the bench. And the handler's sleeps grow (1, 2,
 * 5, 10 … 100 ms), so a waiter often slept through the import's short gaps
 * between slices.
 *
 * Here a transaction takes the lock with `begin immediate` and no busy
 * timeout, and tries again every millisecond on a timer until it gets it or
 * the connection's busy timeout has passed. Then it fails as before, with
 * SQLite's own "database is locked". The statements inside the transaction
 * keep the connection's busy timeout. A connection whose busy timeout was
 * set to 0 (the health probe, which must not wait) tries once.
 */
import { SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type Kysely, type SqliteDialectConfig } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';

/** How often a transaction tries again for a write lock another connection holds. */
const RETRY_MS = 1;

/** How long a loop of write transactions (an import's merge) leaves SQLite's lock free after each one. */
const GAP_MS = 2;

/**
 * After one of many write transactions in a row: on SQLite, leaves the
 * write lock free long enough for a writer waiting in another process (it
 * tries every millisecond) to take its turn, rather than after the whole
 * loop. PostgreSQL queues its lock waiters itself: nothing to do there.
 */
export async function yieldWriteLock<DB>(db: Kysely<DB>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await new Promise((resolve) => setTimeout(resolve, GAP_MS));
}

/** SQLITE_BUSY, and its extended codes. */
export function isBusy(e: unknown): boolean {
  return String((e as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');
}

class LockWaitingDriver extends SqliteDriver {
  readonly #sqlite: SqliteDatabase.Database;
  // Prepared once: `pragma()` compiles its statement at every call (about
  // 10 µs for the three a transaction runs, 2.6 µs prepared).
  readonly #busyTimeout: SqliteDatabase.Statement;
  readonly #setBusyTimeout = new Map<number, SqliteDatabase.Statement>();

  constructor(config: SqliteDialectConfig, sqlite: SqliteDatabase.Database) {
    super(config);
    this.#sqlite = sqlite;
    this.#busyTimeout = sqlite.prepare('pragma busy_timeout').pluck();
  }

  /** Sets the connection's busy timeout (a pragma takes no parameters: one statement per value). */
  #timeout(ms: number): void {
    let stmt = this.#setBusyTimeout.get(ms);
    if (!stmt) this.#setBusyTimeout.set(ms, (stmt = this.#sqlite.prepare(`pragma busy_timeout = ${Math.trunc(ms)}`)));
    stmt.run();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // A caller that set no busy timeout (the health probe) wants one try.
    const timeoutMs = Number(this.#busyTimeout.get());
    if (timeoutMs === 0) return super.beginTransaction(connection);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.#timeout(0);
      try {
        await super.beginTransaction(connection);
        return;
      } catch (e) {
        if (!isBusy(e) || performance.now() >= deadline) throw e;
      } finally {
        this.#timeout(timeoutMs);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/**
 * Kysely's SQLite dialect on `sqlite`, whose transactions wait for the
 * write lock on timers (see above), as long as the connection's busy
 * timeout says.
 */
export class LockWaitingSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #sqlite: SqliteDatabase.Database;

  constructor(config: SqliteDialectConfig, sqlite: SqliteDatabase.Database) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }

  override createDriver(): Driver {
    return new LockWaitingDriver(this.#config, this.#sqlite);
  }
}
