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

/**
 * Effective targets of areas: an area's own target, or, when it has none, the
 * sum of its children's effective targets (a city's district without a target
 * of its own counts its townships'). Reads the subtrees only for areas that
 * need it.
 */
export async function effectiveTargetsOf(
  db: Kysely<Database>,
  campaignId: number,
  areas: { id: number; path: string }[],
): Promise<Map<number, number>> {
  const own = await targetsOf(db, campaignId, areas.map((a) => a.id));
  const missing = areas.filter((a) => !own.has(a.id));
  if (missing.length === 0) return own;
  const out = new Map(own);
  for (const area of missing) {
    const rows = await db
      .selectFrom('area')
      .leftJoin('target', (j) => j.onRef('target.area_id', '=', 'area.id').on('target.campaign_id', '=', campaignId))
      .select(['area.id', 'area.parent_id', 'target.people'])
      .where('area.path', 'like', `${area.path}%`)
      .execute();
    const children = new Map<number, number[]>();
    for (const r of rows) {
      if (r.parent_id === null) continue;
      children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id]);
    }
    const targetOf = new Map(rows.filter((r) => r.people !== null).map((r) => [r.id, Number(r.people)]));
    const effective = (id: number): number => targetOf.get(id) ?? (children.get(id) ?? []).reduce((s, c) => s + effective(c), 0);
    out.set(area.id, effective(area.id));
  }
  return out;
}
