/**
 * Opening the database named by `DATABASE_URL`. SQLite is the default; the
 * connection is tuned so that a confirmed entry survives a power cut.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import type { Database } from './schema.ts';
import { EnrollbotError } from '../core/errors.ts';

/** An open database and how to close it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** The SQLite file, when the database is one. */
  file?: string;
  close(): Promise<void>;
}

/** The SQLite pragmas every connection runs; the bench uses the same ones. */
export const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  // FULL: the WAL is synced at every commit, so "recorded" means on disk.
  'synchronous = FULL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
] as const;

/** How many distinct statements stay prepared; the app uses a few dozen. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more
 * than running a small indexed write. Queries are built from a fixed set of
 * shapes, so their SQL text repeats and the prepared statement can be reused.
 * Safe because Kysely runs one query at a time on the connection.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        stmt = sqlite.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt as unknown as ReturnType<KyselySqliteDatabase['prepare']>;
    },
  };
}

/** Parses `sqlite:<path>` (or a bare path) into an absolute file path. */
export function sqlitePath(url: string): string {
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : url;
  if (!path) throw new EnrollbotError('config_invalid', 'DATABASE_URL: sqlite:<path> needs a path');
  return resolve(path);
}

/** Opens (creating if needed) the database a `DATABASE_URL` names. */
export async function openDatabase(url: string): Promise<DatabaseHandle> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new EnrollbotError('config_invalid', 'DATABASE_URL: PostgreSQL support is not built yet; use sqlite:<path>');
  }
  const file = sqlitePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  for (const pragma of SQLITE_PRAGMAS) sqlite.pragma(pragma);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    file,
    close: () => db.destroy(),
  };
}
