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

/** A queued message as the delivery worker sees it. */
export interface OutboxRow {
  id: number;
  platform: string;
  channelId: string;
  attempts: number;
}

/** Rows due for delivery now: not delivered, time come, not held by a live claim. */
export async function dueOutbox(db: Kysely<Database>, now: Date, limit: number): Promise<OutboxRow[]> {
  const iso = now.toISOString();
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'platform', 'channel_id', 'attempts'])
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', iso)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', iso)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, platform: r.platform, channelId: r.channel_id, attempts: r.attempts }));
}

/**
 * Claims rows for one worker until a lease ends; returns the rows it got (a
 * row another worker claimed meanwhile is left out). Counts an attempt.
 */
export async function claimOutbox(
  db: Kysely<Database>,
  ids: number[],
  input: { by: string; now: Date; leaseMs: number },
): Promise<(OutboxRow & { reply: string; image: string | null })[]> {
  if (ids.length === 0) return [];
  const iso = input.now.toISOString();
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      claimed_by: input.by,
      claimed_until: new Date(input.now.getTime() + input.leaseMs).toISOString(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', ids)
    .where('delivered_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', iso)]))
    .returning(['id', 'platform', 'channel_id', 'attempts', 'reply', 'image'])
    .execute();
  return rows
    .map((r) => ({ id: r.id, platform: r.platform, channelId: r.channel_id, attempts: r.attempts, reply: r.reply, image: r.image }))
    .sort((a, b) => a.id - b.id);
}

/** The reply a stored row carries, image included. */
export function storedReply(row: { reply: string; image: string | null }): Reply {
  const reply = JSON.parse(row.reply) as Reply;
  if (row.image) {
    const image = JSON.parse(row.image) as { png: string; filename: string; alt: string };
    reply.image = { ...image, png: new Uint8Array(Buffer.from(image.png, 'base64')) };
  }
  return reply;
}

/** What became of one delivery attempt. */
export type OutboxOutcome =
  | { id: number; delivered: true; at: Date }
  | { id: number; delivered: false; nextAttemptAt: Date; error: string };

/** Records outcomes of this worker's attempts; a row it no longer holds is left alone. */
export async function recordOutcomes(db: Kysely<Database>, by: string, outcomes: readonly OutboxOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction().execute(async (tx) => {
    for (const o of outcomes) {
      const q = tx.updateTable('outbox');
      const set = o.delivered
        ? q.set({ delivered_at: o.at.toISOString(), claimed_by: null, claimed_until: null, last_error: null })
        : q.set({ next_attempt_at: o.nextAttemptAt.toISOString(), claimed_by: null, claimed_until: null, last_error: o.error.slice(0, 500) });
      await set.where('id', '=', o.id).where('claimed_by', '=', by).where('delivered_at', 'is', null).execute();
    }
  });
}

/**
 * When undelivered rows of some platforms may next be tried (a row held by a
 * live claim not before its lease ends), or null when none is left.
 */
export async function nextOutboxAttempt(db: Kysely<Database>, platforms: string[], now: Date): Promise<Date | null> {
  if (platforms.length === 0) return null;
  const iso = now.toISOString();
  const base = db.selectFrom('outbox').where('delivered_at', 'is', null).where('platform', 'in', platforms);
  const [free, held] = await Promise.all([
    base
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', iso)]))
      .executeTakeFirst(),
    base.select((eb) => eb.fn.min('claimed_until').as('at')).where('claimed_until', '>=', iso).executeTakeFirst(),
  ]);
  const times = [free?.at, held?.at].filter((x): x is string => typeof x === 'string').map((x) => Date.parse(x));
  return times.length ? new Date(Math.min(...times)) : null;
}
