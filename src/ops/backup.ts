/**
 * `backup <file>`: an online, consistent copy of the SQLite database while the
 * bot keeps running. SQLite's backup API copies pages; if another connection
 * writes between two steps the copy starts over, so after the first step the
 * rest is copied in one step: one read transaction, a single snapshot (in WAL
 * mode readers do not block the bot's writers, nor the other way round).
 * The generated ID-hashing key beside the database is copied beside the
 * backup, named for it, so the pair restores together.
 */
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { EnrollbotError } from '../core/errors.ts';
import { isPostgresUrl, sqlitePath, SQLITE_PRAGMAS } from '../db/database.ts';
import { piiKeyFile } from '../setup/pii-key.ts';

/** What a backup wrote. */
export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  /**
   * The copy of the database's generated ID-hashing key, beside the backup
   * under the name a restored database looks for; null when the database has
   * none (no import yet, or the key comes from ENROLLBOT_PII_KEY).
   */
  keyFile: string | null;
}

/** The refusal for PostgreSQL: its own tools do this better. Never echoes the URL (it holds the password). */
export const POSTGRES_BACKUP_HINT =
  'backup copies a SQLite database; this one is PostgreSQL. Use its own tools, e.g.\n' +
  '  pg_dump --format=custom --file=enrollbot.dump "$DATABASE_URL"\n' +
  'and restore with pg_restore --clean --if-exists --dbname=<database> enrollbot.dump (see docs/postgres.md).';

/** Copies the database `DATABASE_URL` names to a new file `target`. */
export async function backupDatabase(databaseUrl: string, target: string): Promise<BackupResult> {
  if (isPostgresUrl(databaseUrl)) throw new EnrollbotError('config_invalid', POSTGRES_BACKUP_HINT);
  const source = sqlitePath(databaseUrl);
  if (!existsSync(source)) throw new EnrollbotError('config_invalid', `there is no database at ${source} to back up`);
  if (existsSync(target)) throw new EnrollbotError('config_invalid', `${target} exists already: back up to a new file`);
  if (!existsSync(dirname(target))) throw new EnrollbotError('config_invalid', `the folder ${dirname(target)} does not exist`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
    const done = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new SqliteDatabase(partial);
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new EnrollbotError('internal', `the backup failed its integrity check: ${String(check)}`);
      // One self-contained file: fold the copy's WAL in and leave it in rollback-journal mode.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    // Without its key, a restored database no longer matches imported people.
    const key = piiKeyFile(source);
    const keyFile = existsSync(key) ? piiKeyFile(target) : null;
    if (keyFile) copyFileSync(key, keyFile);
    renameSync(partial, target);
    return { file: target, bytes: statSync(target).size, pages: done.totalPages, keyFile };
  } catch (e) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    throw e;
  } finally {
    db.close();
  }
}
