/**
 * The maintained totals (`area_total`, `area_day`) beside a full recount of
 * the ledger, as comparable maps: a test that wrote through the pipeline,
 * raced replicas or crashed a bot checks `expect(maintained).toEqual(recount)`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { pathIds } from '../../src/domain/permissions.ts';

/** Totals keyed `campaign:area` and day increments keyed `campaign:area:date`. */
export interface Totals {
  total: Map<string, { people: number; amount: number; entries: number }>;
  day: Map<string, { people: number; amount: number }>;
}

/** What the totals tables say now: each area's row plus its shards (PostgreSQL's areas above a township). */
export async function maintainedTotals(db: Kysely<Database>): Promise<Totals> {
  const total: Totals['total'] = new Map();
  const rows = [...(await db.selectFrom('area_total').selectAll().execute()), ...(await db.selectFrom('area_total_shard').selectAll().execute())];
  for (const r of rows) {
    const key = `${r.campaign_id}:${r.area_id}`;
    const t = total.get(key) ?? { people: 0, amount: 0, entries: 0 };
    total.set(key, { people: t.people + Number(r.people), amount: t.amount + Number(r.amount_fen), entries: t.entries + Number(r.entries) });
  }
  const day: Totals['day'] = new Map();
  for (const r of [...(await db.selectFrom('area_day').selectAll().execute()), ...(await db.selectFrom('area_day_shard').selectAll().execute())]) {
    const key = `${r.campaign_id}:${r.area_id}:${r.business_date}`;
    const d = day.get(key) ?? { people: 0, amount: 0 };
    day.set(key, { people: d.people + Number(r.people), amount: d.amount + Number(r.amount_fen) });
  }
  return { total, day };
}

/** The same figures added up from every ledger entry (each counts for its area and every ancestor). */
export async function recountTotals(db: Kysely<Database>): Promise<Totals> {
  const entries = await db
    .selectFrom('ledger_entry as e')
    .innerJoin('area as a', 'a.id', 'e.area_id')
    .select(['e.campaign_id', 'e.people', 'e.amount_fen', 'e.business_date', 'a.path'])
    .execute();
  const total: Totals['total'] = new Map();
  const day: Totals['day'] = new Map();
  for (const e of entries) {
    for (const id of pathIds(e.path)) {
      const t = total.get(`${e.campaign_id}:${id}`) ?? { people: 0, amount: 0, entries: 0 };
      total.set(`${e.campaign_id}:${id}`, { people: t.people + e.people, amount: t.amount + Number(e.amount_fen), entries: t.entries + 1 });
      const k = `${e.campaign_id}:${id}:${e.business_date}`;
      const d = day.get(k) ?? { people: 0, amount: 0 };
      day.set(k, { people: d.people + e.people, amount: d.amount + Number(e.amount_fen) });
    }
  }
  return { total, day };
}
