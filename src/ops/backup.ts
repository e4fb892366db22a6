/**
 * `backup <file>`: an online, consistent copy of the SQLite database while the
 * bot keeps running. SQLite's backup API copies pages; if another connection
 * writes between two steps the copy starts over, so after the first step the
 * rest is copied in one step: one read transaction, a single snapshot (in WAL
 * mode readers do not block the bot's writers, nor the other way round).
 * The copy is owner-only (0600) from its first byte. The personal-data key
 * is never copied: it lives apart from the data (see `setup/pii-key.ts`), so
 * a stolen backup gives back neither IDs nor names; the backup names the
 * key's fingerprint so the right key can be found at restore.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { EnrollbotError } from '../core/errors.ts';
import { isPostgresUrl, sqlitePath, SQLITE_PRAGMAS } from '../db/database.ts';
import { createPrivateFile, makePrivate } from '../db/private-files.ts';
import { PII_KEY_FINGERPRINT } from '../setup/pii-key.ts';

/** What a backup wrote. */
export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  /**
   * The fingerprint of the personal-data key the copy needs (null for a
   * database no version with keys has opened yet). The key is not in the backup.
   */
  keyFingerprint: string | null;
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
  // Empty and 0600 before the first page is copied; SQLite keeps the mode.
  createPrivateFile(partial);
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
    const done = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new SqliteDatabase(partial);
    let keyFingerprint: string | null = null;
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new EnrollbotError('internal', `the backup failed its integrity check: ${String(check)}`);
      // One self-contained file: fold the copy's WAL in and leave it in rollback-journal mode.
      copy.pragma('journal_mode = DELETE');
      const hasSettings = copy.prepare(`select 1 from sqlite_master where type = 'table' and name = 'setting'`).get() !== undefined;
      const row = hasSettings ? (copy.prepare('select value from setting where key = ?').get(PII_KEY_FINGERPRINT) as { value: string } | undefined) : undefined;
      keyFingerprint = row?.value ?? null;
    } finally {
      copy.close();
    }
    makePrivate(partial);
    renameSync(partial, target);
    return { file: target, bytes: statSync(target).size, pages: done.totalPages, keyFingerprint };
  } catch (e) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    throw e;
  } finally {
    db.close();
  }
}
