/**
 * Lapsed employee contributions: the roster of contributors (a keyed hash of
 * the ID number, never the number), their monthly contributions, the lapse
 * cases opened by the monthly screening, and the follow-ups recorded on them.
 *
 * Frozen in time: never import application code here. Months are
 * `YYYY-MM` text, money integer fen, instants ISO-8601 UTC text.
 */
import { sql, type Kysely } from 'kysely';
import { idColumn, isPostgres } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per person known by ID hash: from the roster, or first seen in a
  // contributions file (then area_id is null until the roster names them).
  await db.schema
    .createTable('lapse_person')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('id_hash', 'text', (c) => c.notNull().unique())
    .addColumn('id_masked', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('phone', 'text')
    // The township (null: not on the roster, never screened).
    .addColumn('area_id', 'integer', (c) => c.references('area.id'))
    .addColumn('kind', 'text') // 'employer' | 'flexible'
    .addColumn('employer', 'text')
    .addColumn('cadre_member_id', 'integer', (c) => c.references('member.id'))
    .addColumn('cadre_text', 'text')
    // The latest month with a contribution, maintained by the contributions
    // import so that screening reads people, not 12 months of contributions.
    .addColumn('last_paid_month', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lapse_person_last_paid').on('lapse_person').columns(['last_paid_month']).execute();

  let contribution = db.schema
    .createTable('lapse_contribution')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('lapse_person.id'))
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lapse_contribution_pk', ['person_id', 'month']);
  // On SQLite the primary key is the table: half the space for 12 million rows.
  if (!isPostgres(db)) contribution = contribution.modifyEnd(sql`without rowid`);
  await contribution.execute();

  await db.schema
    .createTable('lapse_case')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('lapse_person.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('last_paid_month', 'text', (c) => c.notNull())
    .addColumn('first_missing_month', 'text', (c) => c.notNull())
    .addColumn('months_lapsed', 'integer', (c) => c.notNull())
    // 1 reminder, 2 escalated, 3 last month to back-pay, 4 over three months (waiting period).
    .addColumn('stage', 'integer', (c) => c.notNull())
    // The month of the latest scan that saw the lapse.
    .addColumn('scan_month', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // 'open' | 'closed'
    .addColumn('close_reason', 'text')
    // Reminders paused (a promise to pay) until a scan of this month or later.
    .addColumn('paused_until', 'text')
    .addColumn('last_reminded_at', 'text')
    .addColumn('last_followup_at', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  // One case per person and lapse: a lapse is named by its first missing month.
  await db.schema
    .createIndex('lapse_case_person_lapse')
    .on('lapse_case')
    .columns(['person_id', 'first_missing_month'])
    .unique()
    .execute();
  await db.schema.createIndex('lapse_case_status_area').on('lapse_case').columns(['status', 'area_id', 'stage']).execute();
  await db.schema.createIndex('lapse_case_status_missing').on('lapse_case').columns(['status', 'first_missing_month']).execute();

  await db.schema
    .createTable('lapse_followup')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('lapse_case.id'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('member_id', 'integer', (c) => c.references('member.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lapse_followup_case').on('lapse_followup').columns(['case_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['lapse_followup', 'lapse_case', 'lapse_contribution', 'lapse_person']) {
    await db.schema.dropTable(table).execute();
  }
}
