/**
 * A stored chart keeps its drawing: the first sender draws the SVG once and
 * stores the PNG beside it, so every channel and robot of a post (on every
 * replica) sends the same bytes and no outbox row carries a picture. The
 * table keeps its first name: it held the group robots' charts first, and
 * now holds every board chart. Frozen in time: never import application code.
 */
import type { Kysely } from 'kysely';
import { isPostgres } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('robot_image').addColumn('png', isPostgres(db) ? 'bytea' : 'blob').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('robot_image').dropColumn('png').execute();
}
