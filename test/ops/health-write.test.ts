/**
 * `/healthz` tells the truth about writes: a database that answers reads but
 * cannot take a write (its disk full, its file or server read-only) is a 503,
 * as a payment would fail; and a payment that fails on a full disk is logged
 * as "database or disk is full", not as the rollback that followed it.
 *
 * The full disk is SQLite's `max_page_count` (the database may not grow: the
 * same SQLITE_FULL a full disk gives, and SQLite ends the transaction by
 * itself as it does then); read-only is `query_only`, which works as root
 * (file modes do not stop root).
 */
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { probe } from '../helpers/health.ts';
import { testDialect } from '../helpers/database.ts';
import { botHealth } from '../../src/ops/health.ts';
import { healthRoute, startHealthServer, type HealthServer } from '../../src/ops/health-server.ts';
import { openDatabase } from '../../src/db/database.ts';

let app: TestApp | undefined;
let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await app?.close();
  app = undefined;
});

async function start(): Promise<{ app: TestApp; port: number }> {
  app = await openTestApp();
  expect((await app.say('admin', 'console', 'township add 甲镇 target 100')).status).toBe('ok');
  server = await startHealthServer({ port: 0, host: '127.0.0.1', handle: healthRoute(botHealth({ db: app.database.db, platforms: [], log: app.log }), app.log) });
  return { app, port: server.port };
}

const ledgerRows = async (a: TestApp) =>
  Number((await a.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('the write probe', () => {
  it('is healthy on a writable database and leaves nothing behind', async () => {
    const { app, port } = await start();
    const before = await app.database.db.selectFrom('setting').select('key').execute();
    const p = await probe(port);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ status: 'ok', problems: [], database: { ok: true } });
    expect(await app.database.db.selectFrom('setting').select('key').execute()).toEqual(before);
  });

  if (testDialect === 'sqlite') {
    it('answers 503 `database: read_only` while the database takes no writes, and 200 again after', async () => {
      const { app, port } = await start();
      await sql`pragma query_only = 1`.execute(app.database.db);
      const p = await probe(port);
      expect(p.status).toBe(503);
      expect(p.body).toMatchObject({ status: 'unhealthy', problems: ['database: read_only'], database: { ok: false, error: 'read_only' } });
      // What the probe says is what a payment meets.
      expect((await app.say('admin', 'console', 'pay 1 in 甲镇')).status).toBe('error');
      expect(app.log.lines.some((l) => l.includes('health: database refused the write probe') && l.includes('SQLITE_READONLY'))).toBe(true);
      await sql`pragma query_only = 0`.execute(app.database.db);
      expect((await probe(port)).status).toBe(200);
      expect((await app.say('admin', 'console', 'pay 1 in 甲镇')).status).toBe('ok');
    });

    it('answers 503 `database: full` on a full disk; the failed writes log the disk-full error, not the rollback', async () => {
      const { app, port } = await start();
      const db = app.database.db;
      // No free pages (migrations that rebuild a table leave some), so the
      // database can only grow; then forbid growing.
      await sql`vacuum`.execute(db);
      expect(Number((await sql<{ freelist_count: number }>`pragma freelist_count`.execute(db)).rows[0]!.freelist_count)).toBe(0);
      await sql`pragma max_page_count = 2147483646`.execute(db);
      const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count);
      await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
      const p = await probe(port);
      expect(p.status).toBe(503);
      expect(p.body).toMatchObject({ status: 'unhealthy', problems: ['database: full'], database: { ok: false, error: 'full' } });

      // Three writes at once: the first is a transaction of its own, the two that
      // arrive meanwhile share the next one (a savepoint each). Each new name is
      // longer than a page, so it cannot fit into room the database already has
      // (a pay's note is held to 200 characters, too short for that).
      const long = '长名称'.repeat(700);
      const replies = await Promise.all([1, 2, 3].map((n) => app!.say('admin', 'console', `campaign name 第${n}期${long}`)));
      for (const r of replies) expect(r.status).toBe('error');
      const failures = app.log.lines.filter((l) => l.includes('command failed'));
      expect(failures.length).toBe(3);
      for (const line of failures) {
        expect(line).toContain('database or disk is full');
        expect(line).not.toContain('cannot rollback');
        expect(line).not.toContain('no such savepoint');
      }
      await sql`pragma max_page_count = 2147483646`.execute(db);
      expect((await probe(port)).status).toBe(200);
      expect(await ledgerRows(app)).toBe(0);
      expect((await app.say('admin', 'console', 'pay 1 in 甲镇')).status).toBe('ok');
    });

    it("stays healthy, without waiting, while another process holds the write lock (a long import)", async () => {
      const { app, port } = await start();
      const other = new Database(app.database.file!);
      other.pragma('journal_mode = WAL');
      other.prepare('begin immediate').run();
      try {
        const began = performance.now();
        const p = await probe(port);
        expect(p.status).toBe(200);
        // busy_timeout is 5 s: the probe must not have waited for it.
        expect(performance.now() - began).toBeLessThan(2000);
      } finally {
        other.prepare('rollback').run();
        other.close();
      }
      // The connection's own busy timeout is back for the writes that follow.
      expect(Number((await sql<{ timeout: number }>`pragma busy_timeout`.execute(app.database.db)).rows[0]!.timeout)).toBe(5000);
    });
  }

  if (testDialect === 'postgres') {
    it('answers `database: read_only` on a read-only PostgreSQL session', async () => {
      app = await openTestApp();
      const url = new URL(app.databaseUrl);
      url.searchParams.set('options', '-c default_transaction_read_only=on');
      const readOnly = await openDatabase(url.toString());
      try {
        const report = await botHealth({ db: readOnly.db, platforms: [], log: app.log })();
        expect(report).toMatchObject({ status: 'unhealthy', problems: ['database: read_only'], database: { ok: false, error: 'read_only' } });
        expect((await botHealth({ db: app.database.db, platforms: [], log: app.log })()).status).toBe('ok');
      } finally {
        await readOnly.close();
      }
    });
  }
});
