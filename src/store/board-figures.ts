/**
 * An area's and its children's figures in one query: running totals, the
 * day's increments and targets, joined on the area tree. What a board is
 * built from; its cost is the number of children, never the ledger's size.
 */
import type { Kysely } from 'kysely';
import type { Area, Database } from '../db/schema.ts';
import { dayShards, totalShards } from './ledger.ts';

/** One area's figures (zero where nothing was logged; target null where none is set). */
export interface AreaFiguresRow {
  area: Area;
  enrolled: number;
  amountFen: number;
  today: number;
  target: number | null;
}

/** The area itself and each of its children, children in id order. */
export async function figuresUnder(
  db: Kysely<Database>,
  input: { campaignId: number; areaId: number; businessDate: string },
): Promise<{ self: AreaFiguresRow | undefined; children: AreaFiguresRow[] }> {
  // The area and its children as two indexed reads (an `or` of the two
  // conditions made SQLite scan every area: 30,000 at province scale).
  const figures = (where: 'self' | 'children') =>
    db
      .selectFrom('area as a')
      .leftJoin('area_total as t', (j) => j.onRef('t.area_id', '=', 'a.id').on('t.campaign_id', '=', input.campaignId))
      .leftJoin('area_day as d', (j) =>
        j.onRef('d.area_id', '=', 'a.id').on('d.campaign_id', '=', input.campaignId).on('d.business_date', '=', input.businessDate),
      )
      // Pays on PostgreSQL add to the areas above a township in shards (none on SQLite).
      .leftJoin(totalShards(db, input.campaignId).as('ts'), 'ts.area_id', 'a.id')
      .leftJoin(dayShards(db, input.campaignId, input.businessDate).as('ds'), 'ds.area_id', 'a.id')
      .leftJoin('target as g', (j) => j.onRef('g.area_id', '=', 'a.id').on('g.campaign_id', '=', input.campaignId))
      .select([
        'a.id',
        'a.parent_id',
        'a.name',
        'a.kind',
        'a.path',
        'a.created_at',
        't.people as enrolled',
        't.amount_fen as amount_fen',
        'd.people as today',
        'ts.people as shard_enrolled',
        'ts.amount_fen as shard_amount_fen',
        'ds.people as shard_today',
        'g.people as target',
      ])
      .where(where === 'self' ? 'a.id' : 'a.parent_id', '=', input.areaId);
  const rows = await figures('self').unionAll(figures('children')).orderBy('id').execute();
  let self: AreaFiguresRow | undefined;
  const children: AreaFiguresRow[] = [];
  for (const r of rows) {
    const row: AreaFiguresRow = {
      area: { id: r.id, parent_id: r.parent_id, name: r.name, kind: r.kind, path: r.path, created_at: r.created_at },
      enrolled: Number(r.enrolled ?? 0) + Number(r.shard_enrolled ?? 0),
      amountFen: Number(r.amount_fen ?? 0) + Number(r.shard_amount_fen ?? 0),
      today: Number(r.today ?? 0) + Number(r.shard_today ?? 0),
      target: r.target === null ? null : Number(r.target),
    };
    if (r.id === input.areaId) self = row;
    else children.push(row);
  }
  return { self, children };
}
