/**
 * The health report's database probes: a one-row read of a real table, and a
 * write that is rolled back, so a database that cannot take a payment fails
 * the probe as the payment would, and nothing is left behind.
 */
import { randomUUID } from 'node:crypto';
import { SqliteAdapter, sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SQLITE_BUSY_TIMEOUT_MS } from '../db/database.ts';
import { isBusy } from '../db/sqlite-lock-wait.ts';

/** The probe's row in `setting`: a unique key, never committed. */
const PROBE_KEY_PREFIX = 'health-probe:';
/**
 * A value larger than a SQLite page (4 KB): storing it needs a page the
 * database does not have yet, so a database that cannot grow fails the probe
 * as a payment would, instead of fitting it into free room of a page.
 */
const PROBE_VALUE = 'x'.repeat(8192);

/** Thrown inside the probe's transaction so that Kysely rolls it back. */
const ROLLED_BACK = Symbol('rolled back');

/** A one-row read of a real table. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await db.selectFrom('setting').select('key').limit(1).execute();
}

/** Inserts the probe's row and rolls it back: nothing is left behind, nothing reaches the disk. */
function probeIn(on: Kysely<Database>): Promise<void> {
  return on
    .transaction()
    .execute(async (tx) => {
      await tx.insertInto('setting').values({ key: `${PROBE_KEY_PREFIX}${randomUUID()}`, value: PROBE_VALUE }).execute();
      throw ROLLED_BACK;
    })
    .catch((e: unknown) => {
      if (e !== ROLLED_BACK) throw e;
    });
}

/** Writes a row larger than a page and rolls it back; throws what a payment would meet. */
export async function probeWrite(db: Kysely<Database>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return probeIn(db);
  // On SQLite the probe must not wait for another process's write lock (a
  // long CLI import holds it): busy_timeout would block the whole event
  // loop meanwhile. Busy means a writer is working, which is not a fault.
  await db.connection().execute(async (conn) => {
    await sql`pragma busy_timeout = 0`.execute(conn);
    try {
      await probeIn(conn);
    } catch (e) {
      if (!isBusy(e)) throw e;
    } finally {
      await sql.raw(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`).execute(conn);
    }
  });
}
