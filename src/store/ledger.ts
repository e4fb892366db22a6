/**
 * The append-only payment ledger. Entries are only ever inserted; a mistake is
 * corrected by a reversal entry. Every insert also moves the running totals of
 * the area and all its ancestors (and their per-day increments) in the same
 * transaction, so reading standings never scans the ledger.
 */
import type { Kysely } from 'kysely';
import type { Database, EntryKind, LedgerEntry } from '../db/schema.ts';
import { pathIds } from '../domain/permissions.ts';

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
  const row = await db
    .insertInto('ledger_entry')
    .values({
      campaign_id: e.campaignId,
      area_id: e.areaId,
      kind: e.kind,
      people: e.people,
      amount_fen: e.amountFen,
      reverses_id: e.reversesId ?? null,
      reason: e.reason ?? null,
      note: e.note ?? null,
      member_id: e.memberId,
      platform: e.platform,
      channel_id: e.channelId,
      source_key: e.sourceKey ?? null,
      business_date: e.businessDate,
      recorded_at: e.recordedAt.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const after = await moveTotals(db, {
    campaignId: e.campaignId,
    areaIds: pathIds(e.areaPath),
    businessDate: e.businessDate,
    people: e.people,
    amountFen: e.amountFen,
  });
  return { id: row.id, after };
}

/** Adds a change to the totals of the areas and to their increments of the day; returns the new figures. */
export async function moveTotals(
  db: Kysely<Database>,
  m: { campaignId: number; areaIds: number[]; businessDate: string; people: number; amountFen: number },
): Promise<Map<number, AreaAfter>> {
  const totals = await db
    .insertInto('area_total')
    .values(
      m.areaIds.map((areaId) => ({ campaign_id: m.campaignId, area_id: areaId, people: m.people, amount_fen: m.amountFen, entries: 1 })),
    )
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'area_id']).doUpdateSet((eb) => ({
        people: eb('area_total.people', '+', eb.ref('excluded.people')),
        amount_fen: eb('area_total.amount_fen', '+', eb.ref('excluded.amount_fen')),
        entries: eb('area_total.entries', '+', eb.ref('excluded.entries')),
      })),
    )
    .returning(['area_id', 'people', 'amount_fen'])
    .execute();
  const days = await db
    .insertInto('area_day')
    .values(
      m.areaIds.map((areaId) => ({
        campaign_id: m.campaignId,
        area_id: areaId,
        business_date: m.businessDate,
        people: m.people,
        amount_fen: m.amountFen,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'area_id', 'business_date']).doUpdateSet((eb) => ({
        people: eb('area_day.people', '+', eb.ref('excluded.people')),
        amount_fen: eb('area_day.amount_fen', '+', eb.ref('excluded.amount_fen')),
      })),
    )
    .returning(['area_id', 'people'])
    .execute();
  const dayPeople = new Map(days.map((d) => [d.area_id, Number(d.people)]));
  return new Map(
    totals.map((t) => [t.area_id, { people: Number(t.people), amountFen: Number(t.amount_fen), dayPeople: dayPeople.get(t.area_id) ?? 0 }]),
  );
}

export async function getEntry(db: Kysely<Database>, id: number): Promise<LedgerEntry | undefined> {
  return db.selectFrom('ledger_entry').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The reversal of an entry, if it has one. */
export async function reversalOf(db: Kysely<Database>, id: number): Promise<LedgerEntry | undefined> {
  return db.selectFrom('ledger_entry').selectAll().where('reverses_id', '=', id).executeTakeFirst();
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
