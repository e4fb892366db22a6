/**
 * Named people. The roster gains each contributor's insured status (a
 * retiree stops paying by right and is not screened), the 帮扶对象 flag and
 * a special-group category. The campaign's named lists (special groups held
 * to a 100 % floor, and the 包户到人 unpaid residents) get a table of their
 * own; their unpaid people become cases beside the lapses (`kind`), so that
 * follow-ups, digests, escalation and closing work alike for both.
 *
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // 'active' | 'retired' | 'flexible' | 'resident' | 'elsewhere' | 'deceased'; null: not said (screened).
  await db.schema.alterTable('lapse_person').addColumn('insured_status', 'text').execute();
  await db.schema.alterTable('lapse_person').addColumn('supported', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('lapse_person').addColumn('special_category', 'text').execute();
  await db.schema.createIndex('lapse_person_cadre_text').on('lapse_person').column('cadre_text').execute();

  await db.schema
    .createTable('named_person')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    // 'special' (特困、低保、脱贫、监测对象…) | 'unpaid' (包户到人 named unpaid residents).
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('id_hash', 'text', (c) => c.notNull())
    .addColumn('id_masked', 'text', (c) => c.notNull())
    // Name and phone sealed together, as on the roster; only the masked forms are shown.
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('name_masked', 'text', (c) => c.notNull())
    .addColumn('phone_masked', 'text')
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('village', 'text')
    .addColumn('category', 'text')
    .addColumn('cadre_member_id', 'integer', (c) => c.references('member.id'))
    .addColumn('cadre_text', 'text')
    // 1 once the official record shows them paid (or a later list leaves them out).
    .addColumn('paid', 'integer', (c) => c.notNull().defaultTo(0))
    // 0 once a later file of their township leaves them off a special-group list.
    .addColumn('listed', 'integer', (c) => c.notNull().defaultTo(1))
    // The import that last named them: who a new file of the same township no longer names.
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('named_person_list_hash').on('named_person').columns(['campaign_id', 'list', 'id_hash']).unique().execute();
  await db.schema.createIndex('named_person_area').on('named_person').columns(['campaign_id', 'list', 'area_id', 'paid']).execute();
  await db.schema.createIndex('named_person_cadre_text').on('named_person').column('cadre_text').execute();

  // 'lapse' | 'special' | 'unpaid'; a named case points at its list entry (named_person.id: no
  // foreign key, which SQLite could not drop again on the way down).
  await db.schema.alterTable('lapse_case').addColumn('kind', 'text', (c) => c.notNull().defaultTo('lapse')).execute();
  await db.schema.alterTable('lapse_case').addColumn('named_id', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lapse_case').dropColumn('named_id').execute();
  await db.schema.alterTable('lapse_case').dropColumn('kind').execute();
  await db.schema.dropTable('named_person').execute();
  await db.schema.dropIndex('lapse_person_cadre_text').execute();
  await db.schema.alterTable('lapse_person').dropColumn('special_category').execute();
  await db.schema.alterTable('lapse_person').dropColumn('supported').execute();
  await db.schema.alterTable('lapse_person').dropColumn('insured_status').execute();
}
