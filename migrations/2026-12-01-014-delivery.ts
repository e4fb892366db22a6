/**
 * Deliveries that never silently stop, and pacing per platform:
 * - an outbox row that failed too often is dead-lettered (`dead_at`) instead
 *   of being retried forever, and the admins are told about it once
 *   (`dead_notified_at`);
 * - `outbox_platform` is a token bucket per platform (a Slack workspace, a
 *   Discord application) shared by every replica, with the pause a 429 asks
 *   for (`paused_until`); `version` lets replicas take tokens without locks.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('dead_at', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('dead_notified_at', 'text').execute();
  await db.schema
    .createTable('outbox_platform')
    .addColumn('platform', 'text', (c) => c.primaryKey())
    // Tokens left at `refilled_at`, in thousandths of a message (integers on every database).
    .addColumn('milli_tokens', 'integer', (c) => c.notNull())
    .addColumn('refilled_at', 'text', (c) => c.notNull())
    .addColumn('paused_until', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_platform').execute();
  await db.schema.alterTable('outbox').dropColumn('dead_notified_at').execute();
  await db.schema.alterTable('outbox').dropColumn('dead_at').execute();
}
