/** Small key–value facts about the deployment (is it the demo, …). */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

const selectSetting = prepared((db: Kysely<Database>, p: { key: string }) =>
  db.selectFrom('setting').select('value').where('key', '=', p.key),
);

export async function getSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  return (await selectSetting(db, { key })).rows[0]?.value;
}

export async function putSetting(db: Kysely<Database>, key: string, value: string): Promise<void> {
  await db
    .insertInto('setting')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
