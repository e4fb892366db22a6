/**
 * The delivery worker: sends queued outbox rows through their platform.
 *
 * - Each row is claimed in the database (holder and lease) before it is sent,
 *   so two workers, or a restarted one, never send the same row at once.
 * - A row is marked delivered only after the platform accepted it.
 * - Failures retry with exponential backoff; a `RateLimited` answer waits the
 *   platform's `retryAfterMs` (for the row and its whole channel).
 * - At most one message per channel per `channelIntervalMs` (1 s by default,
 *   or the platform's own `minIntervalMs`, counted from the send), one at
 *   a time per channel, in queue order, across every replica: the
 *   channel is held in the database while a message is sent to it.
 * - A platform with rate `windows` (the group robots) is paced per channel
 *   by those windows instead, counted in the database by every replica from
 *   each request's answer (the latest the app can have counted it): a
 *   board's few messages go one after another at once, and a channel whose
 *   window is full waits only until it has room.
 * - A `DestinationFailing` answer (a robot the app refused) holds the row and
 *   its channel for the time it names instead of retrying it.
 * - After a restart, undelivered rows are picked up again; a row whose
 *   sender died mid-post is retried only when its lease ends.
 * - A platform with a `rate` (Slack per workspace, Discord per application)
 *   also draws from a token bucket in the database shared by every replica,
 *   and a 429 from it pauses all of its channels for the Retry-After.
 * - A post refused because the bot is not in the channel goes out without
 *   its image (with a note saying why), when the platform can take that.
 * - After `maxAttempts` failed attempts (a 429 or a held robot not counted) a row is dead-lettered: it is not
 *   tried again until `npm run cli -- outbox resend`, and the admins are told
 *   once, in the root area's leaders' channels (or the log when none is bound).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DestinationFailing, NotMember, RateLimited, type PlatformOutbound } from '../core/platform-port.ts';
import {
  claimOutbox,
  dueOutbox,
  enqueuePost,
  nextOutboxAttempt,
  pausePlatform,
  recordOutcomes,
  queuedPicture,
  readStoredReply,
  takePlatformTokens,
  takeUnannouncedDeadLetters,
  type DeadLetter,
  type OutboxOutcome,
  type ClaimedRow,
  type OutboxRow,
} from '../store/outbox.ts';
import { leadersChannels } from '../store/bindings.ts';
import { findRootArea } from '../store/areas.ts';
import { catalogue, type Catalogue } from '../i18n/index.ts';
import { drawChartPng } from '../board/chart.ts';
import { chartPng } from '../board/chart-images.ts';
import type { Reply } from '../core/reply.ts';
import type { Logger } from '../core/logger.ts';
import { otherWorkFirst } from '../db/other-work-first.ts';

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  platforms: readonly PlatformOutbound[];
  log: Logger;
  now?: () => Date;
  /** This worker's name in claims (default: a random id). */
  workerId?: string;
  /** Minimum time between two messages to one channel (default 1000 ms). */
  channelIntervalMs?: number;
  /** How long a claim holds if the worker dies mid-send (default 5 min). */
  leaseMs?: number;
  /** First retry delay after a failure, doubled each attempt up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often to look for new rows when nothing wakes the worker (default 1000 ms). */
  pollMs?: number;
  /** Rows looked at per pass. */
  batch?: number;
  /** Draws a stored chart (SVG) as PNG, off the event loop: the chart threads by default. */
  drawChart?: (svg: string) => Promise<Uint8Array>;
  /** Attempts after which a row is dead-lettered (default 8). */
  maxAttempts?: number;
  /** The words of the notes the worker adds (an image left out, a dead letter); zh-CN by default. */
  t?: Catalogue;
}

/** The prefix of a dead-letter notice's key: a notice that dies itself is not announced again. */
export const DEAD_NOTICE_PREFIX = 'dead-letter-notice:';

export interface OutboxWorker {
  readonly id: string;
  start(): void;
  /** Looks for due rows now (after something was queued). */
  kick(): void;
  /**
   * Stops. With `drain`, first delivers everything due (within `timeoutMs`);
   * then waits for sends in flight (within `timeoutMs`) and records them.
   */
  stop(opts?: { drain?: boolean; timeoutMs?: number }): Promise<void>;
  /**
   * Resolves true when every queued row of this worker's platforms is
   * delivered and nothing is in flight; false if that takes over `timeoutMs`.
   */
  idle(timeoutMs?: number): Promise<boolean>;
}

const COALESCE_MS = 5;

/** The delay before attempt n+1 after n failed attempts. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, log } = options;
  const now = options.now ?? (() => new Date());
  const id = options.workerId ?? `outbox-${randomUUID().slice(0, 8)}`;
  const defaultInterval = options.channelIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const baseBackoff = options.baseBackoffMs ?? 2000;
  const maxBackoff = options.maxBackoffMs ?? 15 * 60_000;
  const pollMs = options.pollMs ?? 1000;
  const batch = options.batch ?? 1000;
  const platforms = new Map(options.platforms.map((p) => [p.name, p]));
  const drawChart = options.drawChart ?? drawChartPng;
  const maxAttempts = options.maxAttempts ?? 8;
  const t = options.t ?? catalogue('zh-CN');
  /** Per platform with a rate: until when a 429 paused it (as this worker knows). */
  const pausedUntil = new Map<string, number>();
  let deadSeen = true;
  const windowsOf = (name: string) => platforms.get(name)?.windows;

  /**
   * The row's reply with its chart: drawn by the first sender of the post
   * (never in the transaction that queued it) and stored; read after that.
   * A chart dropped as too old goes out without its picture.
   */
  async function replyOf(row: { reply: string; image: string | null }): Promise<Reply> {
    const picture = queuedPicture(row);
    const chart = picture && 'chart' in picture ? picture.chart : null;
    const png = !chart ? null : 'svg' in chart ? await drawChart(chart.svg) : await chartPng(db, chart.id, drawChart);
    // The reply is read once the chart is drawn: a province's board read
    // before lived through the drawing's garbage collections, each copying
    // its thousands of cells on the event loop's thread.
    const reply = await readStoredReply(row.reply, otherWorkFirst);
    if (picture && 'image' in picture) reply.image = picture.image;
    else if (chart && png) reply.image = { png, filename: chart.filename, alt: chart.alt };
    return reply;
  }

  /** Channels with a send in flight, and when each channel may next be sent to. */
  const inFlight = new Map<string, Promise<void>>();
  const nextAt = new Map<string, number>();
  const outcomes: OutboxOutcome[] = [];
  const unknownPlatforms = new Set<string>();
  let started = false;
  let stopped = false;
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  /** Whether the last pass found work it could not do yet (due later, or waiting on a channel). */
  let pending = false;
  const idleWaiters: (() => void)[] = [];

  let timerAt = Infinity;
  function schedule(ms: number): void {
    if (stopped || !started) return;
    clearTimeout(timer);
    timerAt = Date.now() + Math.max(0, ms);
    timer = setTimeout(() => {
      timerAt = Infinity;
      void run();
    }, Math.max(0, ms));
  }

  function kick(): void {
    if (running) again = true;
    else schedule(0);
  }

  /**
   * After a send finishes: look again shortly, so that the outcomes of sends
   * finishing together are recorded in one transaction rather than one each.
   */
  function soon(): void {
    if (running) again = true;
    else if (timerAt > Date.now() + COALESCE_MS) schedule(COALESCE_MS);
  }

  function send(row: ClaimedRow) {
    const key = `${row.platform}\u0000${row.channelId}`;
    const platform = platforms.get(row.platform)!;
    // A windowed channel is paced by its window, settled when the outcome is recorded.
    const interval = platform.windows ? 0 : (platform.minIntervalMs ?? defaultInterval);
    /** Whether a request went out (and counts in the channel's window). */
    let requested = false;
    let startedAt = now().getTime();
    nextAt.set(key, startedAt + interval);
    const p = (async () => {
      const where = { id: row.id, platform: row.platform, channelId: row.channelId, sendId: row.sendId };
      const answered = () => (requested ? { answeredAt: now() } : {});
      try {
        const reply = await replyOf(row);
        // Pacing counts from the post itself, not from the chart's drawing before it.
        startedAt = now().getTime();
        nextAt.set(key, startedAt + interval);
        requested = true;
        try {
          await platform.post(row.channelId, reply);
        } catch (e) {
          if (!(e instanceof NotMember) || !e.withoutImage || !reply.image) throw e;
          // The bot cannot share a file there but may still post: the figures go
          // out now, with a note on how to get the chart there next time.
          log.warn('outbox: not a member of the channel; posting without the image', { id: row.id, platform: row.platform, error: e.message });
          const { image, ...bare } = reply;
          void image;
          await platform.post(row.channelId, { ...bare, footer: [bare.footer, t.outboxImageLeftOut()].filter(Boolean).join('\n') });
        }
        const at = now();
        // A fixed interval counts from the send (the platform's pace whatever
        // its answer time); a window counts this request at its answer, the
        // latest the app can have counted it.
        outcomes.push({ ...where, ...answered(), delivered: true, at, channelFreeAt: new Date(startedAt + interval) });
      } catch (e) {
        const at = now().getTime();
        // A 429 is pacing and a held robot is waiting for an admin's fix (it is
        // reported as failing already): neither counts toward giving up.
        const dead = !(e instanceof RateLimited) && !(e instanceof DestinationFailing) && row.attempts >= maxAttempts;
        const message = e instanceof Error ? e.message : String(e);
        if (dead) {
          log.error('outbox delivery given up: dead-lettered', { id: row.id, platform: row.platform, attempts: row.attempts, error: message });
          deadSeen = true;
          nextAt.set(key, startedAt + interval);
          outcomes.push({ ...where, ...answered(), delivered: false, dead: true, nextAttemptAt: new Date(at), error: message, channelFreeAt: new Date(startedAt + interval) });
        } else if (e instanceof RateLimited) {
          const until = at + Math.max(e.retryAfterMs, 0);
          // The platform refused this one, so the pacing counts from its
          // answer: the channel is free again when the platform says.
          nextAt.set(key, until);
          if (platform.rate) {
            // Slack's and Discord's limits are the workspace's and the
            // application's: every channel of the platform waits, on every replica.
            pausedUntil.set(row.platform, Math.max(pausedUntil.get(row.platform) ?? 0, until));
            await pausePlatform(db, row.platform, new Date(until), new Date(at)).catch((err: unknown) =>
              log.warn('outbox: could not record a platform pause', { platform: row.platform, err: err instanceof Error ? err.message : String(err) }),
            );
          }
          outcomes.push({ ...where, ...answered(), delivered: false, refund: true, nextAttemptAt: new Date(until), error: e.message, channelFreeAt: new Date(until) });
        } else if (e instanceof DestinationFailing) {
          // Held in the database only: an admin's fix releases the rows
          // there, and this worker must not keep its own older hold.
          const until = at + Math.max(e.holdMs, 0);
          nextAt.delete(key);
          outcomes.push({ ...where, delivered: false, refund: true, nextAttemptAt: new Date(until), error: e.message, channelFreeAt: new Date(until) });
        } else {
          const wait = backoffMs(row.attempts, baseBackoff, maxBackoff);
          log.warn('outbox delivery failed; will retry', { id: row.id, platform: row.platform, attempts: row.attempts, retryInMs: wait, error: message });
          outcomes.push({ ...where, ...answered(), delivered: false, nextAttemptAt: new Date(at + wait), error: message, channelFreeAt: new Date(startedAt + interval) });
        }
      } finally {
        inFlight.delete(key);
        soon();
      }
    })();
    inFlight.set(key, p);
  }

  /** Records finished sends; a windowed channel is next free when its window has room. */
  async function record(): Promise<void> {
    const freed = await recordOutcomes(db, id, outcomes.splice(0), { windowsOf, now: now() });
    for (const f of freed) if (windowsOf(f.platform)) nextAt.set(`${f.platform}\u0000${f.channelId}`, f.freeAt.getTime());
  }

  /**
   * Tells the admins, once, of posts given up on: a notice to each leaders'
   * channel of the root area (never to the channel that failed, nor about a
   * notice that failed itself), and always an error in the log.
   */
  async function announceDead(): Promise<void> {
    const dead = await takeUnannouncedDeadLetters(db, now());
    const real = dead.filter((d) => !d.what.startsWith(DEAD_NOTICE_PREFIX));
    if (real.length === 0) return;
    const root = await findRootArea(db);
    const channels = (await leadersChannels(db)).filter((c) => c.area_id === root?.id && platforms.has(c.platform));
    const describe = (d: DeadLetter) => t.outboxDeadItem({ id: d.id, platform: d.platform, what: d.what, error: d.lastError ?? '' });
    log.error('outbox: posts given up on; list and resend them with `npm run cli -- outbox`', { ids: real.map((d) => d.id), told: channels.length });
    for (const c of channels) {
      const about = real.filter((d) => !(d.platform === c.platform && d.channelId === c.channel_id));
      if (about.length === 0) continue;
      await enqueuePost(db, {
        platform: c.platform,
        channelId: c.channel_id,
        reply: { status: 'error', title: t.outboxDeadTitle({ count: about.length }), text: about.slice(0, 10).map(describe).join('\n'), footer: t.outboxDeadHint() },
        dedupeKey: `${DEAD_NOTICE_PREFIX}${c.platform}:${c.channel_id}:${about.map((d) => d.id).join(',')}`.slice(0, 500),
        now: now(),
      });
    }
    kick();
  }

  /** One pass: record finished sends, claim what may go now, start sending; returns when to look again. */
  async function pass(): Promise<number> {
    await record();
    if (deadSeen) {
      deadSeen = false;
      await announceDead();
    }
    if (stopped) return pollMs;
    const current = now();
    const t = current.getTime();
    const due = await dueOutbox(db, current, batch);
    /** Per channel, the row to send now (null: the channel must wait). */
    const chosen = new Map<string, OutboxRow | null>();
    let wake = pollMs;
    pending = false;
    for (const row of due) {
      const key = `${row.platform}\u0000${row.channelId}`;
      if (chosen.has(key) || inFlight.has(key)) {
        pending = true;
        continue;
      }
      if (!platforms.has(row.platform)) {
        if (!unknownPlatforms.has(row.platform)) log.warn('outbox row for a platform not running here; left queued', { platform: row.platform });
        unknownPlatforms.add(row.platform);
        continue;
      }
      const free = nextAt.get(key) ?? 0;
      if (free > t) {
        pending = true;
        wake = Math.min(wake, free - t);
        chosen.set(key, null);
        continue;
      }
      chosen.set(key, row);
    }
    const candidates: OutboxRow[] = [];
    const byPlatform = new Map<string, OutboxRow[]>();
    for (const row of chosen.values()) if (row) byPlatform.set(row.platform, [...(byPlatform.get(row.platform) ?? []), row]);
    for (const [name, rows] of byPlatform) {
      const rate = platforms.get(name)!.rate;
      if (!rate) {
        candidates.push(...rows);
        continue;
      }
      const paused = pausedUntil.get(name) ?? 0;
      if (paused > t) {
        pending = true;
        wake = Math.min(wake, paused - t);
        continue;
      }
      const grant = await takePlatformTokens(db, name, rows.length, current, rate);
      candidates.push(...rows.slice(0, grant.granted));
      if (grant.granted < rows.length) {
        pending = true;
        wake = Math.min(wake, Math.max(1, grant.waitMs));
      }
    }
    candidates.sort((a, b) => a.id - b.id);
    const { rows: claimed, waits } = await claimOutbox(db, candidates, { by: id, now: current, leaseMs, windowsOf });
    // A channel another replica is sending to, or has paced: look again at the next poll.
    if (claimed.length < candidates.length) pending = true;
    // A channel whose window is full (another replica's sends): look again when it frees.
    for (const w of waits) {
      nextAt.set(`${w.platform}\u0000${w.channelId}`, w.freeAt.getTime());
      wake = Math.min(wake, Math.max(1, w.freeAt.getTime() - t));
    }
    for (const row of claimed) send(row);
    if (!pending && inFlight.size === 0 && claimed.length === 0 && outcomes.length === 0) {
      // Nothing to do now: wake for the earliest retry, or report idle when none is left.
      const retryAt = await nextOutboxAttempt(db, [...platforms.keys()], current);
      if (retryAt) wake = Math.min(wake, Math.max(5, retryAt.getTime() - t));
      else for (const w of idleWaiters.splice(0)) w();
    }
    return wake;
  }

  async function run(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    let wake = pollMs;
    try {
      do {
        again = false;
        wake = await pass();
      } while (again && !stopped);
    } catch (e) {
      log.error('outbox pass failed', { err: e instanceof Error ? e.message : String(e) });
    } finally {
      running = false;
    }
    if (again) kick();
    else schedule(wake);
  }

  async function idle(timeoutMs = 30_000): Promise<boolean> {
    const done = new Promise<boolean>((resolve) => idleWaiters.push(() => resolve(true)));
    kick();
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (t = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([done, timeout]);
    clearTimeout(t);
    return result;
  }

  return {
    id,
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    kick,
    idle,
    async stop(opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 10_000;
      if (opts.drain && started && !stopped) await idle(timeoutMs);
      stopped = true;
      clearTimeout(timer);
      let t: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight.values()]), new Promise((r) => (t = setTimeout(r, timeoutMs)))]);
      clearTimeout(t);
      while (running) await new Promise((r) => setTimeout(r, 5));
      await record();
    },
  };
}
