/** Enrollment targets (people) per area and campaign. */
import type { Kysely } from 'kysely';
import type { Area, Database } from '../db/schema.ts';
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
 * of its own counts its townships', a township its villages'). One query for
 * all of them: it walks down from each area without a target, through areas
 * without one, and adds up the first targets it meets on every branch. (It
 * read each area's whole subtree by a path pattern before: 3.2 s for 2,000
 * townships with targets on their villages only.)
 */
export async function effectiveTargetsOf(
  db: Kysely<Database>,
  campaignId: number,
  areas: { id: number }[],
): Promise<Map<number, number>> {
  const own = await targetsOf(db, campaignId, areas.map((a) => a.id));
  const missing = areas.filter((a) => !own.has(a.id)).map((a) => a.id);
  if (missing.length === 0) return own;
  const rows = await db
    .withRecursive('reach(top, id)', (qb) =>
      qb
        .selectFrom('area')
        .select(['area.id as top', 'area.id as id'])
        .where('area.id', 'in', missing)
        .unionAll((r) =>
          r
            .selectFrom('reach')
            .innerJoin('area as c', 'c.parent_id', 'reach.id')
            .leftJoin('target as t', (j) => j.onRef('t.area_id', '=', 'reach.id').on('t.campaign_id', '=', campaignId))
            // Down only from an area without a target: one with a target counts as a whole.
            .where('t.area_id', 'is', null)
            .select(['reach.top as top', 'c.id as id']),
        ),
    )
    .selectFrom('reach')
    .innerJoin('target as t', (j) => j.onRef('t.area_id', '=', 'reach.id').on('t.campaign_id', '=', campaignId))
    .select((eb) => ['reach.top', eb.fn.sum<string | number>('t.people').as('people')])
    .groupBy('reach.top')
    .execute();
  const out = new Map(own);
  for (const id of missing) out.set(id, 0);
  for (const r of rows) out.set(Number(r.top), Number(r.people));
  return out;
}

/** A child area as a board shows it: its name, kind and own target (null where none is set). */
export interface ChildSetup {
  id: number;
  name: string;
  kind: Area['kind'];
  target: number | null;
}

/**
 * What of an area's children changes only with the setup: names, kinds and
 * own targets, in one query over the parent index; and the area's own target.
 */
export async function childSetup(
  db: Kysely<Database>,
  campaignId: number,
  areaId: number,
): Promise<{ selfTarget: number | null; children: ChildSetup[] }> {
  const [rows, selfTarget] = await Promise.all([
    db
      .selectFrom('area as a')
      .leftJoin('target as g', (j) => j.onRef('g.area_id', '=', 'a.id').on('g.campaign_id', '=', campaignId))
      .select(['a.id', 'a.name', 'a.kind', 'g.people as target'])
      .where('a.parent_id', '=', areaId)
      .execute(),
    getTarget(db, campaignId, areaId),
  ]);
  return {
    selfTarget,
    children: rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, target: r.target === null ? null : Number(r.target) })),
  };
}
