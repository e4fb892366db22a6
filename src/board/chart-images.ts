/**
 * A stored chart's PNG for the senders: read from the database when a
 * sender drew it already (here or on another replica); otherwise drawn
 * once on the chart threads and stored. The channels and robots of one post
 * sending at once share one drawing in this process.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { saveChartPng, storedChart } from '../store/charts.ts';
import { drawChartPng } from './chart.ts';

/** Drawings in progress in this process, per database. */
const drawing = new WeakMap<object, Map<number, Promise<Uint8Array | null>>>();

/** The chart's PNG, or null when the chart is no longer stored (older than a month). */
export function chartPng(db: Kysely<Database>, id: number, draw: (svg: string) => Promise<Uint8Array> = drawChartPng): Promise<Uint8Array | null> {
  let mine = drawing.get(db);
  if (!mine) drawing.set(db, (mine = new Map()));
  const known = mine.get(id);
  if (known) return known;
  const p = (async () => {
    const chart = await storedChart(db, id);
    if (!chart) return null;
    if (chart.png) return chart.png;
    const png = await draw(chart.svg);
    await saveChartPng(db, id, png);
    return png;
  })();
  mine.set(id, p);
  // Once settled it is in the database (or failed, and the next send tries again).
  void p.finally(() => mine.delete(id)).catch(() => undefined);
  return p;
}
