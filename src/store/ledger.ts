/**
 * The append-only payment ledger. Entries are only ever inserted; a mistake is
 * corrected by a reversal entry. Every insert also moves the running totals of
 * the area and all its ancestors (and their per-day increments) in the same
 * transaction, so reading standings never scans the ledger.
 */
import { PostgresAdapter, type Kysely } from 'kysely';
import type { Database, EntryKind, LedgerEntry } from '../db/schema.ts';
import { pathIds } from '../domain/permissions.ts';
import { prepared } from '../db/prepared.ts';
import { redact } from '../domain/mask.ts';

/** A new ledger entry; `areaPath` decides which totals move. */
export interface EntryInput {
  campaignId: number;
  areaId: number;
  areaPath: string;
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

/** Appends an entry and moves the maintained totals; returns the entry's id and the totals after it. */
export async function appendEntry(db: Kysely<Database>, e: EntryInput): Promise<{ id: number; after: Map<number, AreaAfter> }> {
  const row = (
    await insertEntry(db, {
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
    })
  ).rows[0]!;
  const after = await moveTotals(db, {
    campaignId: e.campaignId,
    areaIds: pathIds(e.areaPath),
    businessDate: e.businessDate,
    people: e.people,
    amountFen: e.amountFen,
  });
  return { id: row.id, after };
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

const insertEntry = prepared((db: Kysely<Database>, p: EntryParams) =>
  db
    .insertInto('ledger_entry')
    .values({
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
    })
    .returning('id'),
);

type MoveParams = { campaignId: number; areaId: number; businessDate: string; people: number; amountFen: number };

// One area per statement keeps a single compiled shape whatever the depth of the tree.
const upsertTotal = prepared((db: Kysely<Database>, p: MoveParams) =>
  db
    .insertInto('area_total')
    .values({ campaign_id: p.campaignId, area_id: p.areaId, people: p.people, amount_fen: p.amountFen, entries: 1 })
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'area_id']).doUpdateSet((eb) => ({
        people: eb('area_total.people', '+', eb.ref('excluded.people')),
        amount_fen: eb('area_total.amount_fen', '+', eb.ref('excluded.amount_fen')),
        entries: eb('area_total.entries', '+', eb.ref('excluded.entries')),
      })),
    )
    .returning(['people', 'amount_fen']),
);

const upsertDay = prepared((db: Kysely<Database>, p: MoveParams) =>
  db
    .insertInto('area_day')
    .values({ campaign_id: p.campaignId, area_id: p.areaId, business_date: p.businessDate, people: p.people, amount_fen: p.amountFen })
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'area_id', 'business_date']).doUpdateSet((eb) => ({
        people: eb('area_day.people', '+', eb.ref('excluded.people')),
        amount_fen: eb('area_day.amount_fen', '+', eb.ref('excluded.amount_fen')),
      })),
    )
    .returning('people'),
);

/** Adds a change to the totals of the areas and to their increments of the day; returns the new figures. */
export async function moveTotals(
  db: Kysely<Database>,
  m: { campaignId: number; areaIds: number[]; businessDate: string; people: number; amountFen: number },
): Promise<Map<number, AreaAfter>> {
  const after = new Map<number, AreaAfter>();
  for (const areaId of m.areaIds) {
    const p = { campaignId: m.campaignId, areaId, businessDate: m.businessDate, people: m.people, amountFen: m.amountFen };
    const total = (await upsertTotal(db, p)).rows[0]!;
    const day = (await upsertDay(db, p)).rows[0]!;
    after.set(areaId, { people: Number(total.people), amountFen: Number(total.amount_fen), dayPeople: Number(day.people) });
  }
  return after;
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
  return { people: Number(row?.people ?? 0), amountFen: Number(row?.amount_fen ?? 0) };
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
  const totals = new Map<string, MoveParams & { entries: number }>();
  const days = new Map<string, MoveParams>();
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
      const t = totals.get(`${e.campaignId}:${areaId}`) ?? { campaignId: e.campaignId, areaId, businessDate: '', people: 0, amountFen: 0, entries: 0 };
      totals.set(`${e.campaignId}:${areaId}`, { ...t, people: t.people + e.people, amountFen: t.amountFen + e.amountFen, entries: t.entries + 1 });
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
        totalRows.slice(i, i + chunk).map((t) => ({ campaign_id: t.campaignId, area_id: t.areaId, people: t.people, amount_fen: t.amountFen, entries: t.entries })),
      )
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'area_id']).doUpdateSet((eb) => ({
          people: eb('area_total.people', '+', eb.ref('excluded.people')),
          amount_fen: eb('area_total.amount_fen', '+', eb.ref('excluded.amount_fen')),
          entries: eb('area_total.entries', '+', eb.ref('excluded.entries')),
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
