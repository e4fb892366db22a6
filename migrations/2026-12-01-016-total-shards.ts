/**
 * Shards of the running totals of the areas above a township. On PostgreSQL
 * every pay moved the root area's total (and its day's increment) and held
 * that row until commit, so payments from every replica queued on it. A pay
 * now adds to the areas above its township in a shard row of its own process
 * instead, and readers add an area's shards to its row in `area_total` /
 * `area_day`. SQLite (one writer at a time) writes no shards.
 * Frozen in time: never import application code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('area_total_shard')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('people', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('entries', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('area_total_shard_pk', ['campaign_id', 'area_id', 'shard'])
    .execute();
  await db.schema
    .createTable('area_day_shard')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('business_date', 'text', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('people', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('area_day_shard_pk', ['campaign_id', 'business_date', 'area_id', 'shard'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('area_day_shard').execute();
  await db.schema.dropTable('area_total_shard').execute();
}
