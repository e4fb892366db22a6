/**
 * Core schema: areas, campaigns, targets, members and roles, channel bindings,
 * the append-only payment ledger with its maintained totals, idempotency keys
 * and the audit log.
 *
 * Frozen in time: never import application code here. Written for SQLite and
 * PostgreSQL alike: money is integer fen (bigint), instants are ISO-8601 UTC
 * text, business dates are `YYYY-MM-DD` text in the campaign's zone.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('area')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('parent_id', 'integer', (c) => c.references('area.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // '/1/5/23/': the ids from the root down to this area, so ancestors are
    // known without recursive queries.
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('area_parent_name').on('area').columns(['parent_id', 'name']).unique().execute();
  await db.schema.createIndex('area_name').on('area').column('name').execute();

  await db.schema
    .createTable('campaign')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('premium_fen', 'bigint', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('is_current', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('target')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('people', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('target_pk', ['campaign_id', 'area_id'])
    .execute();

  await db.schema
    .createTable('member')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('locale', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('identity')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
    .addPrimaryKeyConstraint('identity_pk', ['platform', 'external_id'])
    .execute();

  await db.schema
    .createTable('role_grant')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    // Admin grants point at the root area, so the triple is always unique.
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('role_grant_unique')
    .on('role_grant')
    .columns(['member_id', 'role', 'area_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('channel_binding')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_binding_pk', ['platform', 'channel_id'])
    .execute();
  await db.schema.createIndex('channel_binding_area').on('channel_binding').columns(['area_id', 'kind']).execute();

  await db.schema
    .createTable('ledger_entry')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('people', 'integer', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    // A reversal names the entry it reverses; unique so nothing is reversed twice.
    .addColumn('reverses_id', 'integer', (c) => c.unique().references('ledger_entry.id'))
    .addColumn('reason', 'text')
    .addColumn('note', 'text')
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.unique())
    .addColumn('business_date', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ledger_entry_author')
    .on('ledger_entry')
    .columns(['member_id', 'campaign_id', 'id'])
    .execute();
  await db.schema.createIndex('ledger_entry_area').on('ledger_entry').columns(['area_id', 'id']).execute();

  // Running totals per area and per area-day, maintained in the same
  // transaction as each ledger entry so the board never scans the ledger.
  await db.schema
    .createTable('area_total')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('people', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('entries', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('area_total_pk', ['campaign_id', 'area_id'])
    .execute();
  await db.schema
    .createTable('area_day')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('business_date', 'text', (c) => c.notNull())
    .addColumn('people', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('area_day_pk', ['campaign_id', 'area_id', 'business_date'])
    .execute();

  await db.schema
    .createTable('inbound_message')
    .addColumn('source_key', 'text', (c) => c.primaryKey())
    .addColumn('reply', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.references('member.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('setting')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'setting',
    'audit_log',
    'inbound_message',
    'area_day',
    'area_total',
    'ledger_entry',
    'channel_binding',
    'role_grant',
    'identity',
    'member',
    'target',
    'campaign',
    'area',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
