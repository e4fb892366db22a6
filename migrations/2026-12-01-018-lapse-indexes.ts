/**
 * Indexes that let a lapse screen read what it needs without visiting each
 * lapsed person's row: once the roster outgrows the cache, a row read per
 * person is a random page read per person (measured in docs/figures.md).
 * - `lapse_person_lapsed` (latest paid month, township, 参保状态, id) covers
 *   finding the lapsed people of a month and opening their cases; it
 *   replaces `lapse_person_last_paid`, its first column;
 * - `lapse_person_insured_status` finds the few people no longer paying by
 *   duty without reading the whole roster; `lapse_case_status_paused` the
 *   open cases whose promise to pay has run out without reading every open
 *   case. Both are partial (only rows with a value): a new person or case
 *   adds nothing to them.
 * - PostgreSQL only: a case's foreign keys to its person and township are
 *   dropped. Checking them locked the person's row for every case opened (a
 *   write to a random page of the roster per lapsed person, more than half
 *   of a first screen's time); people and areas are never deleted, and the
 *   cases are opened from the people themselves. SQLite keeps them (its
 *   check is a read, and costs little).
 * Frozen in time: never import application code here.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('lapse_person_lapsed').on('lapse_person').columns(['last_paid_month', 'area_id', 'insured_status', 'id']).execute();
  await db.schema.dropIndex('lapse_person_last_paid').execute();
  await db.schema.createIndex('lapse_person_insured_status').on('lapse_person').column('insured_status').where(sql.ref('insured_status'), 'is not', null).execute();
  await db.schema.createIndex('lapse_case_status_paused').on('lapse_case').columns(['status', 'paused_until']).where(sql.ref('paused_until'), 'is not', null).execute();
  if (isPostgres(db)) {
    await db.schema.alterTable('lapse_case').dropConstraint('lapse_case_person_id_fkey').execute();
    await db.schema.alterTable('lapse_case').dropConstraint('lapse_case_area_id_fkey').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.alterTable('lapse_case').addForeignKeyConstraint('lapse_case_area_id_fkey', ['area_id'], 'area', ['id']).execute();
    await db.schema.alterTable('lapse_case').addForeignKeyConstraint('lapse_case_person_id_fkey', ['person_id'], 'lapse_person', ['id']).execute();
  }
  await db.schema.dropIndex('lapse_case_status_paused').execute();
  await db.schema.dropIndex('lapse_person_insured_status').execute();
  await db.schema.createIndex('lapse_person_last_paid').on('lapse_person').column('last_paid_month').execute();
  await db.schema.dropIndex('lapse_person_lapsed').execute();
}
