/**
 * Where a bench's database lives: a SQLite file in the bench's temp folder,
 * or with `--pg` a fresh PostgreSQL database on the server named by
 * `ENROLLBOT_TEST_DATABASE_URL` (as scripts/with-postgres.sh sets it) or a
 * `postgres://` `DATABASE_URL` (an admin URL: the bench creates and drops
 * its own databases, never touching others).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchOptions } from './types.ts';

const isPg = (url: string | undefined): url is string => /^postgres(ql)?:\/\//.test(url ?? '');

/** The PostgreSQL server the bench may create databases on, if any. */
export function benchPostgresUrl(): string | null {
  const url = [process.env.ENROLLBOT_TEST_DATABASE_URL, process.env.DATABASE_URL].find(isPg);
  return url ?? null;
}

const created = new Set<string>();

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: benchPostgresUrl()! });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The `DATABASE_URL` of a new bench database `name`: a file in `dir`, or (with `--pg`) a new PostgreSQL database. */
export async function benchDatabaseUrl(opts: BenchOptions, dir: string, name: string): Promise<string> {
  if (!opts.pg) return `sqlite:${join(dir, `${name}.db`)}`;
  if (!benchPostgresUrl()) throw new Error('--pg needs a PostgreSQL server: run through scripts/with-postgres.sh, or set DATABASE_URL=postgres://… (a user that may create databases)');
  const db = `enrollbot_bench_${name.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  await admin((c) => c.query(`create database "${db}"`));
  created.add(db);
  const url = new URL(benchPostgresUrl()!);
  url.pathname = `/${db}`;
  return url.toString();
}

/** Drops a database made by `benchDatabaseUrl` (nothing for a SQLite file: its folder is removed). */
export async function dropBenchDatabase(url: string): Promise<void> {
  if (!isPg(url)) return;
  const name = new URL(url).pathname.slice(1);
  if (!created.delete(name)) return;
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
}

/** `SQLite` or `PostgreSQL`, for figure names. */
export const dialectName = (opts: BenchOptions) => (opts.pg ? 'PostgreSQL' : 'SQLite');

/**
 * Sets each total's newest day and that day's people from `area_day` (as the
 * ledger's own writes keep them), for a bench that wrote the totals itself.
 */
export const FILL_NEWEST_DAYS = [
  `update area_total set day = (select max(d.business_date) from area_day d where d.campaign_id = area_total.campaign_id and d.area_id = area_total.area_id)`,
  `update area_total set day_people = (select d.people from area_day d where d.campaign_id = area_total.campaign_id and d.area_id = area_total.area_id and d.business_date = area_total.day) where day is not null`,
] as const;
