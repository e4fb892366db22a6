/**
 * Queuing posts for delivery. Callers enqueue inside their own transaction;
 * a delivery worker (see the leaderboard issue) sends them afterwards with
 * retries, so a post is never lost by a crash and never doubled by a retry.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, OutboxTable } from '../db/schema.ts';
import { storableReply, type Reply } from '../core/reply.ts';
import { redactReply } from '../core/redact-reply.ts';
import { redact } from '../domain/mask.ts';

/**
 * A post's chart, stored once (src/store/charts.ts) and referred to by id:
 * drawing it takes too long to hold the write lock of the transaction that
 * queues it, and a picture copied into every channel's row was megabytes a
 * row at province scale.
 */
interface ChartRef {
  id: number;
  filename: string;
  alt: string;
}

/** A queued row's chart: by reference, or (rows queued before charts were stored once) its SVG. */
type QueuedChart = { filename: string; alt: string } & ({ id: number } | { svg: string });

export interface OutboxPost {
  platform: string;
  channelId: string;
  reply: Reply;
  /** Drawn once by the first sender and attached as the reply's image. */
  chart?: ChartRef;
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
      image: post.chart
        ? JSON.stringify({ chart: post.chart.id, filename: post.chart.filename, alt: post.chart.alt })
        : post.reply.image
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
    .where('dead_at', 'is', null)
    .where('next_attempt_at', '<=', iso)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', iso)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, platform: r.platform, channelId: r.channel_id, attempts: r.attempts }));
}

const channelKey = (platform: string, channelId: string) => `${platform}\u0000${channelId}`;

/**
 * Claims rows for one worker until a lease ends; returns the rows it got.
 * Each row's channel is held first, in the same transaction: a channel
 * another worker is sending to, or whose pacing time (or Retry-After) has
 * not come, is skipped, so pacing holds across replicas. A row another
 * worker claimed meanwhile is left out. Counts an attempt. At most one
 * candidate per channel is taken (the first).
 */
export async function claimOutbox(
  db: Kysely<Database>,
  candidates: readonly Pick<OutboxRow, 'id' | 'platform' | 'channelId'>[],
  input: { by: string; now: Date; leaseMs: number },
): Promise<(OutboxRow & { reply: string; image: string | null })[]> {
  const perChannel = new Map<string, Pick<OutboxRow, 'id' | 'platform' | 'channelId'>>();
  for (const c of candidates) if (!perChannel.has(channelKey(c.platform, c.channelId))) perChannel.set(channelKey(c.platform, c.channelId), c);
  if (perChannel.size === 0) return [];
  const iso = input.now.toISOString();
  const until = new Date(input.now.getTime() + input.leaseMs).toISOString();
  const rows = await db.transaction().execute(async (tx) => {
    const held = await tx
      .insertInto('outbox_channel')
      .values([...perChannel.values()].map((c) => ({ platform: c.platform, channel_id: c.channelId, next_at: iso, held_by: input.by, held_until: until })))
      .onConflict((oc) =>
        oc
          .columns(['platform', 'channel_id'])
          .doUpdateSet({ held_by: input.by, held_until: until })
          .where('outbox_channel.next_at', '<=', iso)
          .where((eb) => eb.or([eb('outbox_channel.held_until', 'is', null), eb('outbox_channel.held_until', '<', iso)])),
      )
      .returning(['platform', 'channel_id'])
      .execute();
    if (held.length === 0) return [];
    const ids = held.map((h) => perChannel.get(channelKey(h.platform, h.channel_id))!.id);
    const claimed = await tx
      .updateTable('outbox')
      .set((eb) => ({ claimed_by: input.by, claimed_until: until, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .where('delivered_at', 'is', null)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', iso)]))
      .returning(['id', 'platform', 'channel_id', 'attempts', 'reply', 'image'])
      .execute();
    // A channel held for a row that turned out taken (delivered, or claimed by
    // another worker since it was read): let the channel go again.
    const sending = new Set(claimed.map((r) => channelKey(r.platform, r.channel_id)));
    for (const h of held) {
      if (sending.has(channelKey(h.platform, h.channel_id))) continue;
      await tx
        .updateTable('outbox_channel')
        .set({ held_by: null, held_until: null })
        .where('platform', '=', h.platform)
        .where('channel_id', '=', h.channel_id)
        .where('held_by', '=', input.by)
        .execute();
    }
    return claimed;
  });
  return rows
    .map((r) => ({ id: r.id, platform: r.platform, channelId: r.channel_id, attempts: r.attempts, reply: r.reply, image: r.image }))
    .sort((a, b) => a.id - b.id);
}

/** The reply a stored row carries, image included, and the chart still to attach, if any. */
export function storedPost(row: { reply: string; image: string | null }): { reply: Reply; chart?: QueuedChart } {
  const reply = JSON.parse(row.reply) as Reply;
  if (!row.image) return { reply };
  const image = JSON.parse(row.image) as { png: string; filename: string; alt: string } | { svg: string; filename: string; alt: string } | { chart: number; filename: string; alt: string };
  if ('chart' in image) return { reply, chart: { id: image.chart, filename: image.filename, alt: image.alt } };
  if ('svg' in image) return { reply, chart: image };
  reply.image = { ...image, png: new Uint8Array(Buffer.from(image.png, 'base64')) };
  return { reply };
}

/**
 * What became of one delivery attempt, and when its channel may take the
 * next message (pacing, or the platform's Retry-After).
 */
export type OutboxOutcome = { id: number; platform: string; channelId: string; channelFreeAt: Date } & (
  | { delivered: true; at: Date }
  | { delivered: false; nextAttemptAt: Date; error: string; dead?: boolean; refund?: boolean }
);

/**
 * Records outcomes of this worker's attempts and lets their channels go; a
 * row or channel it no longer holds (its lease ended and another worker took
 * it over) is left alone.
 */
export async function recordOutcomes(db: Kysely<Database>, by: string, outcomes: readonly OutboxOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction().execute(async (tx) => {
    for (const o of outcomes) {
      // A 429 (the platform's pacing) or a held robot is not a failure of the post: it does not count toward dead-lettering.
      if (!o.delivered && o.refund) {
        await tx.updateTable('outbox').set((eb) => ({ attempts: eb('attempts', '-', 1) })).where('id', '=', o.id).where('claimed_by', '=', by).where('attempts', '>', 0).execute();
      }
      const q = tx.updateTable('outbox');
      const set = o.delivered
        ? q.set({ delivered_at: o.at.toISOString(), claimed_by: null, claimed_until: null, last_error: null })
        : q.set({
            next_attempt_at: o.nextAttemptAt.toISOString(),
            claimed_by: null,
            claimed_until: null,
            last_error: redact(o.error).slice(0, 500),
            ...(o.dead ? { dead_at: o.nextAttemptAt.toISOString() } : {}),
          });
      await set.where('id', '=', o.id).where('claimed_by', '=', by).where('delivered_at', 'is', null).execute();
      await tx
        .updateTable('outbox_channel')
        .set({ next_at: o.channelFreeAt.toISOString(), held_by: null, held_until: null })
        .where('platform', '=', o.platform)
        .where('channel_id', '=', o.channelId)
        .where('held_by', '=', by)
        .execute();
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
  const base = db.selectFrom('outbox').where('delivered_at', 'is', null).where('dead_at', 'is', null).where('platform', 'in', platforms);
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

/**
 * Drops the posts still waiting for a channel that is no longer bound: a
 * digest queued for a township channel must not reach it after the channel
 * was unbound (its members may no longer be the township's). Returns how many.
 */
export async function cancelQueuedTo(db: Kysely<Database>, platform: string, channelId: string): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('platform', '=', platform)
    .where('channel_id', '=', channelId)
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A post given up on after too many attempts, as `npm run cli -- outbox` lists it. */
export interface DeadLetter {
  id: number;
  platform: string;
  channelId: string;
  /** What it was (`board:2026-11-23:18:00:area-1`). */
  what: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deadAt: string;
}

/** The columns a dead letter is read from, and the row it is read into. */
const DEAD_LETTER_COLUMNS = ['id', 'platform', 'channel_id', 'dedupe_key', 'attempts', 'last_error', 'created_at', 'dead_at'] as const;

function deadLetterOf(r: Pick<Selectable<OutboxTable>, (typeof DEAD_LETTER_COLUMNS)[number]>): DeadLetter {
  return {
    id: r.id,
    platform: r.platform,
    channelId: r.channel_id,
    what: r.dedupe_key,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    deadAt: r.dead_at!,
  };
}

/** Dead letters, oldest first. */
export async function deadLetters(db: Kysely<Database>, limit = 1000): Promise<DeadLetter[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(DEAD_LETTER_COLUMNS)
    .where('delivered_at', 'is', null)
    .where('dead_at', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(deadLetterOf);
}

/** How many dead letters there are and when the oldest died (for `/healthz`). */
export async function deadLetterCount(db: Kysely<Database>): Promise<{ count: number; oldest: string | null }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('dead_at').as('oldest')])
    .where('delivered_at', 'is', null)
    .where('dead_at', 'is not', null)
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), oldest: (row?.oldest as string | null | undefined) ?? null };
}

/**
 * Queues dead letters again from scratch (all when `ids` is absent): a fresh
 * count of attempts, due now. Returns how many.
 */
export async function resendDeadLetters(db: Kysely<Database>, now: Date, ids?: readonly number[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  let q = db
    .updateTable('outbox')
    .set({ dead_at: null, dead_notified_at: null, attempts: 0, next_attempt_at: now.toISOString(), claimed_by: null, claimed_until: null })
    .where('delivered_at', 'is', null)
    .where('dead_at', 'is not', null);
  if (ids) q = q.where('id', 'in', ids);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Takes the dead letters nobody was told of yet and marks them told, in one
 * transaction: with several replicas, each dead letter is announced once.
 */
export async function takeUnannouncedDeadLetters(db: Kysely<Database>, now: Date): Promise<DeadLetter[]> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('outbox')
      .select(DEAD_LETTER_COLUMNS)
      .where('delivered_at', 'is', null)
      .where('dead_at', 'is not', null)
      .where('dead_notified_at', 'is', null)
      .orderBy('id')
      .limit(100)
      .execute();
    if (rows.length === 0) return [];
    const marked = await tx
      .updateTable('outbox')
      .set({ dead_notified_at: now.toISOString() })
      .where('id', 'in', rows.map((r) => r.id))
      .where('dead_notified_at', 'is', null)
      .returning('id')
      .execute();
    const mine = new Set(marked.map((m) => m.id));
    return rows.filter((r) => mine.has(r.id)).map(deadLetterOf);
  });
}

/** A platform-wide sending rate: `perSecond` messages on average, up to `burst` at once. */
export interface PlatformRate {
  perSecond: number;
  burst: number;
}

/** What a platform's bucket gave: how many messages may go now, and when to ask again if fewer than wanted. */
export interface PlatformGrant {
  granted: number;
  /** Milliseconds until the next token (or the end of a 429 pause) when `granted` fell short. */
  waitMs: number;
}

/**
 * Takes up to `want` tokens from a platform's bucket in the database, shared
 * by every replica: a compare-and-set on `version`, retried a few times when
 * another replica took tokens meanwhile (no row lock, the same on SQLite and
 * PostgreSQL). Nothing is granted while a 429's pause lasts.
 */
export async function takePlatformTokens(db: Kysely<Database>, platform: string, want: number, now: Date, rate: PlatformRate): Promise<PlatformGrant> {
  const t = now.getTime();
  const full = rate.burst * 1000;
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await db.selectFrom('outbox_platform').selectAll().where('platform', '=', platform).executeTakeFirst();
    if (!row) {
      const granted = Math.min(want, rate.burst);
      const inserted = await db
        .insertInto('outbox_platform')
        .values({ platform, milli_tokens: full - granted * 1000, refilled_at: now.toISOString(), paused_until: null })
        .onConflict((oc) => oc.column('platform').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { granted, waitMs: granted < want ? Math.ceil(1000 / rate.perSecond) : 0 };
      continue;
    }
    const paused = row.paused_until ? Date.parse(row.paused_until) : 0;
    if (paused > t) return { granted: 0, waitMs: paused - t };
    const since = Math.max(0, t - Date.parse(row.refilled_at));
    const have = Math.min(full, row.milli_tokens + Math.floor(since * rate.perSecond));
    const granted = Math.max(0, Math.min(want, Math.floor(have / 1000)));
    const left = have - granted * 1000;
    const updated = await db
      .updateTable('outbox_platform')
      .set({ milli_tokens: left, refilled_at: now.toISOString(), version: row.version + 1 })
      .where('platform', '=', platform)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) continue;
    const waitMs = granted < want ? Math.max(1, Math.ceil((1000 - (left % 1000)) / rate.perSecond)) : 0;
    return { granted, waitMs };
  }
  // Contended: another replica is sending; try again shortly.
  return { granted: 0, waitMs: 50 };
}

/** Pauses a whole platform until `until` (a 429's Retry-After), for every replica; a later pause is kept. */
export async function pausePlatform(db: Kysely<Database>, platform: string, until: Date, now: Date): Promise<void> {
  const iso = until.toISOString();
  await db
    .insertInto('outbox_platform')
    .values({ platform, milli_tokens: 0, refilled_at: now.toISOString(), paused_until: iso })
    .onConflict((oc) =>
      oc
        .column('platform')
        .doUpdateSet((eb) => ({ paused_until: iso, milli_tokens: 0, refilled_at: now.toISOString(), version: eb('outbox_platform.version', '+', 1) }))
        .where((eb) => eb.or([eb('outbox_platform.paused_until', 'is', null), eb('outbox_platform.paused_until', '<', iso)])),
    )
    .execute();
}
