/**
 * Board charts, stored once per post however many channels and robots get
 * it: the SVG when the post is queued, its PNG when the first sender has
 * drawn it. Outbox rows refer to a chart by id and carry no picture.
 * (The table is `robot_image`: it held the group robots' charts first.)
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** How long a stored chart is kept for posts still waiting to go out (a failing robot's). */
const CHART_KEEP_MS = 30 * 86_400_000;

/** Stores a chart once (by its digest); returns its id. Charts older than a month are dropped. */
export async function storeChart(db: Kysely<Database>, svg: string, now: Date): Promise<number> {
  const hash = createHash('sha256').update(svg).digest('hex');
  await db
    .insertInto('robot_image')
    .values({ digest: hash, svg, png: null, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('digest').doNothing())
    .execute();
  await db.deleteFrom('robot_image').where('created_at', '<', new Date(now.getTime() - CHART_KEEP_MS).toISOString()).execute();
  const row = await db.selectFrom('robot_image').select('id').where('digest', '=', hash).executeTakeFirstOrThrow();
  return row.id;
}

/** A stored chart: its SVG, and its PNG once drawn; undefined when it was dropped. */
export async function storedChart(db: Kysely<Database>, id: number): Promise<{ svg: string; png: Uint8Array | null } | undefined> {
  const row = await db.selectFrom('robot_image').select(['svg', 'png']).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return { svg: row.svg, png: row.png === null ? null : new Uint8Array(row.png) };
}

/** Keeps a chart's drawing; a drawing another sender stored first is kept instead. */
export async function saveChartPng(db: Kysely<Database>, id: number, png: Uint8Array): Promise<void> {
  await db.updateTable('robot_image').set({ png: Buffer.from(png.buffer, png.byteOffset, png.byteLength) }).where('id', '=', id).where('png', 'is', null).execute();
}
