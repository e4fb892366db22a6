/**
 * The database a test runs on. By default a SQLite file in the test's temp
 * folder. With `ENROLLBOT_TEST_DATABASE_URL=postgres://…` (an admin URL: it
 * may create and drop databases) every test database is instead a fresh,
 * uniquely named PostgreSQL database, so the whole suite runs on both.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

/** The admin URL of the PostgreSQL server the suite runs against, if any. */
export const testPostgresUrl: string | null = /^postgres(ql)?:\/\//.test(process.env.ENROLLBOT_TEST_DATABASE_URL ?? '')
  ? process.env.ENROLLBOT_TEST_DATABASE_URL!
  : null;

/** Which database the suite runs on: tests that are SQLite-only skip on PostgreSQL and say so. */
export const testDialect: 'sqlite' | 'postgres' = testPostgresUrl ? 'postgres' : 'sqlite';

/** PostgreSQL databases created by this test file, dropped after it (see `test/setup.ts`). */
const created = new Set<string>();

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresUrl! });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function urlFor(name: string): string {
  const url = new URL(testPostgresUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function createDatabase(name: string): Promise<string> {
  await admin(async (c) => {
    try {
      await c.query(`create database "${name}"`);
    } catch (e) {
      // Another app of the same test opened it first: share it.
      if ((e as { code?: string }).code !== '42P04') throw e;
    }
  });
  created.add(name);
  return urlFor(name);
}

/** Drops a database made by this helper (closing its connections first). */
export async function dropTestDatabase(url: string): Promise<void> {
  if (!testPostgresUrl || !/^postgres(ql)?:\/\//.test(url)) return;
  const name = new URL(url).pathname.slice(1);
  if (!created.delete(name)) return;
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
}

/** Drops every database this test file created and has not dropped yet. */
export async function dropAllTestDatabases(): Promise<void> {
  for (const name of [...created]) await dropTestDatabase(urlFor(name));
}

/**
 * The `DATABASE_URL` of the test database `name` belonging to the temp folder
 * `dir`: the same folder and name always give the same database (two apps,
 * or a restart, share it). SQLite: a file in `dir`. PostgreSQL: a database
 * named after a hash of both, created on first use and dropped after the file.
 */
export async function testDatabaseUrl(dir: string, name = 'enrollbot'): Promise<string> {
  if (!testPostgresUrl) return `sqlite:${join(dir, `${name}.db`)}`;
  const key = createHash('sha256').update(`${dir}\0${name}`).digest('hex').slice(0, 24);
  return createDatabase(`enrollbot_test_${key}`);
}
