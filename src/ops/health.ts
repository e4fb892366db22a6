/**
 * The health report behind `GET /healthz`: does the database answer and take
 * a write (a full or read-only disk fails pays; it must fail the probe too), is every
 * configured chat platform connected, and when did the scheduled work last
 * run. Built from small sources so the HTTP side stays trivial and tests can
 * hand in a database that never answers: every database read is bounded by a
 * short timeout, so a hung database gives a 503, not a hung probe. The report
 * holds no personal data and no configuration values.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { pingDatabase, probeWrite } from '../store/health-probe.ts';
import type { Logger } from '../core/logger.ts';
import type { PlatformStatus } from '../core/platform-port.ts';
import { boardJob } from '../board/publish.ts';
import { lastFinishedRun } from '../store/job-claims.ts';
import { getSetting } from '../store/settings.ts';
import { newestNightlyBackup } from './nightly-backup.ts';
import { holidayYearsMissing, LAST_REMINDER, LAST_SCAN } from '../lapse/schedule.ts';
import { HOLIDAY_YEARS } from '../domain/workdays.ts';
import { failingRobots } from '../store/robots.ts';
import { deadLetterCount } from '../store/outbox.ts';

/** A group robot its app refused (bad key, signature, keyword, removed): its posts are held until it is fixed. */
export interface FailingRobot {
  robot: string;
  app: string;
  /** What the app said, e.g. `key: 93000 invalid webhook url`; never the URL or secret. */
  problem: string;
  since: string | null;
}

/** When each piece of scheduled work last ran; null when it never has (or the database did not say). */
export interface LastRuns {
  /** The latest scheduled board run that posted (an ISO instant). */
  board: string | null;
  /** The month the latest monthly lapse scan screened (`2026-10`). */
  lapseScan: string | null;
  /** The latest lapse reminder round, monthly or weekly (an ISO instant). */
  lapseReminder: string | null;
  /** When the newest nightly SQLite copy was written (an ISO instant); null on PostgreSQL or with no backups. */
  backup: string | null;
}

/** What the report is built from. */
export interface HealthSources {
  /** A trivial query; rejects, or never settles, when the database cannot answer. */
  pingDatabase(): Promise<void>;
  /**
   * A small write that is rolled back; rejects when the database cannot take
   * writes (disk full, read-only file or server). Absent: reads alone are checked.
   */
  probeWrite?: () => Promise<void>;
  /** The database's record of the scheduled runs. */
  lastRuns(): Promise<Omit<LastRuns, 'backup'>>;
  /** The campaign or schedule years the holiday table does not cover. */
  holidayYearsMissing?: () => Promise<number[]>;
  /** When the newest nightly backup was written, if backups are taken. */
  lastBackup?: () => Promise<Date | null>;
  /** The chat platforms configured (not the console): each must be connected. */
  platforms: readonly { readonly name: string; status(): PlatformStatus }[];
  /** Group robots their apps refused. */
  failingRobots?: () => Promise<FailingRobot[]>;
  /** Posts given up on (dead letters): how many, and when the oldest was. */
  deadLetters?: () => Promise<{ count: number; oldest: string | null }>;
  /** How long the process has run, in milliseconds. */
  uptimeMs(): number;
  log?: Logger;
}

/** The `/healthz` body. */
export interface HealthReport {
  status: 'ok' | 'unhealthy';
  /** What makes it unhealthy, e.g. `database: timeout`, `discord: connecting`; empty when ok. */
  problems: string[];
  database: { ok: boolean; ms: number; error?: DatabaseProblem };
  platforms: Record<string, PlatformStatus>;
  lastRuns: LastRuns;
  /**
   * Group robots whose posts are held because their app refused them; an
   * admin fixes them (`robot test`). They do not make the bot unhealthy:
   * restarting it would not fix a robot.
   */
  robots: { failing: FailingRobot[] };
  /**
   * Posts the outbox gave up on after too many attempts: they wait for an
   * admin (`npm run cli -- outbox`). A warning, not unhealthy: a restart
   * would not deliver them.
   */
  outbox: { dead: number; oldestDead: string | null };
  /** The holiday table: its last year, and the campaign or schedule years it lacks (they keep only the statutory days off). */
  holidays: { coveredThrough: number; missingYears: number[] };
  /** What an operator should see to but does not make the bot unhealthy, e.g. `holidays: 2027 not covered`. */
  warnings: string[];
  uptimeSeconds: number;
}

/**
 * Why the database is unhealthy: it did not answer in time, did not answer at
 * all, or answered reads but refused the write probe because its disk is full,
 * because it is read-only, or for another reason (`unwritable`).
 */
export type DatabaseProblem = 'timeout' | 'unreachable' | 'full' | 'read_only' | 'unwritable';

/** The write probe's failure by its error code (SQLite and PostgreSQL), never by message text. */
export function writeProblem(error: unknown): DatabaseProblem {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  // SQLite: SQLITE_FULL (also max_page_count); PostgreSQL: 53100 disk_full.
  if (code.startsWith('SQLITE_FULL') || code === '53100') return 'full';
  // SQLite: SQLITE_READONLY*; PostgreSQL: 25006 read_only_sql_transaction (a standby, default_transaction_read_only).
  if (code.startsWith('SQLITE_READONLY') || code === '25006') return 'read_only';
  return 'unwritable';
}

/** How long the database may take to answer a probe, by default. */
export const HEALTH_DB_TIMEOUT_MS = 2000;

const TIMED_OUT = Symbol('timed out');

/** Settles with `work`'s result, or with TIMED_OUT after `ms`; the timer never holds the process open. */
async function within<T>(ms: number, work: () => Promise<T>): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(work), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The database half of the sources: a one-row read of a real table, and the runs' records. */
export function databaseHealthSources(
  db: Kysely<Database>,
  now: () => Date = () => new Date(),
): Pick<HealthSources, 'pingDatabase' | 'probeWrite' | 'lastRuns' | 'holidayYearsMissing'> {
  return {
    pingDatabase: () => pingDatabase(db),
    probeWrite: () => probeWrite(db),
    async lastRuns() {
      // Scheduled board runs are claimed as `board@HH:MM`; `board post` runs as `board-post@…`.
      const board = await lastFinishedRun(db, boardJob('scheduled', ''));
      const lapseScan = (await getSetting(db, LAST_SCAN)) ?? null;
      const lapseReminder = (await getSetting(db, LAST_REMINDER)) ?? null;
      return { board, lapseScan, lapseReminder };
    },
    holidayYearsMissing: () => holidayYearsMissing(db, now()),
  };
}

/**
 * Builds the report. Healthy when the database answered within `timeoutMs`
 * (the ping, the write probe and the reads of the last runs together), took
 * the write probe, and every platform is connected. Never throws.
 */
export async function checkHealth(sources: HealthSources, opts: { timeoutMs?: number } = {}): Promise<HealthReport> {
  const timeoutMs = opts.timeoutMs ?? HEALTH_DB_TIMEOUT_MS;
  const problems: string[] = [];
  const lastRuns: LastRuns = { board: null, lapseScan: null, lapseReminder: null, backup: null };
  let missingYears: number[] = [];

  const began = performance.now();
  let ms = 0;
  let error: HealthReport['database']['error'];
  try {
    const outcome = await within(timeoutMs, async () => {
      await sources.pingDatabase();
      ms = Math.round(performance.now() - began);
      let refused: { error: unknown } | null = null;
      try {
        await sources.probeWrite?.();
      } catch (e) {
        refused = { error: e };
      }
      return { runs: await sources.lastRuns(), refused, missing: (await sources.holidayYearsMissing?.()) ?? [] };
    });
    if (outcome === TIMED_OUT) error = 'timeout';
    else {
      Object.assign(lastRuns, outcome.runs);
      if (outcome.refused) {
        const e = outcome.refused.error;
        error = writeProblem(e);
        sources.log?.warn('health: database refused the write probe', {
          code: String((e as { code?: unknown } | null)?.code ?? ''),
          err: e instanceof Error ? e.message : String(e),
        });
      }
      missingYears = outcome.missing;
    }
  } catch (e) {
    error = 'unreachable';
    // The reason goes to the log for the operator, never into the response.
    sources.log?.warn('health: database check failed', { err: e instanceof Error ? e.message : String(e) });
  }
  if (error) {
    ms = Math.round(performance.now() - began);
    problems.push(`database: ${error}`);
  }

  const backup = await sources.lastBackup?.();
  if (backup) lastRuns.backup = backup.toISOString();

  let failing: FailingRobot[] = [];
  if (!error && sources.failingRobots) {
    const read = sources.failingRobots;
    const outcome = await within(timeoutMs, () => read()).catch((): typeof TIMED_OUT => TIMED_OUT);
    if (outcome !== TIMED_OUT) failing = outcome;
  }

  let dead = { count: 0, oldest: null as string | null };
  if (!error && sources.deadLetters) {
    const read = sources.deadLetters;
    const outcome = await within(timeoutMs, () => read()).catch((): typeof TIMED_OUT => TIMED_OUT);
    if (outcome !== TIMED_OUT) dead = outcome;
  }

  const platforms: Record<string, PlatformStatus> = {};
  for (const p of sources.platforms) {
    const status = p.status();
    platforms[p.name] = status;
    if (status !== 'connected') problems.push(`${p.name}: ${status}`);
  }

  return {
    status: problems.length ? 'unhealthy' : 'ok',
    problems,
    database: { ok: !error, ms, ...(error ? { error } : {}) },
    platforms,
    lastRuns,
    robots: { failing },
    outbox: { dead: dead.count, oldestDead: dead.oldest },
    holidays: { coveredThrough: HOLIDAY_YEARS.at(-1)!, missingYears },
    warnings: [
      ...missingYears.map((y) => `holidays: ${y} not covered`),
      ...(dead.count ? [`outbox: ${dead.count} dead letter${dead.count === 1 ? '' : 's'} (npm run cli -- outbox)`] : []),
    ],
    uptimeSeconds: Math.floor(sources.uptimeMs() / 1000),
  };
}

/**
 * The report of a running bot, as `npm start` serves it: its database, its
 * chat platforms (read at each probe, so the list may still be filling) and,
 * when nightly backups are taken, their folder.
 */
export function botHealth(input: {
  db: Kysely<Database>;
  platforms: HealthSources['platforms'];
  backupDir?: string | null;
  log: Logger;
  timeoutMs?: number;
  now?: () => Date;
}): () => Promise<HealthReport> {
  const { backupDir } = input;
  const sources: HealthSources = {
    ...databaseHealthSources(input.db, input.now),
    ...(backupDir ? { lastBackup: () => newestNightlyBackup(backupDir) } : {}),
    platforms: input.platforms,
    failingRobots: async () =>
      (await failingRobots(input.db)).map((r) => ({ robot: `R${r.id}`, app: r.app, problem: r.problem ?? '', since: r.failing_since })),
    deadLetters: () => deadLetterCount(input.db),
    uptimeMs: () => process.uptime() * 1000,
    log: input.log,
  };
  return () => checkHealth(sources, input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {});
}
