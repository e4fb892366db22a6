/**
 * One runner at a time for a long job (a board run, a lapse scan) across
 * replicas. On PostgreSQL a transaction-level advisory lock keyed by the
 * job's name: a second replica waits for the first to commit and then sees
 * its work done (its claims, its settings), and a replica that dies mid-job
 * loses the lock with its connection, its transaction rolled back whole.
 * SQLite needs none: its write transactions already run one at a time
 * (`begin immediate`), across processes too.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Holds the job's lock until the caller's transaction ends; call it first in that transaction. */
export async function lockJob(tx: Kysely<Database>, job: string): Promise<void> {
  if (!(tx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`enrollbot:${job}`}, 0))`.execute(tx);
}
