/**
 * The maintained totals (`area_total`, `area_day`) beside a full recount of
 * the ledger, as comparable maps: a test that wrote through the pipeline,
 * raced replicas or crashed a bot checks `expect(maintained).toEqual(recount)`.
 * The maintained side also lists every total whose newest day (`day`,
 * `day_people`) disagrees with its `area_day` rows; a recount lists none, so
 * the same check catches a write that forgot them.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { pathIds } from '../../src/domain/permissions.ts';

/** Totals keyed `campaign:area` and day increments keyed `campaign:area:date`. */
export interface Totals {
  total: Map<string, { people: number; amount: number; entries: number }>;
  day: Map<string, { people: number; amount: number }>;
  /** Totals whose newest day is not their newest `area_day` row, or whose people are not that row's (none is right). */
  newestDay: string[];
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
  return { total, day, newestDay: await newestDayDisagreements(db) };
}

/** Each `area_total` row's newest day against its own `area_day` rows (in place, not shards). */
async function newestDayDisagreements(db: Kysely<Database>): Promise<string[]> {
  const newest = new Map<string, { date: string; people: number }>();
  for (const r of await db.selectFrom('area_day').selectAll().execute()) {
    const key = `${r.campaign_id}:${r.area_id}`;
    const n = newest.get(key);
    if (!n || r.business_date > n.date) newest.set(key, { date: r.business_date, people: Number(r.people) });
  }
  const out: string[] = [];
  for (const t of await db.selectFrom('area_total').selectAll().execute()) {
    const key = `${t.campaign_id}:${t.area_id}`;
    const want = newest.get(key) ?? null;
    const got = t.day === null ? null : { date: t.day, people: Number(t.day_people) };
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${key}: ${JSON.stringify(got)} where area_day says ${JSON.stringify(want)}`);
  }
  return out;
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
  return { total, day, newestDay: [] };
}
