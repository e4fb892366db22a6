/** Enrollment targets (people) per area and campaign. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

const selectTarget = prepared((db: Kysely<Database>, p: { campaignId: number; areaId: number }) =>
  db.selectFrom('target').select('people').where('campaign_id', '=', p.campaignId).where('area_id', '=', p.areaId),
);

export async function getTarget(db: Kysely<Database>, campaignId: number, areaId: number): Promise<number | null> {
  const row = (await selectTarget(db, { campaignId, areaId })).rows[0];
  return row ? Number(row.people) : null;
}

export async function setTarget(db: Kysely<Database>, campaignId: number, areaId: number, people: number): Promise<void> {
  await db
    .insertInto('target')
    .values({ campaign_id: campaignId, area_id: areaId, people })
    .onConflict((oc) => oc.columns(['campaign_id', 'area_id']).doUpdateSet({ people }))
    .execute();
}

/** Targets of several areas; an area without one is absent from the map. */
export async function targetsOf(db: Kysely<Database>, campaignId: number, areaIds: number[]): Promise<Map<number, number>> {
  if (areaIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('target')
    .select(['area_id', 'people'])
    .where('campaign_id', '=', campaignId)
    .where('area_id', 'in', areaIds)
    .execute();
  return new Map(rows.map((r) => [r.area_id, Number(r.people)]));
}
