/**
 * Opening the database named by `DATABASE_URL`. SQLite is the default; the
 * connection is tuned so that a confirmed entry survives a power cut.
 */
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import type { Database } from './schema.ts';
import { EnrollbotError } from '../core/errors.ts';
import { createPrivateFile, ensurePrivateDir, makePrivate } from './private-files.ts';
import { directRunners, preparedStatementNames } from './prepared.ts';
import { LockWaitingSqliteDialect } from './sqlite-lock-wait.ts';

/** An open database and how to close it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** The SQLite file, when the database is one. */
  file?: string;
  close(): Promise<void>;
}

/** How long a SQLite write waits for another process's write lock. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** The SQLite pragmas every connection runs; the bench uses the same ones. */
export const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  // FULL: the WAL is synced at every commit, so "recorded" means on disk.
  'synchronous = FULL',
  'foreign_keys = ON',
  `busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`,
  // 16 MB of pages (SQLite's default is 2 MB). With 10 million roster people
  // the interior pages of the roster and its indexes no longer fit in 2 MB,
  // and a lapse screen read 4 pages from the file for every case it opened;
  // with 16 MB it reads 1.8 (1.0 at a million people). Pages are taken only
  // as they are read, so a small campaign's memory does not change.
  'cache_size = -16384',
  // Deleted and cleared content is overwritten with zeros, overflow pages
  // too (FAST leaves those): the stored replies and delivered posts the
  // retention job clears would otherwise stay in the file's free pages, and
  // in every backup copied from it, until SQLite happened to reuse them.
  'secure_delete = ON',
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
    prepare(text: string) {
      // Every transaction here writes. Taking the write lock at `begin` makes
      // another process's writer wait (busy_timeout) for its turn; a deferred
      // transaction that read first would instead fail at once with
      // SQLITE_BUSY when it tries to write after another process committed.
      const sql = text === 'begin' ? 'begin immediate' : text;
      // SQLite rolls a transaction back by itself after SQLITE_FULL, IOERR or
      // NOMEM; Kysely's rollback would then fail ("no transaction is active")
      // and its error would replace the one that says what went wrong.
      if (sql === 'rollback' && !sqlite.inTransaction) return ALREADY_ROLLED_BACK;
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

/** A statement that does nothing: the rollback of a transaction SQLite already ended. */
const ALREADY_ROLLED_BACK = {
  reader: false,
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  all: () => [],
  iterate: () => [][Symbol.iterator](),
} as unknown as ReturnType<KyselySqliteDatabase['prepare']>;

/** Parses `sqlite:<path>` (or a bare path) into an absolute file path. */
export function sqlitePath(url: string): string {
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : url;
  if (!path) throw new EnrollbotError('config_invalid', 'DATABASE_URL: sqlite:<path> needs a path');
  return resolve(path);
}

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;

/**
 * pg returns bigint and numeric as strings (they may exceed a JS number).
 * Every such value here is fen, people or a count: far below 2^53. Read them
 * as numbers, and fail loudly rather than round if one ever is not safe.
 */
export function parsePgNumber(text: string): number {
  const n = Number(text);
  if (/^-?\d+$/.test(text) && !Number.isSafeInteger(n)) {
    throw new EnrollbotError('internal', `database value ${text} is beyond the safe integer range`);
  }
  return n;
}

/** The pool's type parsers: pg's own, except int8 and numeric as numbers. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if ((oid === PG_INT8 || oid === PG_NUMERIC) && format !== 'binary') return parsePgNumber;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** How many connections one process keeps to PostgreSQL. */
const PG_POOL_SIZE = 10;

/**
 * The pool as Kysely sees it, with the hot path's statements (the prepared
 * shapes) sent by name: planning the `pay` statement cost more than running
 * it. Only those: a name per ad-hoc query would keep a plan per connection
 * for every `in (…)` length ever seen.
 */
function withNamedStatements(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query(sqlOrCursor: unknown, parameters?: readonly unknown[]) {
          const name = typeof sqlOrCursor === 'string' ? preparedStatementNames.get(sqlOrCursor) : undefined;
          if (name) return client.query({ name, text: sqlOrCursor as string, values: parameters as unknown[] });
          return (client.query as (...args: unknown[]) => unknown)(sqlOrCursor, parameters);
        },
        release: () => client.release(),
      } as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

function openPostgres(url: string, max = PG_POOL_SIZE): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes });
  // An idle client losing its connection (server restart) must not crash the process;
  // the pool drops it and the next query opens a new one.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Opens (creating if needed) the database a `DATABASE_URL` names. */
export async function openDatabase(url: string): Promise<DatabaseHandle> {
  if (isPostgresUrl(url)) return openPostgres(url);
  const file = sqlitePath(url);
  ensurePrivateDir(dirname(file));
  // Owner-only before SQLite writes a page; SQLite gives its WAL and shared
  // memory files the database file's mode. A file an older version made
  // readable to others is tightened here too, with its WAL.
  createPrivateFile(file, { keep: true });
  makePrivate(file, `${file}-wal`, `${file}-shm`, `${file}-journal`);
  const sqlite = new SqliteDatabase(file);
  for (const pragma of SQLITE_PRAGMAS) sqlite.pragma(pragma);
  const db = onSqlite(sqlite);
  return { db, dialect: 'sqlite', file, close: () => db.destroy() };
}

/** Kysely on a better-sqlite3 connection, with its statements kept prepared and run directly. */
function onSqlite(sqlite: SqliteDatabase.Database): Kysely<Database> {
  const cached = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new LockWaitingSqliteDialect({ database: cached }, sqlite) });
  // As Kysely's SQLite connection runs a statement, without its promise chain.
  directRunners.set(db.getExecutor().adapter, (text, parameters) => {
    const stmt = cached.prepare(text);
    if (stmt.reader) return { rows: stmt.all(parameters) as unknown[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  });
  return db;
}

/**
 * A second, read-only connection to a database the app has open, for a
 * thread that reads beside it (the board thread): on SQLite the same file
 * read-only (WAL lets it read while the app writes), on PostgreSQL a small
 * pool of its own.
 */
export function openReadOnlyDatabase(url: string): DatabaseHandle {
  if (isPostgresUrl(url)) return openPostgres(url, 2);
  const file = sqlitePath(url);
  const sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = onSqlite(sqlite);
  return { db, dialect: 'sqlite', file, close: () => db.destroy() };
}
