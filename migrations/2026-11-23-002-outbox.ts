/**
 * The outbox: every message the bot posts on its own (scheduled boards,
 * reminders, escalations) is a row here first, written in the same
 * transaction as what caused it, and delivered by a worker afterwards.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    // A neutral reply as JSON; an image is stored separately as base64 in `image`.
    .addColumn('reply', 'text', (c) => c.notNull())
    .addColumn('image', 'text')
    // What the message is (`board:2026-11-23:18:00:area-1`): the same key is never queued twice.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['delivered_at', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
}
