/**
 * Official figures: what the medical-insurance information platform says was
 * paid, per area and as-of date, imported from its daily export. Snapshots are
 * append-only: a later file that says something else for the same area and
 * date adds a row (the newest wins), one that says the same adds nothing. Each
 * import that changed something is a row of its own, so a figure can be
 * traced to the file it came from.
 *
 * The campaign gains which figures rank the board (`source`: null until an
 * admin chooses, then `official` or `reported`; the first official import
 * chooses `official` when nobody chose yet), the margin past which a
 * township's own report is marked for checking, and the optional praise and
 * criticism thresholds of the bulletin.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('official_import')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    // The file's name as given (no folder), for the audit trail.
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.references('member.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('official_snapshot')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('import_id', 'integer', (c) => c.notNull().references('official_import.id'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    // The business date the figure is as of (`YYYY-MM-DD`).
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('people', 'bigint', (c) => c.notNull())
    // Null when the file gave no amount.
    .addColumn('amount_fen', 'bigint')
    .execute();
  // The board reads a few dates of an area's children; the newest row of an (area, date) wins.
  await db.schema.createIndex('official_snapshot_area_date').on('official_snapshot').columns(['campaign_id', 'area_id', 'as_of', 'id']).execute();
  await db.schema.createIndex('official_snapshot_date').on('official_snapshot').columns(['campaign_id', 'as_of']).execute();

  await db.schema.alterTable('campaign').addColumn('source', 'text').execute();
  await db.schema.alterTable('campaign').addColumn('verify_margin_bp', 'integer').execute();
  await db.schema.alterTable('campaign').addColumn('verify_margin_people', 'integer').execute();
  await db.schema.alterTable('campaign').addColumn('praise_points', 'integer').execute();
  await db.schema.alterTable('campaign').addColumn('criticize_bottom', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['criticize_bottom', 'praise_points', 'verify_margin_people', 'verify_margin_bp', 'source']) {
    await db.schema.alterTable('campaign').dropColumn(column).execute();
  }
  await db.schema.dropTable('official_snapshot').execute();
  await db.schema.dropTable('official_import').execute();
}
