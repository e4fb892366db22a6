/**
 * What runs beside the chat: the outbox delivery worker, the daily board
 * schedule and the lapse schedule. One start function with one stop handle, shared by `npm start`
 * (console included, so posts print there) and the tests.
 */
import type { Config } from './config.ts';
import type { App } from './app.ts';
import type { Logger } from './core/logger.ts';
import type { PlatformOutbound } from './core/platform-port.ts';
import { catalogue } from './i18n/index.ts';
import { createOutboxWorker, type OutboxWorker } from './outbox/worker.ts';
import { warmChartThreads } from './board/chart.ts';
import { startBoardScheduler, type BoardScheduler } from './board/scheduler.ts';
import schedule from 'node-schedule';
import { holidayYearsMissing, scheduleLapse } from './lapse/schedule.ts';
import { nightlyBackupDir, runNightlyBackup } from './ops/nightly-backup.ts';
import { pruneHandled } from './store/inbound.ts';
import { forgetDeliveredText } from './store/outbox.ts';

export interface Background {
  worker: OutboxWorker;
  scheduler: BoardScheduler;
  /** When the nightly backup runs next (null: none, on PostgreSQL or with ENROLLBOT_BACKUP_KEEP=0). */
  nextBackup(): Date | null;
  /** Stops the schedule, then the worker (delivering what is due first with `drain`). */
  stop(opts?: { drain?: boolean; timeoutMs?: number }): Promise<void>;
}

export interface BackgroundOptions {
  app: App;
  config: Config;
  platforms: readonly PlatformOutbound[];
  log: Logger;
  now?: () => Date;
  /** How often the worker looks for queued posts (default 250 ms, so chat posts appear promptly). */
  pollMs?: number;
  channelIntervalMs?: number;
  /** How often the schedules read the campaign's time zone again (default a minute). */
  zoneCheckMs?: number;
}

/**
 * Starts the worker and the schedule; a late post due at start is queued (and
 * the worker woken) before this returns. Throws `schedule_invalid` when the
 * schedule cannot be set up, with nothing left running.
 */
export async function startBackground(opts: BackgroundOptions): Promise<Background> {
  const { app, config, log } = opts;
  const worker = createOutboxWorker({
    db: app.database.db,
    platforms: opts.platforms,
    log,
    now: opts.now,
    pollMs: opts.pollMs ?? 250,
    channelIntervalMs: opts.channelIntervalMs,
    leaseMs: config.outboxLeaseMs,
    maxAttempts: config.outboxMaxAttempts,
    t: catalogue(config.locale),
  });
  // The chart threads open their font now, not when the first board is due.
  warmChartThreads().catch((e: unknown) => log.warn('chart threads could not start; charts are drawn when first needed', { err: e instanceof Error ? e.message : String(e) }));
  let backup: NightlyBackupSchedule | null = null;
  const scheduler = await startBoardScheduler({
    db: app.database.db,
    boardAt: config.boardAt,
    graceMs: config.boardGraceHours * 3_600_000,
    t: catalogue(config.locale),
    demo: app.demo,
    log,
    now: opts.now,
    onQueued: () => worker.kick(),
    ...(opts.zoneCheckMs === undefined ? {} : { zoneCheckMs: opts.zoneCheckMs }),
    // The backup keeps to the campaign's zone too.
    onZoneChanged: (zone) => backup?.moveTo(zone),
  });
  // The monthly lapse scan and the weekly re-reminders: a tick at start and
  // every ten minutes that does whatever is due, so a restart never loses a run.
  const missing = await holidayYearsMissing(app.database.db, (opts.now ?? (() => new Date()))());
  if (missing.length) {
    log.warn('holiday calendar does not cover a campaign or schedule year', {
      years: missing,
      hint: 'only the statutory days off are kept there, no bridging or make-up days; `npm update chinese-days` once the State Council publishes the year',
    });
  }
  const lapse = scheduleLapse(schedule, { db: app.database.db, t: catalogue(config.locale), log, now: opts.now });
  backup = scheduleNightlyBackup(opts, scheduler.timeZone);
  const retention = scheduleRetention(opts);
  worker.start();
  return {
    worker,
    scheduler,
    nextBackup: () => backup?.next() ?? null,
    async stop(stopOpts = {}) {
      lapse.cancel();
      backup?.cancel();
      await retention.stop();
      await lapse.idle();
      await scheduler.stop();
      await worker.stop(stopOpts);
    },
  };
}

interface NightlyBackupSchedule {
  /** Reschedules the backup at the same time of day in another zone. */
  moveTo(zone: string): void;
  next(): Date | null;
  cancel(): void;
}

/**
 * The nightly SQLite backup (none on PostgreSQL, or with ENROLLBOT_BACKUP_KEEP=0),
 * at ENROLLBOT_BACKUP_AT in the campaign's zone, which it follows when it changes.
 */
function scheduleNightlyBackup({ app, config, log }: BackgroundOptions, zone: string): NightlyBackupSchedule | null {
  const file = app.database.file;
  if (!file || config.backup.keep === 0) return null;
  const dir = nightlyBackupDir(config.backup.dir, file);
  const scheduleIn = (tz: string) =>
    schedule.scheduleJob({ hour: config.backup.at.hour, minute: config.backup.at.minute, tz }, () => {
      runNightlyBackup({ databaseUrl: config.databaseUrl, dir, keep: config.backup.keep, now: new Date(), timeZone: tz }).then(
        (r) => log.info('nightly backup', { file: r.file, created: r.created, removed: r.removed.length }),
        (e: unknown) => log.error('nightly backup failed', { err: e instanceof Error ? e.message : String(e) }),
      );
    });
  let job = scheduleIn(zone);
  return {
    moveTo(tz) {
      job?.cancel();
      job = scheduleIn(tz);
    },
    next: () => {
      const at = job?.nextInvocation();
      return at ? new Date(at.getTime()) : null;
    },
    cancel: () => void job?.cancel(),
  };
}

/** How often stored replies and delivered posts' text past the dedupe window are deleted. */
const RETENTION_EVERY_MS = 3_600_000;

/**
 * Stored replies and the text of delivered posts are kept only for the
 * dedupe window (`ENROLLBOT_DEDUPE_DAYS`): past it a platform no longer
 * retries a message, nothing sends a delivered post again, and either is
 * personal data kept for nothing. Pruned at start, then hourly.
 */
function scheduleRetention({ app, config, log, now }: BackgroundOptions): { stop(): Promise<void> } {
  const clock = now ?? (() => new Date());
  let running: Promise<void> = Promise.resolve();
  const failed = (what: string) => (e: unknown) => log.error(what, { err: e instanceof Error ? e.message : String(e) });
  const prune = () => {
    const before = new Date(clock().getTime() - config.dedupeDays * 86_400_000);
    const db = app.database.db;
    running = Promise.all([
      pruneHandled(db, before).then((n) => {
        if (n > 0) log.info('stored replies past the dedupe window deleted', { rows: n, days: config.dedupeDays });
      }, failed('pruning stored replies failed')),
      forgetDeliveredText(db, before).then((n) => {
        if (n > 0) log.info('text of delivered posts past the dedupe window deleted', { rows: n, days: config.dedupeDays });
      }, failed('deleting the text of delivered posts failed')),
    ]).then(() => undefined);
  };
  prune();
  const timer = setInterval(prune, RETENTION_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
