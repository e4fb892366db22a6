/**
 * The append-only payment ledger. Entries are only ever inserted; a mistake is
 * corrected by a reversal entry. Every insert also moves the running totals of
 * the area and all its ancestors (and their per-day increments) in the same
 * transaction, so reading standings never scans the ledger.
 */
import { randomInt } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely, type QueryResult } from 'kysely';
import { sendTogether } from '../db/group-commit.ts';
import type { AreaKind, Database, EntryKind, LedgerEntry } from '../db/schema.ts';
import { pathIds } from '../domain/permissions.ts';
import { prepared } from '../db/prepared.ts';
import { redact } from '../domain/mask.ts';

/** A new ledger entry; `areaPath` decides which totals move. */
export interface EntryInput {
  campaignId: number;
  areaId: number;
  areaPath: string;
  /**
   * The entry's area kind: the totals of a township (a village's too) are
   * moved in place, those above it in this process's shard (PostgreSQL).
   * Absent: every total is moved in place.
   */
  areaKind?: AreaKind;
  /** The shard the areas above a township move in (PostgreSQL); absent: this process's. */
  shard?: number;
  kind: EntryKind;
  people: number;
  amountFen: number;
  reversesId?: number | null;
  reason?: string | null;
  note?: string | null;
  memberId: number;
  platform: string;
  channelId: string;
  sourceKey?: string | null;
  businessDate: string;
  recordedAt: Date;
}

/** An area's running total and its increment of the entry's day, right after the entry. */
export interface AreaAfter {
  people: number;
  amountFen: number;
  dayPeople: number;
}

/**
 * How many shards the totals above a township have per area (PostgreSQL),
 * and this process's. Replicas pay into different rows with a chance of
 * 1 − 1/(SHARDS − 1); one that draws another's shard only waits for it.
 */
const SHARDS = 64;
const processShard = 1 + randomInt(SHARDS - 1);

/**
 * Appends an entry and moves the maintained totals; returns the entry's id and
 * the totals after it of the areas moved in place: the entry's own area and,
 * for a village, its township (what a confirmation shows and checks).
 */
export async function appendEntry(db: Kysely<Database>, e: EntryInput): Promise<{ id: number; after: Map<number, AreaAfter> }> {
  const path = pathIds(e.areaPath);
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // The rows every pay of a township shares stay exact (a `total` locks its
  // own); above them, one process's pays would hold a row every other replica
  // needs until commit. SQLite runs one write at a time: nothing to spread.
  const inPlace = !postgres || e.areaKind === undefined ? path.length : Math.min(path.length, e.areaKind === 'village' ? 2 : 1);
  const entry: EntryParams = {
    campaignId: e.campaignId,
    areaId: e.areaId,
    kind: e.kind,
    people: e.people,
    amountFen: e.amountFen,
    reversesId: e.reversesId ?? null,
    // Free text from chat: an ID or phone typed into it is kept masked, never as typed.
    reason: e.reason == null ? null : redact(e.reason),
    note: e.note == null ? null : redact(e.note),
    memberId: e.memberId,
    platform: e.platform,
    channelId: e.channelId,
    sourceKey: e.sourceKey ?? null,
    businessDate: e.businessDate,
    recordedAt: e.recordedAt.toISOString(),
  };
  const move = { campaignId: e.campaignId, businessDate: e.businessDate, people: e.people, amountFen: e.amountFen };
  const exact = path.slice(path.length - inPlace);
  const sharded = path.slice(0, path.length - inPlace);
  // A burst's pays share one statement (see group commit's `sendTogether`).
  if (postgres) return sendTogether(db, appendMany, { entry, move, exact, sharded, shard: e.shard ?? processShard });
  const id = (await insertEntry(db, entry)).rows[0]!.id;
  return { id, after: await moveTotals(db, { ...move, areaIds: exact }) };
}

type EntryParams = {
  campaignId: number;
  areaId: number;
  kind: EntryKind;
  people: number;
  amountFen: number;
  reversesId: number | null;
  reason: string | null;
  note: string | null;
  memberId: number;
  platform: string;
  channelId: string;
  sourceKey: string | null;
  businessDate: string;
  recordedAt: string;
};

const entryValues = (p: EntryParams) => ({
  campaign_id: p.campaignId,
  area_id: p.areaId,
  kind: p.kind,
  people: p.people,
  amount_fen: p.amountFen,
  reverses_id: p.reversesId,
  reason: p.reason,
  note: p.note,
  member_id: p.memberId,
  platform: p.platform,
  channel_id: p.channelId,
  source_key: p.sourceKey,
  business_date: p.businessDate,
  recorded_at: p.recordedAt,
});

const insertEntry = prepared((db: Kysely<Database>, p: EntryParams) => db.insertInto('ledger_entry').values(entryValues(p)).returning('id'));

type MoveParams = { campaignId: number; businessDate: string; people: number; amountFen: number };

/** Area ids as the named parameters of a prepared shape: `a0`, `a1`, … */
type AreaSlots = Record<`a${number}`, number>;
const areaSlots = (ids: readonly number[]): AreaSlots => Object.fromEntries(ids.map((id, i) => [`a${i}`, id])) as AreaSlots;
const slotsOf = (p: AreaSlots, n: number): number[] => Array.from({ length: n }, (_, i) => p[`a${i}`]!);

/** A prepared shape per number of areas (the depth of the tree): one statement moves them all. */
function byDepth<P extends Record<string, unknown>, R>(make: (n: number) => (db: Kysely<Database>, p: P & AreaSlots) => Promise<QueryResult<R>>) {
  const shapes = new Map<number, (db: Kysely<Database>, p: P & AreaSlots) => Promise<QueryResult<R>>>();
  return (n: number) => {
    let shape = shapes.get(n);
    if (!shape) shapes.set(n, (shape = make(n)));
    return shape;
  };
}

/**
 * The newest-day columns of an `area_total` row meeting another move (see
 * AreaTotalTable.day): a later day starts over at the move's people, the
 * same day adds them, an earlier day (a backdated entry) leaves them. Both
 * read the row as it was: SET sees the old `day`.
 */
const newestDaySet = {
  day: sql<string>`case when area_total.day is null or excluded.day > area_total.day then excluded.day else area_total.day end`,
  day_people: sql<number>`case when area_total.day is null or excluded.day > area_total.day then excluded.day_people when excluded.day = area_total.day then area_total.day_people + excluded.day_people else area_total.day_people end`,
};

/**
 * Where a move of `people` on `date` leaves a row's newest day that was
 * `day` with `dayPeople` (`newestDaySet`, for figures added up before they
 * are written).
 */
function newestDay(day: string | null, dayPeople: number, date: string, people: number): { day: string; dayPeople: number } {
  if (day === null || date > day) return { day: date, dayPeople: people };
  return date === day ? { day, dayPeople: dayPeople + people } : { day, dayPeople };
}

const totalRows = (p: MoveParams & AreaSlots, n: number) =>
  slotsOf(p, n).map((areaId) => ({ campaign_id: p.campaignId, area_id: areaId, people: p.people, amount_fen: p.amountFen, entries: 1, day: p.businessDate, day_people: p.people }));
const dayRows = (p: MoveParams & AreaSlots, n: number) =>
  slotsOf(p, n).map((areaId) => ({ campaign_id: p.campaignId, area_id: areaId, business_date: p.businessDate, people: p.people, amount_fen: p.amountFen }));

const upsertTotals = byDepth((n) =>
  prepared((db: Kysely<Database>, p: MoveParams & AreaSlots) =>
    db
      .insertInto('area_total')
      .values(totalRows(p, n))
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'area_id']).doUpdateSet((eb) => ({
          people: eb('area_total.people', '+', eb.ref('excluded.people')),
          amount_fen: eb('area_total.amount_fen', '+', eb.ref('excluded.amount_fen')),
          entries: eb('area_total.entries', '+', eb.ref('excluded.entries')),
          ...newestDaySet,
        })),
      )
      .returning(['area_id', 'people', 'amount_fen']),
  ),
);

const upsertDays = byDepth((n) =>
  prepared((db: Kysely<Database>, p: MoveParams & AreaSlots) =>
    db
      .insertInto('area_day')
      .values(dayRows(p, n))
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'area_id', 'business_date']).doUpdateSet((eb) => ({
          people: eb('area_day.people', '+', eb.ref('excluded.people')),
          amount_fen: eb('area_day.amount_fen', '+', eb.ref('excluded.amount_fen')),
        })),
      )
      .returning(['area_id', 'people']),
  ),
);

/** Adds a change to the totals of the areas (in place) and to their increments of the day; returns the new figures. */
async function moveTotals(db: Kysely<Database>, m: MoveParams & { areaIds: number[] }): Promise<Map<number, AreaAfter>> {
  const after = new Map<number, AreaAfter>();
  if (m.areaIds.length === 0) return after;
  const p = { ...m, ...areaSlots(m.areaIds) };
  const totals = (await upsertTotals(m.areaIds.length)(db, p)).rows;
  const days = new Map((await upsertDays(m.areaIds.length)(db, p)).rows.map((r) => [r.area_id, Number(r.people)]));
  for (const t of totals) after.set(t.area_id, { people: Number(t.people), amountFen: Number(t.amount_fen), dayPeople: days.get(t.area_id)! });
  return after;
}

type OneStatementParams = EntryParams & MoveParams & AreaSlots & { shard: number };

/**
 * PostgreSQL, a lone entry: the entry, the totals and the day's increments in
 * one statement (one round trip), its values inline (cheaper to send and run
 * than the shared statement's arrays, which a lone pay does not need). The areas in place come back with their figures after it,
 * each plus its shards (other processes' pays into an area above a township,
 * as of the statement's start: a replica's uncommitted pay is not yet part of
 * anyone's figure). Ids `a0…` are the areas in place, then the sharded ones.
 */
const loneShapes = new Map<string, (db: Kysely<Database>, p: OneStatementParams) => Promise<QueryResult<{ id: number; area_id: number; people: number; amount_fen: number; day_people: number }>>>();

function loneStatement(exact: number, sharded: number) {
  const key = `${exact}:${sharded}`;
  let shape = loneShapes.get(key);
  if (shape) return shape;
  shape = prepared((db: Kysely<Database>, p: OneStatementParams) => {
    const ids = slotsOf(p, exact + sharded);
    const inPlace = ids.slice(0, exact);
    const spread = ids.slice(exact);
    let q = db
      .with('e', (d) => d.insertInto('ledger_entry').values(entryValues(p)).returning('id'))
      .with('t', (d) =>
        d
          .insertInto('area_total')
          .values(inPlace.map((areaId) => ({ campaign_id: p.campaignId, area_id: areaId, people: p.people, amount_fen: p.amountFen, entries: 1, day: p.businessDate, day_people: p.people })))
          .onConflict((oc) =>
            oc.columns(['campaign_id', 'area_id']).doUpdateSet((eb) => ({
              people: eb('area_total.people', '+', eb.ref('excluded.people')),
              amount_fen: eb('area_total.amount_fen', '+', eb.ref('excluded.amount_fen')),
              entries: eb('area_total.entries', '+', eb.ref('excluded.entries')),
              ...newestDaySet,
            })),
          )
          .returning(['campaign_id', 'area_id', 'people', 'amount_fen']),
      )
      .with('d', (d) =>
        d
          .insertInto('area_day')
          .values(inPlace.map((areaId) => ({ campaign_id: p.campaignId, area_id: areaId, business_date: p.businessDate, people: p.people, amount_fen: p.amountFen })))
          .onConflict((oc) =>
            oc.columns(['campaign_id', 'area_id', 'business_date']).doUpdateSet((eb) => ({
              people: eb('area_day.people', '+', eb.ref('excluded.people')),
              amount_fen: eb('area_day.amount_fen', '+', eb.ref('excluded.amount_fen')),
            })),
          )
          .returning(['area_id', 'business_date', 'people']),
      );
    if (spread.length > 0) {
      q = q
        .with('ts', (d) =>
          d
            .insertInto('area_total_shard')
            .values(spread.map((areaId) => ({ campaign_id: p.campaignId, area_id: areaId, shard: p.shard, people: p.people, amount_fen: p.amountFen, entries: 1 })))
            .onConflict((oc) =>
              oc.columns(['campaign_id', 'area_id', 'shard']).doUpdateSet((eb) => ({
                people: eb('area_total_shard.people', '+', eb.ref('excluded.people')),
                amount_fen: eb('area_total_shard.amount_fen', '+', eb.ref('excluded.amount_fen')),
                entries: eb('area_total_shard.entries', '+', eb.ref('excluded.entries')),
              })),
            )
            .returning('area_id'),
        )
        .with('ds', (d) =>
          d
            .insertInto('area_day_shard')
            .values(
              spread.map((areaId) => ({ campaign_id: p.campaignId, area_id: areaId, business_date: p.businessDate, shard: p.shard, people: p.people, amount_fen: p.amountFen })),
            )
            .onConflict((oc) =>
              oc.columns(['campaign_id', 'business_date', 'area_id', 'shard']).doUpdateSet((eb) => ({
                people: eb('area_day_shard.people', '+', eb.ref('excluded.people')),
                amount_fen: eb('area_day_shard.amount_fen', '+', eb.ref('excluded.amount_fen')),
              })),
            )
            .returning('area_id'),
        ) as unknown as typeof q;
    }
    return q
      .selectFrom('t')
      .innerJoin('d', 'd.area_id', 't.area_id')
      .select((eb) => [
        eb.selectFrom('e').select('e.id').as('id'),
        't.area_id',
        eb(
          't.people',
          '+',
          eb.fn.coalesce(
            eb.selectFrom('area_total_shard as s').select((x) => x.fn.sum<number>('s.people').as('n')).whereRef('s.campaign_id', '=', 't.campaign_id').whereRef('s.area_id', '=', 't.area_id'),
            eb.lit(0),
          ),
        ).as('people'),
        eb(
          't.amount_fen',
          '+',
          eb.fn.coalesce(
            eb.selectFrom('area_total_shard as s').select((x) => x.fn.sum<number>('s.amount_fen').as('n')).whereRef('s.campaign_id', '=', 't.campaign_id').whereRef('s.area_id', '=', 't.area_id'),
            eb.lit(0),
          ),
        ).as('amount_fen'),
        eb(
          'd.people',
          '+',
          eb.fn.coalesce(
            eb
              .selectFrom('area_day_shard as s')
              .select((x) => x.fn.sum<number>('s.people').as('n'))
              .whereRef('s.campaign_id', '=', 't.campaign_id')
              .whereRef('s.business_date', '=', 'd.business_date')
              .whereRef('s.area_id', '=', 't.area_id'),
            eb.lit(0),
          ),
        ).as('day_people'),
      ]) as never;
  });
  loneShapes.set(key, shape);
  return shape;
}

async function appendInOneStatement(
  db: Kysely<Database>,
  entry: EntryParams,
  move: MoveParams,
  exact: number[],
  sharded: number[],
  shard: number,
): Promise<{ id: number; after: Map<number, AreaAfter> }> {
  const rows = (await loneStatement(exact.length, sharded.length)(db, { ...entry, ...move, ...areaSlots([...exact, ...sharded]), shard })).rows;
  const after = new Map<number, AreaAfter>();
  for (const r of rows) after.set(r.area_id, { people: Number(r.people), amountFen: Number(r.amount_fen), dayPeople: Number(r.day_people) });
  return { id: Number(rows[0]!.id), after };
}


/** One entry of a shared append (PostgreSQL), with the areas it moves in place and in its shard. */
interface Append {
  entry: EntryParams;
  move: MoveParams;
  exact: number[];
  sharded: number[];
  shard: number;
}

/** A shared append's values, column by column (each an array, one element per row). */
type AppendColumns = {
  eCampaign: number[];
  eArea: number[];
  eKind: string[];
  ePeople: number[];
  eAmount: number[];
  eReverses: (number | null)[];
  eReason: (string | null)[];
  eNote: (string | null)[];
  eMember: number[];
  ePlatform: string[];
  eChannel: string[];
  eSource: (string | null)[];
  eDate: string[];
  eAt: string[];
  tCampaign: number[];
  tArea: number[];
  tPeople: number[];
  tAmount: number[];
  tEntries: number[];
  tDay: string[];
  tDayPeople: number[];
  dCampaign: number[];
  dArea: number[];
  dDate: string[];
  dPeople: number[];
  dAmount: number[];
  sCampaign: number[];
  sArea: number[];
  sShard: number[];
  sPeople: number[];
  sAmount: number[];
  sEntries: number[];
  xCampaign: number[];
  xArea: number[];
  xDate: string[];
  xShard: number[];
  xPeople: number[];
  xAmount: number[];
};

/** A ledger row's values as the entry statement inserts them. */
type EntryRow = ReturnType<typeof entryValues>;

/**
 * PostgreSQL: the entries of any number of pays, their totals and the day's
 * increments in one statement (one round trip), its text the same whatever
 * the number (the rows come as arrays), so it is planned once per
 * connection. The totals come aggregated per row, so no row is moved twice
 * in the statement. Returned: the entries' ids, and the areas in place with
 * their figures after the statement, each plus its shards as of the
 * statement's start (other processes' pays into an area above a township:
 * a replica's uncommitted pay is not yet part of anyone's figure).
 */
const appendStatement = prepared((db: Kysely<Database>, p: AppendColumns) =>
  db
    .with('e', (d) =>
      d
        .insertInto('ledger_entry')
        .columns(['campaign_id', 'area_id', 'kind', 'people', 'amount_fen', 'reverses_id', 'reason', 'note', 'member_id', 'platform', 'channel_id', 'source_key', 'business_date', 'recorded_at'])
        .expression(
          d
            .selectFrom(
              sql<EntryRow>`unnest(${p.eCampaign}::integer[], ${p.eArea}::integer[], ${p.eKind}::text[], ${p.ePeople}::integer[], ${p.eAmount}::bigint[], ${p.eReverses}::integer[], ${p.eReason}::text[], ${p.eNote}::text[], ${p.eMember}::integer[], ${p.ePlatform}::text[], ${p.eChannel}::text[], ${p.eSource}::text[], ${p.eDate}::text[], ${p.eAt}::text[])`.as<'u'>(
                sql`u(campaign_id, area_id, kind, people, amount_fen, reverses_id, reason, note, member_id, platform, channel_id, source_key, business_date, recorded_at)`,
              ),
            )
            .selectAll(),
        )
        .returning('id'),
    )
    .with('t', (d) =>
      d
        .insertInto('area_total')
        .columns(['campaign_id', 'area_id', 'people', 'amount_fen', 'entries', 'day', 'day_people'])
        .expression(
          d
            .selectFrom(
              sql<{ campaign_id: number; area_id: number; people: number; amount_fen: number; entries: number; day: string; day_people: number }>`unnest(${p.tCampaign}::integer[], ${p.tArea}::integer[], ${p.tPeople}::bigint[], ${p.tAmount}::bigint[], ${p.tEntries}::bigint[], ${p.tDay}::text[], ${p.tDayPeople}::bigint[])`.as<'u'>(
                sql`u(campaign_id, area_id, people, amount_fen, entries, day, day_people)`,
              ),
            )
            .selectAll(),
        )
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'area_id']).doUpdateSet((eb) => ({
            people: eb('area_total.people', '+', eb.ref('excluded.people')),
            amount_fen: eb('area_total.amount_fen', '+', eb.ref('excluded.amount_fen')),
            entries: eb('area_total.entries', '+', eb.ref('excluded.entries')),
            ...newestDaySet,
          })),
        )
        .returning(['campaign_id', 'area_id', 'people', 'amount_fen']),
    )
    .with('d', (d) =>
      d
        .insertInto('area_day')
        .columns(['campaign_id', 'area_id', 'business_date', 'people', 'amount_fen'])
        .expression(
          d
            .selectFrom(
              sql<{ campaign_id: number; area_id: number; business_date: string; people: number; amount_fen: number }>`unnest(${p.dCampaign}::integer[], ${p.dArea}::integer[], ${p.dDate}::text[], ${p.dPeople}::bigint[], ${p.dAmount}::bigint[])`.as<'u'>(
                sql`u(campaign_id, area_id, business_date, people, amount_fen)`,
              ),
            )
            .selectAll(),
        )
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'area_id', 'business_date']).doUpdateSet((eb) => ({
            people: eb('area_day.people', '+', eb.ref('excluded.people')),
            amount_fen: eb('area_day.amount_fen', '+', eb.ref('excluded.amount_fen')),
          })),
        )
        .returning(['campaign_id', 'area_id', 'business_date', 'people']),
    )
    .with('ts', (d) =>
      d
        .insertInto('area_total_shard')
        .columns(['campaign_id', 'area_id', 'shard', 'people', 'amount_fen', 'entries'])
        .expression(
          d
            .selectFrom(
              sql<{ campaign_id: number; area_id: number; shard: number; people: number; amount_fen: number; entries: number }>`unnest(${p.sCampaign}::integer[], ${p.sArea}::integer[], ${p.sShard}::integer[], ${p.sPeople}::bigint[], ${p.sAmount}::bigint[], ${p.sEntries}::bigint[])`.as<'u'>(
                sql`u(campaign_id, area_id, shard, people, amount_fen, entries)`,
              ),
            )
            .selectAll(),
        )
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'area_id', 'shard']).doUpdateSet((eb) => ({
            people: eb('area_total_shard.people', '+', eb.ref('excluded.people')),
            amount_fen: eb('area_total_shard.amount_fen', '+', eb.ref('excluded.amount_fen')),
            entries: eb('area_total_shard.entries', '+', eb.ref('excluded.entries')),
          })),
        ),
    )
    .with('ds', (d) =>
      d
        .insertInto('area_day_shard')
        .columns(['campaign_id', 'area_id', 'business_date', 'shard', 'people', 'amount_fen'])
        .expression(
          d
            .selectFrom(
              sql<{ campaign_id: number; area_id: number; business_date: string; shard: number; people: number; amount_fen: number }>`unnest(${p.xCampaign}::integer[], ${p.xArea}::integer[], ${p.xDate}::text[], ${p.xShard}::integer[], ${p.xPeople}::bigint[], ${p.xAmount}::bigint[])`.as<'u'>(
                sql`u(campaign_id, area_id, business_date, shard, people, amount_fen)`,
              ),
            )
            .selectAll(),
        )
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'business_date', 'area_id', 'shard']).doUpdateSet((eb) => ({
            people: eb('area_day_shard.people', '+', eb.ref('excluded.people')),
            amount_fen: eb('area_day_shard.amount_fen', '+', eb.ref('excluded.amount_fen')),
          })),
        ),
    )
    .selectNoFrom((eb) => [
      eb.selectFrom('e').select(sql<number[]>`array_agg(e.id order by e.id)`.as('ids')).as('ids'),
      eb
        .selectFrom('t')
        .select(
          sql<[number, number, number, number][] | null>`json_agg(json_build_array(t.campaign_id, t.area_id,
            t.people + coalesce((select sum(s.people) from area_total_shard s where s.campaign_id = t.campaign_id and s.area_id = t.area_id), 0),
            t.amount_fen + coalesce((select sum(s.amount_fen) from area_total_shard s where s.campaign_id = t.campaign_id and s.area_id = t.area_id), 0)))`.as('x'),
        )
        .as('totals'),
      eb
        .selectFrom('d')
        .select(
          sql<[number, number, string, number][] | null>`json_agg(json_build_array(d.campaign_id, d.area_id, d.business_date,
            d.people + coalesce((select sum(s.people) from area_day_shard s where s.campaign_id = d.campaign_id and s.business_date = d.business_date and s.area_id = d.area_id), 0)))`.as('x'),
        )
        .as('days'),
    ]),
);

/** Adds `people` and `amount` to the figures kept under `key`. */
function add(m: Map<string, { people: number; amount: number }>, key: string, people: number, amount: number): void {
  const v = m.get(key);
  if (v) {
    v.people += people;
    v.amount += amount;
  } else m.set(key, { people, amount });
}

/** What a batch of appends adds to each row it moves, with how many entries: in place, and to the shards. */
function batchMoves(appends: readonly Append[]) {
  const totals = new Map<string, { campaign: number; area: number; people: number; amount: number; entries: number; day: string | null; dayPeople: number }>();
  const days = new Map<string, { campaign: number; area: number; date: string; people: number; amount: number }>();
  const shards = new Map<string, { campaign: number; area: number; shard: number; people: number; amount: number; entries: number }>();
  const shardDays = new Map<string, { campaign: number; area: number; date: string; shard: number; people: number; amount: number }>();
  for (const { move: m, exact, sharded, shard } of appends) {
    for (const area of exact) {
      const t = totals.get(`${m.campaignId}:${area}`) ?? { campaign: m.campaignId, area, people: 0, amount: 0, entries: 0, day: null, dayPeople: 0 };
      t.people += m.people;
      t.amount += m.amountFen;
      t.entries++;
      const newest = newestDay(t.day, t.dayPeople, m.businessDate, m.people);
      t.day = newest.day;
      t.dayPeople = newest.dayPeople;
      totals.set(`${m.campaignId}:${area}`, t);
      const key = `${m.campaignId}:${area}:${m.businessDate}`;
      const d = days.get(key) ?? { campaign: m.campaignId, area, date: m.businessDate, people: 0, amount: 0 };
      d.people += m.people;
      d.amount += m.amountFen;
      days.set(key, d);
    }
    for (const area of sharded) {
      const key = `${m.campaignId}:${area}:${shard}`;
      const t = shards.get(key) ?? { campaign: m.campaignId, area, shard, people: 0, amount: 0, entries: 0 };
      t.people += m.people;
      t.amount += m.amountFen;
      t.entries++;
      shards.set(key, t);
      const dayKey = `${m.campaignId}:${area}:${m.businessDate}:${shard}`;
      const d = shardDays.get(dayKey) ?? { campaign: m.campaignId, area, date: m.businessDate, shard, people: 0, amount: 0 };
      d.people += m.people;
      d.amount += m.amountFen;
      shardDays.set(dayKey, d);
    }
  }
  return { totals, days, shards, shardDays };
}

/**
 * Appends the entries of many pays in one statement (see `appendStatement`)
 * and gives each its own figures after it, as if they had been appended
 * one after another in the order given: the figures after the statement
 * less what the later ones added in place, plus what the earlier ones added
 * to the shards (which the statement's own reading of the shards misses).
 */
async function appendMany(db: Kysely<Database>, appends: readonly Append[]): Promise<{ id: number; after: Map<number, AreaAfter> }[]> {
  if (appends.length === 1) {
    const { entry, move, exact, sharded, shard } = appends[0]!;
    return [await appendInOneStatement(db, entry, move, exact, sharded, shard)];
  }
  const { totals, days, shards, shardDays } = batchMoves(appends);
  const t = [...totals.values()];
  const d = [...days.values()];
  const s = [...shards.values()];
  const x = [...shardDays.values()];
  // One small `map` a column: the same columns pushed in one loop made a
  // function TurboFan took over a second to compile, on the core the
  // database needs.
  const c: AppendColumns = {
    eCampaign: appends.map((a) => a.entry.campaignId),
    eArea: appends.map((a) => a.entry.areaId),
    eKind: appends.map((a) => a.entry.kind),
    ePeople: appends.map((a) => a.entry.people),
    eAmount: appends.map((a) => a.entry.amountFen),
    eReverses: appends.map((a) => a.entry.reversesId),
    eReason: appends.map((a) => a.entry.reason),
    eNote: appends.map((a) => a.entry.note),
    eMember: appends.map((a) => a.entry.memberId),
    ePlatform: appends.map((a) => a.entry.platform),
    eChannel: appends.map((a) => a.entry.channelId),
    eSource: appends.map((a) => a.entry.sourceKey),
    eDate: appends.map((a) => a.entry.businessDate),
    eAt: appends.map((a) => a.entry.recordedAt),
    tCampaign: t.map((r) => r.campaign),
    tArea: t.map((r) => r.area),
    tPeople: t.map((r) => r.people),
    tAmount: t.map((r) => r.amount),
    tEntries: t.map((r) => r.entries),
    // Every row of `t` has moved at least once: its day is set.
    tDay: t.map((r) => r.day!),
    tDayPeople: t.map((r) => r.dayPeople),
    dCampaign: d.map((r) => r.campaign),
    dArea: d.map((r) => r.area),
    dDate: d.map((r) => r.date),
    dPeople: d.map((r) => r.people),
    dAmount: d.map((r) => r.amount),
    sCampaign: s.map((r) => r.campaign),
    sArea: s.map((r) => r.area),
    sShard: s.map((r) => r.shard),
    sPeople: s.map((r) => r.people),
    sAmount: s.map((r) => r.amount),
    sEntries: s.map((r) => r.entries),
    xCampaign: x.map((r) => r.campaign),
    xArea: x.map((r) => r.area),
    xDate: x.map((r) => r.date),
    xShard: x.map((r) => r.shard),
    xPeople: x.map((r) => r.people),
    xAmount: x.map((r) => r.amount),
  };
  const row = (await appendStatement(db, c)).rows[0]!;
  // Ids are drawn in the order of the rows, which is the order given.
  const ids = (row.ids ?? []).map(Number).sort((a, b) => a - b);
  const finalTotals = new Map((row.totals ?? []).map(([campaign, area, people, amount]) => [`${campaign}:${area}`, { people: Number(people), amount: Number(amount) }]));
  const finalDays = new Map((row.days ?? []).map(([campaign, area, date, people]) => [`${campaign}:${area}:${date}`, Number(people)]));
  // Walking the batch in order: what it added in place up to and including each entry, and to the shards.
  const inPlaceSoFar = new Map<string, { people: number; amount: number }>();
  const daySoFar = new Map<string, { people: number; amount: number }>();
  const shardedSoFar = new Map<string, { people: number; amount: number }>();
  const shardedDaySoFar = new Map<string, { people: number; amount: number }>();
  return appends.map(({ move: m, exact, sharded }, i) => {
    for (const area of exact) {
      add(inPlaceSoFar, `${m.campaignId}:${area}`, m.people, m.amountFen);
      add(daySoFar, `${m.campaignId}:${area}:${m.businessDate}`, m.people, m.amountFen);
    }
    for (const area of sharded) {
      add(shardedSoFar, `${m.campaignId}:${area}`, m.people, m.amountFen);
      add(shardedDaySoFar, `${m.campaignId}:${area}:${m.businessDate}`, m.people, m.amountFen);
    }
    const after = new Map<number, AreaAfter>();
    for (const area of exact) {
      const key = `${m.campaignId}:${area}`;
      const dayKey = `${key}:${m.businessDate}`;
      const final = finalTotals.get(key)!;
      const batch = totals.get(key)!;
      const sofar = inPlaceSoFar.get(key)!;
      const shardSofar = shardedSoFar.get(key) ?? { people: 0, amount: 0 };
      const dayBatch = days.get(dayKey)!;
      after.set(area, {
        people: final.people - batch.people + sofar.people + shardSofar.people,
        amountFen: final.amount - batch.amount + sofar.amount + shardSofar.amount,
        dayPeople: finalDays.get(dayKey)! - dayBatch.people + daySoFar.get(dayKey)!.people + (shardedDaySoFar.get(dayKey)?.people ?? 0),
      });
    }
    return { id: ids[i]!, after };
  });
}

/**
 * An area's running total, held until the transaction ends (PostgreSQL: two
 * replicas setting one township's total at once queue up, so the second
 * one's difference is taken from the first one's result; SQLite runs one
 * write transaction at a time already). Zero when nothing was logged yet.
 */
export async function lockedTotal(db: Kysely<Database>, campaignId: number, areaId: number): Promise<{ people: number; amountFen: number }> {
  let q = db.selectFrom('area_total').select(['people', 'amount_fen']).where('campaign_id', '=', campaignId).where('area_id', '=', areaId);
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // A row to lock even before the first entry: an empty total changes no figure.
    await db
      .insertInto('area_total')
      .values({ campaign_id: campaignId, area_id: areaId, people: 0, amount_fen: 0, entries: 0 })
      .onConflict((oc) => oc.columns(['campaign_id', 'area_id']).doNothing())
      .execute();
    q = q.forUpdate();
  }
  const row = await q.executeTakeFirst();
  // A township's and a village's shards stay empty (their totals move in place); an area above has them.
  const shards = await db
    .selectFrom('area_total_shard')
    .select((eb) => [eb.fn.sum<number | string>('people').as('people'), eb.fn.sum<number | string>('amount_fen').as('amount_fen')])
    .where('campaign_id', '=', campaignId)
    .where('area_id', '=', areaId)
    .executeTakeFirst();
  return {
    people: Number(row?.people ?? 0) + Number(shards?.people ?? 0),
    amountFen: Number(row?.amount_fen ?? 0) + Number(shards?.amount_fen ?? 0),
  };
}

/**
 * The shards of the campaign's totals (and of a day's increments), summed
 * per area, to join on `area_id` and add to `area_total` (`area_day`): what
 * pays on PostgreSQL added to the areas above their townships. A few rows
 * per such area; none on SQLite.
 */
export function totalShards(db: Kysely<Database>, campaignId: number) {
  return db
    .selectFrom('area_total_shard')
    .select((eb) => ['area_id', eb.fn.sum<number | string>('people').as('people'), eb.fn.sum<number | string>('amount_fen').as('amount_fen')])
    .where('campaign_id', '=', campaignId)
    .groupBy('area_id');
}

/** The shards of the campaign's increments of a day, summed per area (see `totalShards`). */
export function dayShards(db: Kysely<Database>, campaignId: number, businessDate: string) {
  return db
    .selectFrom('area_day_shard')
    .select((eb) => ['area_id', eb.fn.sum<number | string>('people').as('people')])
    .where('campaign_id', '=', campaignId)
    .where('business_date', '=', businessDate)
    .groupBy('area_id');
}

export async function getEntry(db: Kysely<Database>, id: number): Promise<LedgerEntry | undefined> {
  return db.selectFrom('ledger_entry').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Holds an entry's row until the transaction ends, so that two replicas
 * reversing the same entry at once queue up and the second one sees the
 * first one's reversal. PostgreSQL only: SQLite runs one write transaction at
 * a time already (and has no row locks).
 */
export async function lockEntry(db: Kysely<Database>, id: number): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await db.selectFrom('ledger_entry').select('id').where('id', '=', id).forUpdate().execute();
}

/** The reversal of an entry, if it has one. */
export async function reversalOf(db: Kysely<Database>, id: number): Promise<LedgerEntry | undefined> {
  return db.selectFrom('ledger_entry').selectAll().where('reverses_id', '=', id).executeTakeFirst();
}

/**
 * The author's latest payment (or `total` difference: `undo` must not pass
 * over it to an older payment) in an area's subtree (any area when null),
 * reversed or not, with the id of its reversal when it has one.
 */
export async function latestPaymentBy(
  db: Kysely<Database>,
  input: { memberId: number; campaignId: number; areaPath: string | null },
): Promise<(LedgerEntry & { reversed_by: number | null }) | undefined> {
  let q = db
    .selectFrom('ledger_entry as e')
    .innerJoin('area as a', 'a.id', 'e.area_id')
    .leftJoin('ledger_entry as r', 'r.reverses_id', 'e.id')
    .selectAll('e')
    .select('r.id as reversed_by')
    .where('e.member_id', '=', input.memberId)
    .where('e.campaign_id', '=', input.campaignId)
    .where('e.kind', 'in', ['payment', 'total']);
  if (input.areaPath) q = q.where('a.path', 'like', `${input.areaPath}%`);
  return q.orderBy('e.id', 'desc').limit(1).executeTakeFirst();
}

/** The author's latest payment not yet reversed, in an area's subtree (any area when null). */
export async function latestOpenPaymentBy(
  db: Kysely<Database>,
  input: { memberId: number; campaignId: number; areaPath: string | null },
): Promise<(LedgerEntry & { area_name: string; area_path: string }) | undefined> {
  let q = db
    .selectFrom('ledger_entry as e')
    .innerJoin('area as a', 'a.id', 'e.area_id')
    .leftJoin('ledger_entry as r', 'r.reverses_id', 'e.id')
    .selectAll('e')
    .select(['a.name as area_name', 'a.path as area_path'])
    .where('e.member_id', '=', input.memberId)
    .where('e.campaign_id', '=', input.campaignId)
    .where('e.kind', '=', 'payment')
    .where('r.id', 'is', null);
  if (input.areaPath) q = q.where('a.path', 'like', `${input.areaPath}%`);
  return q.orderBy('e.id', 'desc').limit(1).executeTakeFirst();
}

/**
 * Appends many entries at once (seeding the demo district): the rows in a few
 * multi-row inserts, and the totals they add up to in one upsert per area and
 * per area-day, in the caller's transaction. Ids follow the input order. The
 * result is the same as appending them one by one, in far fewer round trips
 * (which matters on PostgreSQL).
 */
export async function appendEntriesInBulk(db: Kysely<Database>, entries: readonly EntryInput[], chunk = 500): Promise<void> {
  const totals = new Map<string, { campaignId: number; areaId: number; people: number; amountFen: number; entries: number; day: string | null; dayPeople: number }>();
  const days = new Map<string, MoveParams & { areaId: number }>();
  for (let i = 0; i < entries.length; i += chunk) {
    await db
      .insertInto('ledger_entry')
      .values(
        entries.slice(i, i + chunk).map((e) => ({
          campaign_id: e.campaignId,
          area_id: e.areaId,
          kind: e.kind,
          people: e.people,
          amount_fen: e.amountFen,
          reverses_id: e.reversesId ?? null,
          reason: e.reason == null ? null : redact(e.reason),
          note: e.note == null ? null : redact(e.note),
          member_id: e.memberId,
          platform: e.platform,
          channel_id: e.channelId,
          source_key: e.sourceKey ?? null,
          business_date: e.businessDate,
          recorded_at: e.recordedAt.toISOString(),
        })),
      )
      .execute();
  }
  for (const e of entries) {
    for (const areaId of pathIds(e.areaPath)) {
      const t = totals.get(`${e.campaignId}:${areaId}`) ?? { campaignId: e.campaignId, areaId, people: 0, amountFen: 0, entries: 0, day: null, dayPeople: 0 };
      const newest = newestDay(t.day, t.dayPeople, e.businessDate, e.people);
      totals.set(`${e.campaignId}:${areaId}`, { ...t, people: t.people + e.people, amountFen: t.amountFen + e.amountFen, entries: t.entries + 1, day: newest.day, dayPeople: newest.dayPeople });
      const key = `${e.campaignId}:${areaId}:${e.businessDate}`;
      const d = days.get(key) ?? { campaignId: e.campaignId, areaId, businessDate: e.businessDate, people: 0, amountFen: 0 };
      days.set(key, { ...d, people: d.people + e.people, amountFen: d.amountFen + e.amountFen });
    }
  }
  const totalRows = [...totals.values()];
  for (let i = 0; i < totalRows.length; i += chunk) {
    await db
      .insertInto('area_total')
      .values(
        totalRows.slice(i, i + chunk).map((t) => ({
          campaign_id: t.campaignId,
          area_id: t.areaId,
          people: t.people,
          amount_fen: t.amountFen,
          entries: t.entries,
          day: t.day,
          day_people: t.day === null ? null : t.dayPeople,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'area_id']).doUpdateSet((eb) => ({
          people: eb('area_total.people', '+', eb.ref('excluded.people')),
          amount_fen: eb('area_total.amount_fen', '+', eb.ref('excluded.amount_fen')),
          entries: eb('area_total.entries', '+', eb.ref('excluded.entries')),
          ...newestDaySet,
        })),
      )
      .execute();
  }
  const dayRows = [...days.values()];
  for (let i = 0; i < dayRows.length; i += chunk) {
    await db
      .insertInto('area_day')
      .values(
        dayRows.slice(i, i + chunk).map((d) => ({
          campaign_id: d.campaignId,
          area_id: d.areaId,
          business_date: d.businessDate,
          people: d.people,
          amount_fen: d.amountFen,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'area_id', 'business_date']).doUpdateSet((eb) => ({
          people: eb('area_day.people', '+', eb.ref('excluded.people')),
          amount_fen: eb('area_day.amount_fen', '+', eb.ref('excluded.amount_fen')),
        })),
      )
      .execute();
  }
}

/** A page of a campaign's entries after `after` (by id), with area and author names, for the export. */
export async function ledgerPage(db: Kysely<Database>, campaignId: number, after: number, limit: number) {
  return db
    .selectFrom('ledger_entry as e')
    .innerJoin('area as a', 'a.id', 'e.area_id')
    .innerJoin('member as m', 'm.id', 'e.member_id')
    .select([
      'e.id',
      'e.kind',
      'a.name as area',
      'e.people',
      'e.amount_fen',
      'e.reverses_id',
      'e.reason',
      'e.note',
      'm.name as member',
      'e.platform',
      'e.channel_id',
      'e.business_date',
      'e.recorded_at',
    ])
    .where('e.campaign_id', '=', campaignId)
    .where('e.id', '>', after)
    .orderBy('e.id')
    .limit(limit)
    .execute();
}
