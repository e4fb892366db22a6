/**
 * Where a post to a place goes: its chat channels, and the group robots
 * bound to the same place. A robot's post is queued as its app's parts, one
 * outbox row per webhook message, so each is delivered (and paced, and
 * resumed after a restart) on its own.
 */
import type { Kysely } from 'kysely';
import type { Database, RobotApp } from '../db/schema.ts';
import { enqueuePost, readStoredReply, storedAsIs, storedReply, type OutboxPost, type StoredReply } from '../store/outbox.ts';
import { storableReply, type Reply } from '../core/reply.ts';
import { redactReply } from '../core/redact-reply.ts';
import { appOfPlatform } from './apps.ts';
import { robotParts } from './render.ts';
import { imagePartText } from '../store/robots.ts';

/**
 * A reply stored for a post's channels, with its parts for each robot app
 * among `platforms` cut now. A post reads its boards off the event loop
 * (src/board/plan.ts) and calls this there: a province's board is thousands
 * of lines, cut in 8–10 ms an app, and its write transaction then only
 * copies the parts into each robot's rows. The parts are cut from the reply
 * as it is stored (redacted, without its picture), so each part's size is
 * the size it is sent at.
 */
export function storedForPlatforms(reply: Reply, platforms: readonly string[]): StoredReply {
  const apps = new Set(platforms.map(appOfPlatform).filter((app): app is RobotApp => app !== null));
  // Redacted once: a province's board is thousands of lines.
  const storable = storableReply(redactReply(reply));
  const stored = storedAsIs(storable);
  if (apps.size === 0) return stored;
  // Each part is redacted again as it is stored: joining cells into a
  // part's lines could make a number that no single cell held.
  const parts: Partial<Record<RobotApp, readonly string[]>> = {};
  for (const app of apps) parts[app] = robotParts(app, storable).map((part) => storedReply(part).stored);
  return { ...stored, parts };
}

/** A stored reply's parts for an app: those cut with it, or cut now from its text. */
async function storedParts(app: RobotApp, reply: StoredReply): Promise<StoredReply[]> {
  const cut = reply.parts?.[app];
  if (cut) return cut.map((stored) => ({ stored }));
  // Read at once: this runs inside the post's write transaction.
  return robotParts(app, await readStoredReply(reply.stored, async () => {})).map(storedReply);
}

/** Queues a post to a channel or a robot; false when everything of it was queued before. */
export async function enqueueFor(db: Kysely<Database>, post: OutboxPost): Promise<boolean> {
  const app = appOfPlatform(post.platform);
  if (!app) return enqueuePost(db, post);
  let queued = false;
  const parts: (Reply | StoredReply)[] = 'stored' in post.reply ? await storedParts(app, post.reply) : robotParts(app, post.reply);
  // A WeCom robot takes the chart as a picture, first. The chart is stored
  // once with the post and its part is a reference: a board to 250 robots
  // copies it into no row, and the first sender draws it (off the event loop).
  if (app === 'wecom' && post.chart) parts.unshift({ status: 'ok', text: imagePartText(post.chart.id) });
  for (const [i, part] of parts.entries()) {
    const { chart, ...rest } = { ...post, reply: part, dedupeKey: `${post.dedupeKey}:p${i + 1}` };
    void chart; // the chart travels by reference above, never in a robot's row
    if (await enqueuePost(db, rest)) queued = true;
  }
  return queued;
}
