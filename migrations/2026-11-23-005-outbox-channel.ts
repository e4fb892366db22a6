/**
 * Per-channel pacing in the database: with several replicas each running a
 * delivery worker, "one message at a time, at most one per second, per
 * channel" must hold across processes, so a worker holds a channel row
 * before it sends to that channel. Frozen in time: never import application
 * code here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox_channel')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    // The earliest the next message may go: pacing, or a platform's Retry-After.
    .addColumn('next_at', 'text', (c) => c.notNull())
    // The worker sending to the channel now, and until when its hold lasts
    // should it die mid-send (then another worker takes the channel over).
    .addColumn('held_by', 'text')
    .addColumn('held_until', 'text')
    .addPrimaryKeyConstraint('outbox_channel_pk', ['platform', 'channel_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_channel').execute();
}
