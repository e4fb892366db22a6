/**
 * When lapse work runs on its own: the monthly scan (the 5th at 09:00 in the
 * campaign zone, moved to the next working day) and the weekly re-reminder
 * of open cases (working days, 08:30–20:30). The decisions are pure
 * functions; `lapseTick` applies them, and `scheduleLapse` runs the tick
 * every few minutes with node-schedule, so a restart never loses a due run.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { Logger } from '../core/logger.ts';
import { businessDate } from '../domain/calendar.ts';
import { lockJob } from '../db/job-lock.ts';
import { LAST_REMINDER, LAST_SCAN, scanMonthProblem } from './scan-month.ts';
import { addMonths } from '../domain/months.ts';
import { isReminderTime, monthlyScanInstant, reminderDue, uncoveredHolidayYears } from '../domain/workdays.ts';
import { findCurrentCampaign } from '../store/campaigns.ts';
import { getSetting, putSetting } from '../store/settings.ts';
import { getCurrentCampaign } from '../store/campaigns.ts';
import { enqueueLapseReminders } from './reminders.ts';
import { scanAndRemind } from './run-scan.ts';

/**
 * The month the monthly scan should screen now, or null when none is due. A
 * scan missed on its day (the bot was down) is made on the next working day
 * within reminder hours, never at night: its digests go out at once.
 */
export function monthlyScanDue(now: Date, timeZone: string, lastScannedMonth: string | null): string | null {
  const month = businessDate(now, timeZone).slice(0, 7);
  if (now.getTime() < monthlyScanInstant(month, timeZone).getTime()) return null;
  if (!isReminderTime(now, timeZone)) return null;
  const target = addMonths(month, -1);
  return lastScannedMonth !== null && lastScannedMonth >= target ? null : target;
}

export interface LapseScheduleDeps {
  db: Kysely<Database>;
  /** The deployment's catalogue (posts are in its language). */
  t: Catalogue;
  log: Logger;
  now?: () => Date;
  /** Days between re-reminders of open cases (default 7). */
  reminderIntervalDays?: number;
}

export { LAST_REMINDER, LAST_SCAN } from './scan-month.ts';

/**
 * The years that the current campaign and the schedule reach and the holiday
 * table does not cover (see `uncoveredHolidayYears`); those years keep only
 * the statutory days off, so the start log and `/healthz` name them.
 */
export async function holidayYearsMissing(db: Kysely<Database>, now: Date): Promise<number[]> {
  const campaign = await findCurrentCampaign(db);
  if (!campaign) return [];
  return uncoveredHolidayYears({ start: campaign.start_date, deadline: campaign.deadline, now, timeZone: campaign.time_zone });
}

/** Runs whatever is due now; returns what it did. */
export async function lapseTick(deps: LapseScheduleDeps): Promise<{ scanned: string | null; reminded: boolean }> {
  const now = (deps.now ?? (() => new Date()))();
  return deps.db.transaction().execute(async (tx) => {
    // Replicas take turns: the second one reads the first one's settings and finds nothing due.
    await lockJob(tx, 'lapse');
    // Read at every tick: an admin's `campaign zone` moves the scan and the reminders on every replica.
    const timeZone = (await getCurrentCampaign(tx)).time_zone;
    const lastScan = (await getSetting(tx, LAST_SCAN)) ?? null;
    const month = monthlyScanDue(now, timeZone, lastScan);
    // A month whose contributions are not imported yet (none at all, or not
    // that month's) stays due rather than counting everyone as lapsed: it is
    // screened at the first tick after its file is imported.
    const waiting = month ? await scanMonthProblem(tx, { month, now, timeZone }) : null;
    if (month && waiting) deps.log.debug('lapse scan waits', { month, for: waiting.kind });
    if (month && !waiting) {
      const r = await scanAndRemind(tx, { month, now, t: deps.t, key: `scan:${month}` });
      await putSetting(tx, LAST_SCAN, month);
      await putSetting(tx, LAST_REMINDER, now.toISOString());
      deps.log.info('lapse scan', { month, opened: r.opened, updated: r.updated, closed: r.closed, posts: r.posts });
      return { scanned: month, reminded: true };
    }
    const lastReminder = await getSetting(tx, LAST_REMINDER);
    if (lastScan && reminderDue(now, lastReminder ? new Date(lastReminder) : null, timeZone, deps.reminderIntervalDays)) {
      const day = businessDate(now, timeZone);
      const posts = await enqueueLapseReminders(tx, { now, month: lastScan, t: deps.t, key: `weekly:${day}`, weekly: true });
      await putSetting(tx, LAST_REMINDER, now.toISOString());
      deps.log.info('lapse weekly reminder', { month: lastScan, posts });
      return { scanned: null, reminded: true };
    }
    return { scanned: null, reminded: false };
  });
}

/** The part of node-schedule used here. */
export interface Scheduler {
  scheduleJob(rule: string, callback: () => void): { cancel(): boolean } | null;
}

/**
 * Checks at once, then every 10 minutes, whether lapse work is due
 * (node-schedule's `scheduleJob`): a run missed while the bot was down is
 * made as soon as it is back. `idle()` resolves when no tick is running.
 */
export function scheduleLapse(schedule: Scheduler, deps: LapseScheduleDeps): { cancel(): void; idle(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(() =>
      lapseTick(deps).then(
        () => {},
        (e: unknown) => deps.log.error('lapse schedule failed', { err: e instanceof Error ? e.message : String(e) }),
      ),
    );
  };
  const job = schedule.scheduleJob('*/10 * * * *', tick);
  tick();
  return { cancel: () => void job?.cancel(), idle: () => running };
}
