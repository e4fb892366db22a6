/** Campaigns: one is current; its dates, premium and zone govern everything. */
import { redact } from '../domain/mask.ts';
import type { Kysely, Updateable } from 'kysely';
import type { Campaign, CampaignTable, Database } from '../db/schema.ts';
import { EnrollbotError } from '../core/errors.ts';

export async function findCurrentCampaign(db: Kysely<Database>): Promise<Campaign | undefined> {
  return db.selectFrom('campaign').selectAll().where('is_current', '=', 1).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function getCurrentCampaign(db: Kysely<Database>): Promise<Campaign> {
  const c = await findCurrentCampaign(db);
  if (!c) throw new EnrollbotError('not_set_up', 'no current campaign: the database was not set up (run migrate)');
  return c;
}

export async function createCampaign(
  db: Kysely<Database>,
  input: { name: string; start: string; deadline: string; premiumFen: number; timeZone: string; now: Date },
): Promise<Campaign> {
  await db.updateTable('campaign').set({ is_current: 0 }).where('is_current', '=', 1).execute();
  const row = await db
    .insertInto('campaign')
    .values({
      name: redact(input.name),
      start_date: input.start,
      deadline: input.deadline,
      premium_fen: input.premiumFen,
      time_zone: input.timeZone,
      is_current: 1,
      created_at: input.now.toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row;
}

export async function updateCampaign(
  db: Kysely<Database>,
  id: number,
  changes: Updateable<CampaignTable>,
): Promise<void> {
  // The name is free text typed in chat: kept masked like every other.
  const set = changes.name === undefined ? changes : { ...changes, name: redact(changes.name) };
  await db.updateTable('campaign').set(set).where('id', '=', id).execute();
}
