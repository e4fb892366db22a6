/**
 * Personal data at rest. Roster names and phones move from clear columns to
 * one sealed value (`contact`: AES-256-GCM under a key derived from the
 * personal-data key) beside their masked forms, which are all that is ever
 * shown. The clear `name` and `phone` columns stay only so that a database
 * of an older version can be sealed at the next start, when the key is at
 * hand (a migration never sees the key); after that they hold nothing.
 * Stored replies get an index on their age, so the dedupe window's pruning
 * reads only what it deletes. Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lapse_person').addColumn('contact', 'text').execute();
  await db.schema.alterTable('lapse_person').addColumn('name_masked', 'text').execute();
  await db.schema.alterTable('lapse_person').addColumn('phone_masked', 'text').execute();
  await db.schema.createIndex('inbound_message_created_at').on('inbound_message').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbound_message_created_at').execute();
  await db.schema.alterTable('lapse_person').dropColumn('phone_masked').execute();
  await db.schema.alterTable('lapse_person').dropColumn('name_masked').execute();
  await db.schema.alterTable('lapse_person').dropColumn('contact').execute();
}
