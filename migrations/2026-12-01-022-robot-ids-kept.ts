/**
 * A removed robot's number is never given to another. On SQLite a plain
 * `integer primary key` hands the highest number out again once its row is
 * deleted, so `robot remove R2` and the next `robot add` made a second R2:
 * the audit trail's R2 then meant two robots, and the new one inherited the
 * old one's send window. The table is rebuilt with AUTOINCREMENT, which keeps
 * the highest number ever used. PostgreSQL's identity column never reuses
 * one: nothing to do there. Frozen in time: never import application code.
 */
import type { Kysely } from 'kysely';
import { isPostgres } from './lib.ts';

const COLUMNS = ['id', 'app', 'url_sealed', 'url_digest', 'url_hint', 'secret_sealed', 'kind', 'area_id', 'status', 'problem', 'failing_since', 'created_at', 'created_by'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await db.schema
    .createTable('robot_kept')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('app', 'text', (c) => c.notNull())
    .addColumn('url_sealed', 'text', (c) => c.notNull())
    .addColumn('url_digest', 'text', (c) => c.notNull().unique())
    .addColumn('url_hint', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('ok'))
    .addColumn('problem', 'text')
    .addColumn('failing_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .execute();
  await db.insertInto('robot_kept').columns([...COLUMNS]).expression(db.selectFrom('robot').select([...COLUMNS])).execute();
  await db.schema.dropTable('robot').execute();
  await db.schema.alterTable('robot_kept').renameTo('robot').execute();
  await db.schema.createIndex('robot_place').on('robot').columns(['kind', 'area_id']).execute();
}

export async function down(): Promise<void> {
  // The rebuilt table holds the same rows and columns: nothing to undo.
}
