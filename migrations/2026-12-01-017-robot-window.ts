/**
 * A group robot's rate window as its app counts it (WeCom and DingTalk: 20
 * messages in any 60 s; Feishu: 100 in 60 s and 5 in 1 s), kept in the
 * database so that every replica counts the same sends. One row per request
 * made to a windowed channel: written when the send is claimed, with `at`
 * the claim's lease end (a sender that dies mid-send may have reached the
 * app at any time until then), and set to the moment the app answered once
 * it has (the app counted the message at or before its answer). Rows older
 * than the longest window are deleted as new ones come.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox_send')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    // The outbox row the request carried: its answer settles this row.
    .addColumn('outbox_id', 'integer', (c) => c.notNull())
    // ISO time: the latest the app can have counted the request.
    .addColumn('at', 'text', (c) => c.notNull())
    // 0 while the request is unanswered (`at` is then the lease end), 1 once answered.
    .addColumn('answered', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('outbox_send_channel_at').on('outbox_send').columns(['platform', 'channel_id', 'at']).execute();
  await db.schema.createIndex('outbox_send_outbox').on('outbox_send').columns(['outbox_id', 'answered']).execute();
  await db.schema.createIndex('outbox_send_at').on('outbox_send').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_send').execute();
}
