/**
 * The nightly SQLite backup: once a day, at `ENROLLBOT_BACKUP_AT` in the
 * campaign's zone, an online copy named after the business date, keeping the
 * newest `ENROLLBOT_BACKUP_KEEP`. A copy that exists already (a second run
 * the same day, another process) is left alone, so it runs at most once a day.
 * PostgreSQL is backed up with its own tools (docs/postgres.md).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { businessDate } from '../domain/calendar.ts';
import { backupDatabase } from './backup.ts';
import { ensurePrivateDir } from '../db/private-files.ts';

const NAME = /^enrollbot-(\d{4}-\d{2}-\d{2})\.db$/;

export interface NightlyBackupInput {
  databaseUrl: string;
  dir: string;
  keep: number;
  now: Date;
  timeZone: string;
}

/** Takes today's copy unless it exists, then deletes all but the newest `keep`. */
export async function runNightlyBackup(input: NightlyBackupInput): Promise<{ file: string; created: boolean; removed: string[] }> {
  // The backups folder is the bot's own: owner-only, even if it existed before.
  ensurePrivateDir(input.dir, { own: true });
  const file = join(input.dir, `enrollbot-${businessDate(input.now, input.timeZone)}.db`);
  const created = !existsSync(file);
  if (created) await backupDatabase(input.databaseUrl, file);
  const copies = readdirSync(input.dir)
    .filter((f) => NAME.test(f))
    .sort()
    .reverse();
  const removed = copies.slice(Math.max(1, input.keep));
  for (const f of removed) {
    rmSync(join(input.dir, f), { force: true });
    // Older versions put a copy of the key beside each backup: it goes with its copy.
    rmSync(join(input.dir, f.replace(/\.db$/, '.pii-key')), { force: true });
  }
  return { file, created, removed };
}

/** Where the nightly copies go: `ENROLLBOT_BACKUP_DIR`, else `backups/` beside the database file. */
export function nightlyBackupDir(configured: string | null, databaseFile: string): string {
  return configured ?? join(dirname(databaseFile), 'backups');
}

/**
 * When the newest nightly copy in `dir` was written, or null when there is
 * none (or the folder cannot be read: a health report must not fail on it).
 */
export async function newestNightlyBackup(dir: string): Promise<Date | null> {
  try {
    const newest = (await readdir(dir)).filter((f) => NAME.test(f)).sort().at(-1);
    return newest ? (await stat(join(dir, newest))).mtime : null;
  } catch {
    return null;
  }
}
