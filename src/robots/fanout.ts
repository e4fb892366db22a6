/**
 * Where a post to a place goes: its chat channels, and the group robots
 * bound to the same place. A robot's post is queued as its app's parts, one
 * outbox row per webhook message, so each is delivered (and paced, and
 * resumed after a restart) on its own.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { enqueuePost, type OutboxPost } from '../store/outbox.ts';
import { appOfPlatform } from './apps.ts';
import { robotParts } from './render.ts';
import { storeRobotImage, imagePartText } from './store.ts';

/** Queues a post to a channel or a robot; false when everything of it was queued before. */
export async function enqueueFor(db: Kysely<Database>, post: OutboxPost): Promise<boolean> {
  const app = appOfPlatform(post.platform);
  if (!app) return enqueuePost(db, post);
  let queued = false;
  const parts = robotParts(app, post.reply);
  for (const [i, part] of parts.entries()) {
    // The chart once in the database, its part a reference: a board to 250 robots must not copy it 250 times.
    const reply = part.image ? { status: 'ok' as const, text: imagePartText(await storeRobotImage(db, part.image.png, post.now)) } : part;
    if (await enqueuePost(db, { ...post, reply, dedupeKey: `${post.dedupeKey}:p${i + 1}` })) queued = true;
  }
  return queued;
}
