/**
 * Official figures: append-only snapshots per area and as-of date, and the
 * imports they came from. Reading them for a board touches a few dates of an
 * area's children through an index, never the whole history.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { OfficialPoint } from '../domain/reconcile.ts';

/** A figure to store. */
export interface NewSnapshot {
  areaId: number;
  asOf: string;
  people: number;
  amountFen: number | null;
}

/**
 * The newest figure of each (area, date) for the area itself and its
 * children, dates from `from` through `to`, by area id.
 */
export async function officialUnder(
  db: Kysely<Database>,
  input: { campaignId: number; areaId: number; from: string; to: string },
): Promise<Map<number, OfficialPoint[]>> {
  // From the areas to their snapshots, the area and its children as two
  // indexed reads: filtered by date first, a province's root board read the
  // window's snapshots of all 32,000 areas to keep its 2,000 townships'.
  const points = (where: 'self' | 'children') =>
    db
      .selectFrom('area as a')
      .innerJoin('official_snapshot as s', (j) =>
        j
          .onRef('s.area_id', '=', 'a.id')
          .on('s.campaign_id', '=', input.campaignId)
          .on('s.as_of', '>=', input.from)
          .on('s.as_of', '<=', input.to),
      )
      .select(['s.id', 's.area_id', 's.as_of', 's.people', 's.amount_fen'])
      .where(where === 'self' ? 'a.id' : 'a.parent_id', '=', input.areaId);
  // No order: the newest row of a date is told by its id, not by its place.
  const rows = await points('self').unionAll(points('children')).execute();
  return newestByAreaAndDate(rows);
}

/**
 * The newest official import's id (0 before any): every snapshot is stored
 * with a new import row, in its transaction, so stored snapshots change
 * exactly when this does.
 */
export async function latestOfficialImport(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('official_import').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return row?.id == null ? 0 : Number(row.id);
}

/** The newest stored figure of each (area, date) on the given dates, for comparing a file with what is stored. */
export async function officialOnDates(db: Kysely<Database>, campaignId: number, dates: readonly string[]): Promise<Map<number, OfficialPoint[]>> {
  if (dates.length === 0) return new Map();
  const rows = await db
    .selectFrom('official_snapshot as s')
    .select(['s.id', 's.area_id', 's.as_of', 's.people', 's.amount_fen'])
    .where('s.campaign_id', '=', campaignId)
    .where('s.as_of', 'in', [...dates])
    .orderBy('s.id')
    .execute();
  return newestByAreaAndDate(rows);
}

function newestByAreaAndDate(
  rows: readonly { id: number; area_id: number; as_of: string; people: number; amount_fen: number | null }[],
): Map<number, OfficialPoint[]> {
  const out = new Map<number, (OfficialPoint & { id: number })[]>();
  // A later row (a higher id) of the same date replaces the earlier, in whatever order they come.
  for (const r of rows) {
    const point = { id: r.id, asOf: r.as_of, people: Number(r.people), amountFen: r.amount_fen === null ? null : Number(r.amount_fen) };
    const list = out.get(r.area_id);
    if (!list) {
      out.set(r.area_id, [point]);
      continue;
    }
    const i = list.findIndex((p) => p.asOf === r.as_of);
    if (i < 0) list.push(point);
    else if (list[i]!.id < point.id) list[i] = point;
  }
  const points = new Map<number, OfficialPoint[]>();
  for (const [areaId, list] of out) points.set(areaId, list.map((p) => ({ asOf: p.asOf, people: p.people, amountFen: p.amountFen })));
  return points;
}

/** Records an import and its snapshots; returns the import's id. */
export async function storeOfficialImport(
  db: Kysely<Database>,
  input: { campaignId: number; file: string; rows: number; memberId: number | null; platform: string; now: Date; snapshots: readonly NewSnapshot[] },
): Promise<number> {
  const { id } = await db
    .insertInto('official_import')
    .values({
      campaign_id: input.campaignId,
      file: input.file,
      rows: input.rows,
      member_id: input.memberId,
      platform: input.platform,
      imported_at: input.now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // 6 parameters a row: well under SQLite's and PostgreSQL's limits per statement.
  const CHUNK = 1_000;
  for (let i = 0; i < input.snapshots.length; i += CHUNK) {
    await db
      .insertInto('official_snapshot')
      .values(
        input.snapshots.slice(i, i + CHUNK).map((s) => ({
          import_id: id,
          campaign_id: input.campaignId,
          area_id: s.areaId,
          as_of: s.asOf,
          people: s.people,
          amount_fen: s.amountFen,
        })),
      )
      .execute();
  }
  return id;
}

/** A page of the campaign's snapshots after `after` (by id), with area names and the file each came from, for the export. */
export async function officialPage(db: Kysely<Database>, campaignId: number, after: number, limit: number) {
  return db
    .selectFrom('official_snapshot as s')
    .innerJoin('area as a', 'a.id', 's.area_id')
    .innerJoin('official_import as i', 'i.id', 's.import_id')
    .select(['s.id', 's.as_of', 'a.name as area', 'a.path', 's.people', 's.amount_fen', 'i.file', 'i.imported_at'])
    .where('s.campaign_id', '=', campaignId)
    .where('s.id', '>', after)
    .orderBy('s.id')
    .limit(limit)
    .execute();
}
