/**
 * Where a post to a place goes: its chat channels, and the group robots
 * bound to the same place. A robot's post is queued as its app's parts, one
 * outbox row per webhook message, so each is delivered (and paced, and
 * resumed after a restart) on its own.
 */
import type { Kysely } from 'kysely';
import type { Database, RobotApp } from '../db/schema.ts';
import { enqueuePost, readStoredReply, type OutboxPost } from '../store/outbox.ts';
import type { Reply } from '../core/reply.ts';
import { appOfPlatform } from './apps.ts';
import { robotParts } from './render.ts';
import { imagePartText } from '../store/robots.ts';

/**
 * The last stored reply read back, and its parts for each app: a post to
 * 250 robots parses its board and cuts it into each app's parts once, not
 * per robot.
 */
let last: { stored: string; reply: Reply; parts: Map<RobotApp, Reply[]> } | null = null;
async function partsOf(app: RobotApp, stored: string): Promise<Reply[]> {
  // Read at once: this runs inside the post's write transaction.
  if (last?.stored !== stored) last = { stored, reply: await readStoredReply(stored, async () => {}), parts: new Map() };
  let parts = last.parts.get(app);
  if (!parts) last.parts.set(app, (parts = robotParts(app, last.reply)));
  return [...parts];
}

/** Queues a post to a channel or a robot; false when everything of it was queued before. */
export async function enqueueFor(db: Kysely<Database>, post: OutboxPost): Promise<boolean> {
  const app = appOfPlatform(post.platform);
  if (!app) return enqueuePost(db, post);
  let queued = false;
  // A board comes stored (redacted already, see storedReply): a robot's app cuts it into its own parts.
  const parts = 'stored' in post.reply ? await partsOf(app, post.reply.stored) : robotParts(app, post.reply);
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
