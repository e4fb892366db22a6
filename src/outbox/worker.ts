/**
 * The delivery worker: sends queued outbox rows through their platform.
 *
 * - Each row is claimed in the database (holder and lease) before it is sent,
 *   so two workers, or a restarted one, never send the same row at once.
 * - A row is marked delivered only after the platform accepted it.
 * - Failures retry with exponential backoff; a `RateLimited` answer waits the
 *   platform's `retryAfterMs` (for the row and its whole channel).
 * - At most one message per channel per `channelIntervalMs` (1 s by default,
 *   or the platform's own `minIntervalMs`, counted from its answer), one at
 *   a time per channel, in queue order, across every replica: the
 *   channel is held in the database while a message is sent to it.
 * - A `DestinationFailing` answer (a robot the app refused) holds the row and
 *   its channel for the time it names instead of retrying it.
 * - After a restart, undelivered rows are picked up again; a row whose
 *   sender died mid-post is retried only when its lease ends.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DestinationFailing, RateLimited, type PlatformOutbound } from '../core/platform-port.ts';
import { claimOutbox, dueOutbox, nextOutboxAttempt, recordOutcomes, storedPost, type OutboxOutcome, type OutboxRow } from '../store/outbox.ts';
import { drawChartPng } from '../board/chart.ts';
import { chartPng } from '../board/chart-images.ts';
import type { Reply } from '../core/reply.ts';
import type { Logger } from '../core/logger.ts';

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
}

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

  /**
   * The row's reply with its chart: drawn by the first sender of the post
   * (never in the transaction that queued it) and stored; read after that.
   * A chart dropped as too old goes out without its picture.
   */
  async function replyOf(row: { reply: string; image: string | null }): Promise<Reply> {
    const { reply, chart } = storedPost(row);
    if (!chart) return reply;
    const png = 'svg' in chart ? await drawChart(chart.svg) : await chartPng(db, chart.id, drawChart);
    if (png) reply.image = { png, filename: chart.filename, alt: chart.alt };
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

  function send(row: { id: number; platform: string; channelId: string; attempts: number; reply: string; image: string | null }) {
    const key = `${row.platform}\u0000${row.channelId}`;
    const platform = platforms.get(row.platform)!;
    const interval = platform.minIntervalMs ?? defaultInterval;
    let startedAt = now().getTime();
    nextAt.set(key, startedAt + interval);
    const p = (async () => {
      const where = { id: row.id, platform: row.platform, channelId: row.channelId };
      try {
        const reply = await replyOf(row);
        // Pacing counts from the post itself, not from the chart's drawing before it.
        startedAt = now().getTime();
        nextAt.set(key, startedAt + interval);
        await platform.post(row.channelId, reply);
        const at = now();
        // A platform with its own interval (a group robot, whose app counts
        // arrivals per minute) is paced from its answer, so the next message
        // cannot arrive early however slow this one was.
        const free = platform.minIntervalMs !== undefined ? at.getTime() + interval : startedAt + interval;
        if (platform.minIntervalMs !== undefined) nextAt.set(key, free);
        outcomes.push({ ...where, delivered: true, at, channelFreeAt: new Date(free) });
      } catch (e) {
        const t = now().getTime();
        if (e instanceof RateLimited) {
          const until = t + Math.max(e.retryAfterMs, 0);
          // The platform refused this one, so the pacing counts from its
          // answer: the channel is free again when the platform says.
          nextAt.set(key, until);
          outcomes.push({ ...where, delivered: false, nextAttemptAt: new Date(until), error: e.message, channelFreeAt: new Date(until) });
        } else if (e instanceof DestinationFailing) {
          // Held in the database only: an admin's fix releases the rows
          // there, and this worker must not keep its own older hold.
          const until = t + Math.max(e.holdMs, 0);
          nextAt.delete(key);
          outcomes.push({ ...where, delivered: false, nextAttemptAt: new Date(until), error: e.message, channelFreeAt: new Date(until) });
        } else {
          const wait = backoffMs(row.attempts, baseBackoff, maxBackoff);
          const message = e instanceof Error ? e.message : String(e);
          log.warn('outbox delivery failed; will retry', { id: row.id, platform: row.platform, attempts: row.attempts, retryInMs: wait, error: message });
          outcomes.push({ ...where, delivered: false, nextAttemptAt: new Date(t + wait), error: message, channelFreeAt: new Date(startedAt + interval) });
        }
      } finally {
        inFlight.delete(key);
        soon();
      }
    })();
    inFlight.set(key, p);
  }

  /** One pass: record finished sends, claim what may go now, start sending; returns when to look again. */
  async function pass(): Promise<number> {
    await recordOutcomes(db, id, outcomes.splice(0));
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
    const candidates = [...chosen.values()].filter((v): v is OutboxRow => v !== null);
    const claimed = await claimOutbox(db, candidates, { by: id, now: current, leaseMs });
    // A channel another replica is sending to, or has paced: look again at the next poll.
    if (claimed.length < candidates.length) pending = true;
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
      await recordOutcomes(db, id, outcomes.splice(0));
    },
  };
}
