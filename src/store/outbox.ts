/**
 * Queuing posts for delivery. Callers enqueue inside their own transaction;
 * a delivery worker (see the leaderboard issue) sends them afterwards with
 * retries, so a post is never lost by a crash and never doubled by a retry.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, OutboxTable, RobotApp } from '../db/schema.ts';
import { storableReply, type Reply, type ReplyImage } from '../core/reply.ts';
import { redactReply } from '../core/redact-reply.ts';
import { redact } from '../domain/mask.ts';
import { otherWorkFirst } from '../db/other-work-first.ts';

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

/**
 * A reply already as the outbox stores it (`storedReply`): a province's
 * board is thousands of lines to redact and serialize, done off the event
 * loop before the post's write transaction, once for all its channels.
 */
export interface StoredReply {
  stored: string;
  /**
   * The same reply as each group-robot app's parts (one webhook message
   * each), stored as a row holds them: cut where the reply was stored, once
   * for every robot of that app (see src/robots/fanout.ts).
   */
  parts?: Readonly<Partial<Record<RobotApp, readonly string[]>>>;
}

/**
 * A long table's rows are stored in pieces of this many, one JSON line
 * each after the reply's own line, and read back a piece at a time with the
 * event loop let run between them: JSON.parse of a 2,000-row board took
 * 1.5–2.3 ms at once, a payment answered meanwhile waited for all of it.
 */
export const STORED_ROWS_A_PIECE = 250;

/**
 * The reply as a queued row holds it: redacted, without its picture (that
 * travels apart). One JSON document; with a table of more than
 * STORED_ROWS_A_PIECE rows, JSON lines: the reply without its rows, then
 * the rows, a piece a line (JSON text never holds a raw line break).
 */
export function storedReply(reply: Reply): StoredReply {
  return storedAsIs(storableReply(redactReply(reply)));
}

/** `storedReply` of a reply already redacted and without its picture (`storableReply(redactReply(…))`). */
export function storedAsIs(storable: Reply): StoredReply {
  const rows = storable.table?.rows;
  if (!rows || rows.length <= STORED_ROWS_A_PIECE) return { stored: JSON.stringify(storable) };
  const lines = [JSON.stringify({ ...storable, table: { ...storable.table, rows: [] } })];
  for (let i = 0; i < rows.length; i += STORED_ROWS_A_PIECE) lines.push(JSON.stringify(rows.slice(i, i + STORED_ROWS_A_PIECE)));
  return { stored: lines.join('\n') };
}

/**
 * A stored reply read back; `between` runs between the pieces of a long
 * table (the outbox worker lets the event loop run there; a reader inside a
 * transaction passes one that returns at once).
 */
export async function readStoredReply(stored: string, between: () => Promise<void>): Promise<Reply> {
  let end = stored.indexOf('\n');
  if (end < 0) return JSON.parse(stored) as Reply;
  const reply = JSON.parse(stored.slice(0, end)) as Reply;
  const rows = reply.table!.rows;
  while (end < stored.length) {
    await between();
    const start = end + 1;
    end = stored.indexOf('\n', start);
    if (end < 0) end = stored.length;
    for (const row of JSON.parse(stored.slice(start, end)) as string[][]) rows.push(row);
  }
  return reply;
}

export interface OutboxPost {
  platform: string;
  channelId: string;
  reply: Reply | StoredReply;
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
      reply: 'stored' in post.reply ? post.reply.stored : storedReply(post.reply).stored,
      image: post.chart
        ? JSON.stringify({ chart: post.chart.id, filename: post.chart.filename, alt: post.chart.alt })
        : !('stored' in post.reply) && post.reply.image
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
 * A channel's rate window as its app counts it: at most `max` messages in
 * any `ms` milliseconds (a WeCom robot: 20 in 60 s).
 */
export interface RateWindow {
  ms: number;
  max: number;
}

/** The windows of a platform's channels, or undefined when it is paced by a fixed interval. */
export type WindowsOf = (platform: string) => readonly RateWindow[] | undefined;

/**
 * When a channel may take its next message under its windows, given when the
 * app counted its recent requests at the latest (ms): now when every window
 * has room, else when the oldest request that fills a window leaves it.
 */
export function windowFreeAt(times: readonly number[], windows: readonly RateWindow[], now: number): number {
  const recent = [...times].sort((a, b) => b - a);
  let free = now;
  for (const w of windows) {
    const inside = recent.filter((at) => at > now - w.ms);
    // The max-th latest leaving the window leaves max − 1 in it; 1 ms past, as the app's edge is exclusive.
    if (inside.length >= w.max) free = Math.max(free, inside[w.max - 1]! + w.ms + 1);
  }
  return free;
}

/** The longest window of these platforms (what sends must be kept for). */
function longestWindow(windows: readonly (readonly RateWindow[])[]): number {
  return Math.max(0, ...windows.flat().map((w) => w.ms));
}

/** When each channel's recent requests were counted at the latest, by channel key (ms). */
async function recentSends(
  db: Kysely<Database>,
  channels: readonly { platform: string; channel_id: string }[],
  windowsOf: WindowsOf,
  now: number,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const byPlatform = new Map<string, string[]>();
  for (const c of channels) byPlatform.set(c.platform, [...(byPlatform.get(c.platform) ?? []), c.channel_id]);
  for (const [platform, ids] of byPlatform) {
    const since = new Date(now - longestWindow([windowsOf(platform) ?? []])).toISOString();
    const rows = await db.selectFrom('outbox_send').select(['channel_id', 'at']).where('platform', '=', platform).where('channel_id', 'in', [...new Set(ids)]).where('at', '>', since).execute();
    for (const r of rows) {
      const key = channelKey(platform, r.channel_id);
      out.set(key, [...(out.get(key) ?? []), Date.parse(r.at)]);
    }
  }
  return out;
}

/**
 * Counts a request made outside the outbox (a robot's test message) in its
 * channel's window: the app counts it like any other.
 */
export async function countWindowSend(db: Kysely<Database>, input: { platform: string; channelId: string; at: Date }): Promise<void> {
  await db.insertInto('outbox_send').values({ platform: input.platform, channel_id: input.channelId, outbox_id: 0, at: input.at.toISOString(), answered: 1 }).execute();
}

/** A claimed row: what to send, and the window entry its request holds (windowed channels). */
export type ClaimedRow = OutboxRow & { reply: string; image: string | null; sendId?: number };

/** What a claim got: the rows to send now, and the channels whose window is full, with when it frees. */
export interface Claim {
  rows: ClaimedRow[];
  waits: { platform: string; channelId: string; freeAt: Date }[];
}

/**
 * Claims rows for one worker until a lease ends; returns the rows it got.
 * Each row's channel is held first, in the same transaction: a channel
 * another worker is sending to, or whose pacing time (or Retry-After) has
 * not come, is skipped, so pacing holds across replicas. A channel with rate
 * windows (`windowsOf`) is also skipped while its recent requests, as every
 * replica recorded them, fill a window; a request it is claimed for is
 * recorded at once (counted until the lease ends, in case its sender dies
 * mid-send). A row another worker claimed meanwhile is left out. Counts an
 * attempt. At most one candidate per channel is taken (the first).
 */
export async function claimOutbox(
  db: Kysely<Database>,
  candidates: readonly Pick<OutboxRow, 'id' | 'platform' | 'channelId'>[],
  input: { by: string; now: Date; leaseMs: number; windowsOf?: WindowsOf },
): Promise<Claim> {
  const perChannel = new Map<string, Pick<OutboxRow, 'id' | 'platform' | 'channelId'>>();
  for (const c of candidates) if (!perChannel.has(channelKey(c.platform, c.channelId))) perChannel.set(channelKey(c.platform, c.channelId), c);
  if (perChannel.size === 0) return { rows: [], waits: [] };
  const iso = input.now.toISOString();
  const t = input.now.getTime();
  const until = new Date(t + input.leaseMs).toISOString();
  const windowsOf: WindowsOf = input.windowsOf ?? (() => undefined);
  const waits: Claim['waits'] = [];
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
    // Windowed channels whose window is full (sends of other replicas, or of
    // a sender that died mid-send) wait until it frees, and say when.
    const windowed = held.filter((h) => windowsOf(h.platform));
    const full = new Set<string>();
    if (windowed.length > 0) {
      const recent = await recentSends(tx, windowed, windowsOf, t);
      for (const h of windowed) {
        const key = channelKey(h.platform, h.channel_id);
        const freeAt = windowFreeAt(recent.get(key) ?? [], windowsOf(h.platform)!, t);
        if (freeAt <= t) continue;
        full.add(key);
        waits.push({ platform: h.platform, channelId: h.channel_id, freeAt: new Date(freeAt) });
        await tx
          .updateTable('outbox_channel')
          .set({ held_by: null, held_until: null, next_at: new Date(freeAt).toISOString() })
          .where('platform', '=', h.platform)
          .where('channel_id', '=', h.channel_id)
          .where('held_by', '=', input.by)
          .execute();
      }
    }
    const ids = held.filter((h) => !full.has(channelKey(h.platform, h.channel_id))).map((h) => perChannel.get(channelKey(h.platform, h.channel_id))!.id);
    const claimed: ClaimedRow[] = [];
    if (ids.length > 0) {
      const got = await tx
        .updateTable('outbox')
        .set((eb) => ({ claimed_by: input.by, claimed_until: until, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', ids)
        .where('delivered_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', iso)]))
        .returning(['id', 'platform', 'channel_id', 'attempts', 'reply', 'image'])
        .execute();
      for (const r of got) claimed.push({ id: r.id, platform: r.platform, channelId: r.channel_id, attempts: r.attempts, reply: r.reply, image: r.image });
    }
    const sendsFor = claimed.filter((r) => windowsOf(r.platform));
    if (sendsFor.length > 0) {
      const entries = await tx
        .insertInto('outbox_send')
        .values(sendsFor.map((r) => ({ platform: r.platform, channel_id: r.channelId, outbox_id: r.id, at: until, answered: 0 })))
        .returning(['id', 'outbox_id'])
        .execute();
      const byRow = new Map(entries.map((e) => [e.outbox_id, e.id]));
      for (const r of sendsFor) r.sendId = byRow.get(r.id);
    }
    // A channel held for a row that turned out taken (delivered, or claimed by
    // another worker since it was read): let the channel go again.
    const sending = new Set(claimed.map((r) => channelKey(r.platform, r.channelId)));
    for (const h of held) {
      const key = channelKey(h.platform, h.channel_id);
      if (sending.has(key) || full.has(key)) continue;
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
  return { rows: rows.sort((a, b) => a.id - b.id), waits };
}

/** A queued row's picture: the chart still to draw or read, or an image an older version stored in the row itself. */
export type QueuedPicture = { chart: QueuedChart } | { image: ReplyImage } | null;

/** The picture a stored row carries, if any (its reply is read apart: `readStoredReply`). */
export function queuedPicture(row: { image: string | null }): QueuedPicture {
  if (!row.image) return null;
  const image = JSON.parse(row.image) as { png: string; filename: string; alt: string } | { svg: string; filename: string; alt: string } | { chart: number; filename: string; alt: string };
  if ('chart' in image) return { chart: { id: image.chart, filename: image.filename, alt: image.alt } };
  if ('svg' in image) return { chart: image };
  return { image: { ...image, png: new Uint8Array(Buffer.from(image.png, 'base64')) } };
}

/**
 * What became of one delivery attempt, and when its channel may take the
 * next message (pacing, or the platform's Retry-After). `sendId`: the window
 * entry of its request (windowed channels), settled at `answeredAt` when the
 * app answered, dropped when no request was made.
 */
export type OutboxOutcome = { id: number; platform: string; channelId: string; channelFreeAt: Date; sendId?: number; answeredAt?: Date } & (
  | { delivered: true; at: Date }
  | { delivered: false; nextAttemptAt: Date; error: string; dead?: boolean; refund?: boolean }
);

/** How long a window entry is kept: longer than any app's window. */
const SEND_KEEP_MS = 10 * 60_000;

/**
 * Records outcomes of this worker's attempts and lets their channels go; a
 * row or channel it no longer holds (its lease ended and another worker took
 * it over) is left alone. A windowed channel is let go when its window has
 * room again (or later, at its `channelFreeAt`). Returns when each channel
 * may take its next message, by platform and channel.
 */
export async function recordOutcomes(
  db: Kysely<Database>,
  by: string,
  outcomes: readonly OutboxOutcome[],
  opts: { windowsOf?: WindowsOf; now?: Date } = {},
): Promise<{ platform: string; channelId: string; freeAt: Date }[]> {
  if (outcomes.length === 0) return [];
  const windowsOf: WindowsOf = opts.windowsOf ?? (() => undefined);
  const t = (opts.now ?? new Date()).getTime();
  return db.transaction().execute(async (tx) => {
    const windowed = outcomes.filter((o) => o.sendId !== undefined && windowsOf(o.platform));
    for (const o of windowed) {
      const entry = tx.updateTable('outbox_send');
      if (o.answeredAt) await entry.set({ at: o.answeredAt.toISOString(), answered: 1 }).where('id', '=', o.sendId!).where('answered', '=', 0).execute();
      else await tx.deleteFrom('outbox_send').where('id', '=', o.sendId!).where('answered', '=', 0).execute();
    }
    const recent = windowed.length ? await recentSends(tx, windowed.map((o) => ({ platform: o.platform, channel_id: o.channelId })), windowsOf, t) : new Map<string, number[]>();
    if (windowed.length) await tx.deleteFrom('outbox_send').where('at', '<', new Date(t - SEND_KEEP_MS).toISOString()).execute();
    const freed: { platform: string; channelId: string; freeAt: Date }[] = [];
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
      const windows = windowsOf(o.platform);
      const freeAt = new Date(
        windows ? Math.max(o.channelFreeAt.getTime(), windowFreeAt(recent.get(channelKey(o.platform, o.channelId)) ?? [], windows, t)) : o.channelFreeAt.getTime(),
      );
      freed.push({ platform: o.platform, channelId: o.channelId, freeAt });
      await tx
        .updateTable('outbox_channel')
        .set({ next_at: freeAt.toISOString(), held_by: null, held_until: null })
        .where('platform', '=', o.platform)
        .where('channel_id', '=', o.channelId)
        .where('held_by', '=', by)
        .execute();
    }
    return freed;
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
 * Forgets the text (and picture) of posts delivered before `before`: once
 * delivered nothing reads it again, and a township's lists of people are
 * personal data, masked or not, kept for nothing (a province's season is
 * hundreds of thousands of posts, gigabytes of text). The row stays: its key
 * still keeps the same post from being queued twice. Works in slices, with
 * the event loop let run between them, so that a large backlog never holds
 * the write lock or the bot long; returns how many were forgotten.
 */
export async function forgetDeliveredText(db: Kysely<Database>, before: Date, slice = 200): Promise<number> {
  const at = before.toISOString();
  let total = 0;
  for (;;) {
    // Read through outbox_text_kept, which holds only the rows with text:
    // a slice reads what it clears, never the season's posts cleared before.
    // 200 a slice: 200 province boards of 120 KB held the write lock 26 ms,
    // 2,000 of them 180 ms.
    const batch = await db.selectFrom('outbox').select('id').where('reply', '<>', '').where('delivered_at', '<', at).orderBy('delivered_at').orderBy('id').limit(slice).execute();
    if (batch.length > 0) {
      // Again `reply <> ''`: another replica's sweep may have cleared some since.
      const r = await db.updateTable('outbox').set({ reply: '', image: null }).where('id', 'in', batch.map((row) => row.id)).where('reply', '<>', '').executeTakeFirst();
      total += Number(r.numUpdatedRows ?? 0n);
    }
    if (batch.length < slice) return total;
    await otherWorkFirst();
  }
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

/** Forgets a destination's send window (a removed robot's): nothing is paced by it any more. */
export async function forgetSendWindow(db: Kysely<Database>, platform: string, channelId: string): Promise<void> {
  await db.deleteFrom('outbox_send').where('platform', '=', platform).where('channel_id', '=', channelId).execute();
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
