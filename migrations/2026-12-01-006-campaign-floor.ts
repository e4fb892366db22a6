/**
 * The lowest amount a person may be logged with, per campaign: below it an
 * entry is refused as a likely 万/元 slip. Null means the default, a tenth of
 * the premium. Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').addColumn('floor_fen', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').dropColumn('floor_fen').execute();
}
