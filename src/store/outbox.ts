/**
 * Queuing posts for delivery. Callers enqueue inside their own transaction;
 * a delivery worker (see the leaderboard issue) sends them afterwards with
 * retries, so a post is never lost by a crash and never doubled by a retry.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { storableReply, type Reply } from '../core/reply.ts';
import { redactReply } from '../core/redact-reply.ts';

export interface OutboxPost {
  platform: string;
  channelId: string;
  reply: Reply;
  /** What this post is; a second post with the same key is ignored. */
  dedupeKey: string;
  now: Date;
}

/** Queues a post; returns false when one with the same key was queued before. */
export async function enqueuePost(db: Kysely<Database>, post: OutboxPost): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      platform: post.platform,
      channel_id: post.channelId,
      reply: JSON.stringify(storableReply(redactReply(post.reply))),
      image: post.reply.image
        ? JSON.stringify({ ...post.reply.image, png: Buffer.from(post.reply.image.png).toString('base64') })
        : null,
      dedupe_key: post.dedupeKey,
      created_at: post.now.toISOString(),
      next_attempt_at: post.now.toISOString(),
      delivered_at: null,
      last_error: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
