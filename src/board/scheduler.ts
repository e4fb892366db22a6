/**
 * The daily board schedule. node-schedule fires at each configured time of
 * day in the campaign's zone, given explicitly, whatever the server's zone.
 * Every run is claimed in the database per (job, area, business date) before
 * anything is queued, so a run happens once across restarts and replicas.
 * At start, a run whose time passed earlier (within a grace window) while the
 * bot was down is made once, marked late; not one from before the campaign
 * was set up. No post before the campaign starts
 * or after its deadline. A time or zone that cannot be scheduled stops the
 * start with a clear error rather than never firing.
 */
import { randomUUID } from 'node:crypto';
import schedule, { type Job } from 'node-schedule';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { BoardTime } from '../config.ts';
import { EnrollbotError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Catalogue } from '../i18n/index.ts';
import { addDays, businessDate, isValidTimeZone, zonedInstant } from '../domain/calendar.ts';
import { getCurrentCampaign } from '../store/campaigns.ts';
import { lockJob } from '../db/job-lock.ts';
import { planBoards, storeBoards, type PublishedPost } from './publish.ts';

export interface BoardSchedulerOptions {
  db: Kysely<Database>;
  /** Times of day, in the campaign's zone. */
  boardAt: readonly BoardTime[];
  /** How long after a missed time a late post is still made at start. */
  graceMs: number;
  t: Catalogue;
  demo: boolean;
  log: Logger;
  now?: () => Date;
  /** This process's name in claims. */
  instanceId?: string;
  /** Called after a run queued posts (wakes the outbox worker). */
  onQueued?: () => void;
  /**
   * How often the campaign's zone is read again (default a minute): an admin's
   * `campaign zone` on any replica moves every replica's schedule.
   */
  zoneCheckMs?: number;
  /** Called after the schedule moved to the campaign's new zone (the backup follows it). */
  onZoneChanged?: (zone: string) => void;
}

export interface BoardScheduler {
  /** The zone the schedule runs in now: the campaign's, as last read. */
  readonly timeZone: string;
  /** Reads the campaign's zone now and moves the schedule if it changed; resolves with the zone in force. */
  refreshZone(): Promise<string>;
  /** The next firing instant of each configured time. */
  nextRuns(): Date[];
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** `18:00` */
export const slotName = (t: BoardTime) => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;

/**
 * Runs one slot for one business date: reads every area's board, then
 * stores the posts of those not claimed already, in one transaction. Returns what was published (empty when
 * outside the campaign or already done).
 */
export async function runBoardSlot(
  opts: Pick<BoardSchedulerOptions, 'db' | 't' | 'demo' | 'log'> & { slot: string; businessDate: string; late: boolean; now: Date; instanceId: string },
): Promise<PublishedPost[]> {
  const { db, log } = opts;
  const campaign = await getCurrentCampaign(db);
  if (opts.businessDate < campaign.start_date || opts.businessDate > campaign.deadline) {
    log.info('board not posted: outside the campaign', { slot: opts.slot, date: opts.businessDate, start: campaign.start_date, deadline: campaign.deadline });
    return [];
  }
  const input = {
    campaign,
    businessDate: opts.businessDate,
    slot: opts.slot,
    kind: 'scheduled' as const,
    late: opts.late,
    now: opts.now,
    t: opts.t,
    demo: opts.demo,
    claimedBy: opts.instanceId,
  };
  // The boards are read before the transaction: it holds SQLite's write lock, and chat writes wait for it.
  const planned = await planBoards(db, input);
  const published = await db.transaction().execute(async (tx) => {
    // Replicas firing at the same time take turns; the second finds every area claimed.
    await lockJob(tx, 'board');
    return storeBoards(tx, planned, input);
  });
  if (published.length) {
    log.info('board posted', { slot: opts.slot, date: opts.businessDate, late: opts.late, posts: published.map((p) => `${p.areaName}#${p.seq}`) });
  }
  return published;
}

/** Checks the times, reads the campaign's zone, makes any late post, and schedules the rest. */
export async function startBoardScheduler(opts: BoardSchedulerOptions): Promise<BoardScheduler> {
  const { db, log } = opts;
  const now = opts.now ?? (() => new Date());
  const instanceId = opts.instanceId ?? `board-${randomUUID().slice(0, 8)}`;
  if (opts.boardAt.length === 0) throw new EnrollbotError('schedule_invalid', 'ENROLLBOT_BOARD_AT: no board time given (e.g. 18:00)');
  for (const t of opts.boardAt) {
    if (!Number.isInteger(t.hour) || !Number.isInteger(t.minute) || t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59) {
      throw new EnrollbotError('schedule_invalid', `board time ${t.hour}:${t.minute} is not a time of day (HH:MM, 00:00 to 23:59)`);
    }
  }
  if (!(opts.graceMs >= 0)) throw new EnrollbotError('schedule_invalid', 'the late-post grace window must be 0 or more hours');
  const campaign = await getCurrentCampaign(db);
  const zone = campaign.time_zone;
  if (!isValidTimeZone(zone)) {
    throw new EnrollbotError('schedule_invalid', `the campaign's time zone "${zone}" is not a time zone (e.g. Asia/Shanghai); the board cannot be scheduled`);
  }

  let running = 0;
  let waiters: (() => void)[] = [];
  let stopped = false;
  const track = async (work: () => Promise<unknown>) => {
    running++;
    try {
      await work();
    } catch (e) {
      log.error('board run failed', { err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) });
    } finally {
      running--;
      if (running === 0) for (const w of waiters.splice(0)) w();
    }
  };
  const run = (slot: string, businessDate: string, late: boolean) =>
    track(async () => {
      const published = await runBoardSlot({ db, t: opts.t, demo: opts.demo, log, slot, businessDate, late, now: now(), instanceId });
      if (published.length) opts.onQueued?.();
    });

  // Catch up: a time that passed, today or late yesterday, within the grace
  // window, and after the campaign was set up (a new database missed nothing).
  const at = now();
  const today = businessDate(at, zone);
  const since = Date.parse(campaign.created_at);
  for (const t of opts.boardAt) {
    for (const date of [addDays(today, -1), today]) {
      const due = zonedInstant(date, t.hour, t.minute, zone);
      const ago = at.getTime() - due.getTime();
      if (ago > 0 && ago <= opts.graceMs && due.getTime() >= since) await run(slotName(t), date, true);
    }
  }

  let jobs: Job[] = [];
  let zoneInForce = zone;
  /** node-schedule jobs for every time in a zone; all or none. */
  const scheduleIn = (z: string): Job[] => {
    const made: Job[] = [];
    for (const t of opts.boardAt) {
      const slot = slotName(t);
      const job = schedule.scheduleJob({ hour: t.hour, minute: t.minute, second: 0, tz: z }, (fireDate: Date) => {
        if (stopped) return;
        // The business date of the time it was meant to fire, in the zone it was scheduled in.
        void run(slot, businessDate(fireDate ?? now(), z), false);
      }) as Job | null;
      if (!job) {
        for (const j of made) j.cancel();
        throw new EnrollbotError('schedule_invalid', `the board time ${slot} in ${z} could not be scheduled`);
      }
      made.push(job);
    }
    return made;
  };
  jobs = scheduleIn(zone);
  log.info('board scheduled', { times: opts.boardAt.map(slotName), zone, next: jobs.map((j) => j.nextInvocation()?.toISOString()) });

  let checking: Promise<string> | null = null;
  const refreshZone = (): Promise<string> => {
    // One read at a time: a timer tick and an explicit refresh share it.
    checking ??= (async () => {
      try {
        const current = (await getCurrentCampaign(db)).time_zone;
        if (stopped || current === zoneInForce) return zoneInForce;
        if (!isValidTimeZone(current)) {
          log.error('board schedule kept: the campaign\'s time zone is not a time zone', { zone: current, kept: zoneInForce });
          return zoneInForce;
        }
        const moved = scheduleIn(current);
        for (const j of jobs) j.cancel();
        jobs = moved;
        const was = zoneInForce;
        zoneInForce = current;
        log.info('board schedule moved to the campaign\'s time zone', { from: was, zone: current, next: jobs.map((j) => j.nextInvocation()?.toISOString()) });
        opts.onZoneChanged?.(current);
        return current;
      } catch (e) {
        log.error('reading the campaign\'s time zone failed', { err: e instanceof Error ? e.message : String(e) });
        return zoneInForce;
      } finally {
        checking = null;
      }
    })();
    return checking;
  };
  const zoneTimer = setInterval(() => void refreshZone(), opts.zoneCheckMs ?? 60_000);
  zoneTimer.unref();

  return {
    get timeZone() {
      return zoneInForce;
    },
    refreshZone,
    nextRuns: () => jobs.map((j) => j.nextInvocation()).filter((d): d is Date => d !== null).map((d) => new Date(d.getTime())),
    idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    async stop() {
      stopped = true;
      clearInterval(zoneTimer);
      await checking;
      for (const j of jobs) j.cancel();
      if (running > 0) await new Promise<void>((r) => waiters.push(r));
      waiters = [];
    },
  };
}
