/**
 * A post's standings in one column of its row: a province's post wrote
 * 2,000 standing rows (and their index entries) in the write transaction that
 * chat payments wait behind; one text value costs a fraction of that. Posts
 * stored before keep their rows in board_standing, where they are still read.
 * Frozen in time: never import application code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('board_post').addColumn('standings', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('board_post').dropColumn('standings').execute();
}
