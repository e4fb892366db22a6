/**
 * An area's and its children's running figures in one query: totals and the
 * day's increments, nothing else. What a board reads on every call; its cost
 * is the number of children, never the ledger's size. The children's names,
 * kinds and targets change only with the setup and are read (and kept) apart:
 * see `childSetup` in src/store/targets.ts.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { dayShards, totalShards } from './ledger.ts';

/** One area's figures (zero where nothing was logged). */
export interface AreaFiguresRow {
  areaId: number;
  enrolled: number;
  amountFen: number;
  today: number;
}

type Params = { campaignId: number; areaId: number; businessDate: string };

// The area and its children as two indexed reads (an `or` of the two
// conditions made SQLite scan every area: 30,000 at province scale). Only
// the ids come from `area`, which its parent index covers; no order: the
// board ranks the lines itself. Compiled once: at 2,000 children Kysely's
// compiling cost nothing next to the rows, but a board is read on every
// `board` command and every post.
const figuresQuery = prepared((db: Kysely<Database>, p: Params) => {
  const figures = (where: 'self' | 'children') =>
    db
      .selectFrom('area as a')
      .leftJoin('area_total as t', (j) => j.onRef('t.area_id', '=', 'a.id').on('t.campaign_id', '=', p.campaignId))
      .select(['a.id', 't.people as enrolled', 't.amount_fen as amount_fen', dayOf(db, p).as('today')])
      .where(where === 'self' ? 'a.id' : 'a.parent_id', '=', p.areaId);
  return figures('self').unionAll(figures('children'));
});

/**
 * An area's people of the day `p.businessDate`, from its total's row `t`
 * (`day`, `day_people`: its newest day), so a board reads one row a unit.
 * Null when nothing was logged that day. Only a row already moved on a later
 * day (the campaign's zone moved west, or another replica's clock runs
 * ahead just past midnight) reads the day's own row in `area_day`.
 */
function dayOf(db: Kysely<Database>, p: Params) {
  const dayRow = db
    .selectFrom('area_day')
    .select('area_day.people')
    // The outer query's area (`a`), which this subquery's own scope does not type.
    .where('area_day.area_id', '=', sql.ref<number>('a.id'))
    .where('area_day.campaign_id', '=', p.campaignId)
    .where('area_day.business_date', '=', p.businessDate);
  return sql<number | string | null>`case when ${sql.ref('t.day')} = ${p.businessDate} then ${sql.ref('t.day_people')} when ${sql.ref('t.day')} > ${p.businessDate} then (${dayRow}) end`;
}

/**
 * PostgreSQL's shape of the same read. Its planner, seeing a few rows per
 * area, hashes the whole of `area_total` and `area_day` (every area of a
 * province: 32,000 rows each) to keep 2,000 of them: 21–32 ms against 10 ms
 * for one index probe per child on the bench. A lateral subquery with a
 * limit is not flattened, so each child's row is probed by the primary key,
 * once: the day's people come from the same row (see `dayOf`).
 */
const figuresQueryPg = prepared((db: Kysely<Database>, p: Params) => {
  const figures = (where: 'self' | 'children') =>
    db
      .selectFrom('area as a')
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('area_total')
            .select(['people', 'amount_fen', 'day', 'day_people'])
            .whereRef('area_total.area_id', '=', 'a.id')
            .where('area_total.campaign_id', '=', p.campaignId)
            .limit(1)
            .as('t'),
        (j) => j.onTrue(),
      )
      // Pays add to the areas above a township in shards (see totalShards): a few rows per such area, none below.
      .leftJoin(totalShards(db, p.campaignId).as('ts'), 'ts.area_id', 'a.id')
      .leftJoin(dayShards(db, p.campaignId, p.businessDate).as('ds'), 'ds.area_id', 'a.id')
      .select([
        'a.id',
        plus('t.people', 'ts.people').as('enrolled'),
        plus('t.amount_fen', 'ts.amount_fen').as('amount_fen'),
        sql<number | string>`coalesce(${dayOf(db, p)}, 0) + coalesce(${sql.ref('ds.people')}, 0)`.as('today'),
      ])
      .where(where === 'self' ? 'a.id' : 'a.parent_id', '=', p.areaId);
  return figures('self').unionAll(figures('children'));
});

/** Two nullable counts added, a missing one as zero (PostgreSQL's sums come back as text). */
function plus(a: string, b: string) {
  return sql<number | string>`coalesce(${sql.ref(a)}, 0) + coalesce(${sql.ref(b)}, 0)`;
}

/** The area itself (zeros if it has no figures) and each of its children, in no particular order. */
export async function figuresUnder(db: Kysely<Database>, input: Params): Promise<{ self: AreaFiguresRow; children: AreaFiguresRow[] }> {
  const { rows } = await (db.getExecutor().adapter instanceof PostgresAdapter ? figuresQueryPg : figuresQuery)(db, input);
  let self: AreaFiguresRow = { areaId: input.areaId, enrolled: 0, amountFen: 0, today: 0 };
  const children: AreaFiguresRow[] = [];
  for (const r of rows) {
    const row: AreaFiguresRow = {
      areaId: r.id,
      enrolled: r.enrolled === null ? 0 : Number(r.enrolled),
      amountFen: r.amount_fen === null ? 0 : Number(r.amount_fen),
      today: r.today === null ? 0 : Number(r.today),
    };
    if (r.id === input.areaId) self = row;
    else children.push(row);
  }
  return { self, children };
}
