/** Reading the maintained totals: what boards and progress are built from. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface AreaFigures {
  people: number;
  amountFen: number;
}

const ZERO: AreaFigures = { people: 0, amountFen: 0 };

/** Running totals of several areas (zero for an area with no entry yet). */
export async function totalsOf(db: Kysely<Database>, campaignId: number, areaIds: number[]): Promise<Map<number, AreaFigures>> {
  const map = new Map<number, AreaFigures>(areaIds.map((id) => [id, ZERO]));
  if (areaIds.length === 0) return map;
  const rows = await db
    .selectFrom('area_total')
    .select(['area_id', 'people', 'amount_fen'])
    .where('campaign_id', '=', campaignId)
    .where('area_id', 'in', areaIds)
    .execute();
  for (const r of rows) map.set(r.area_id, { people: Number(r.people), amountFen: Number(r.amount_fen) });
  return map;
}

/** Increments of several areas on one business date. */
export async function dayOf(
  db: Kysely<Database>,
  campaignId: number,
  areaIds: number[],
  businessDate: string,
): Promise<Map<number, AreaFigures>> {
  const map = new Map<number, AreaFigures>(areaIds.map((id) => [id, ZERO]));
  if (areaIds.length === 0) return map;
  const rows = await db
    .selectFrom('area_day')
    .select(['area_id', 'people', 'amount_fen'])
    .where('campaign_id', '=', campaignId)
    .where('business_date', '=', businessDate)
    .where('area_id', 'in', areaIds)
    .execute();
  for (const r of rows) map.set(r.area_id, { people: Number(r.people), amountFen: Number(r.amount_fen) });
  return map;
}
