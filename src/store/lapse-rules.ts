/** The deployment's lapse rules, kept as one setting. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { parseLapseRules, type LapseRules } from '../domain/lapse-rules.ts';
import { getSetting, putSetting } from './settings.ts';

const KEY = 'lapse.rules';

export async function getLapseRules(db: Kysely<Database>): Promise<LapseRules> {
  return parseLapseRules(await getSetting(db, KEY));
}

export async function putLapseRules(db: Kysely<Database>, rules: LapseRules): Promise<void> {
  await putSetting(db, KEY, JSON.stringify(rules));
}
