/**
 * A payment that has to wait for a lock another process holds (a CLI import
 * merging its slices, another replica's open write) waits without freezing
 * the bot: acknowledgements and other chat traffic go on meanwhile, and the
 * payment is recorded as soon as the lock is free. On SQLite the wait used
 * to be SQLite's busy handler sleeping on the event loop's own thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { testDialect } from '../helpers/database.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Another process's connection holding the write lock (SQLite) or the township's total row (PostgreSQL) until `release`. */
async function holdLock(a: TestApp, areaId: number): Promise<{ release(): Promise<void> }> {
  if (testDialect === 'sqlite') {
    const other = new Database(a.database.file!);
    other.prepare('begin immediate').run();
    return {
      release: async () => {
        other.prepare('commit').run();
        other.close();
      },
    };
  }
  const other = new pg.Client({ connectionString: a.databaseUrl });
  await other.connect();
  await other.query('begin');
  await other.query('select people from area_total where area_id = $1 for update', [areaId]);
  return {
    release: async () => {
      await other.query('commit');
      await other.end();
    },
  };
}

describe('a payment waiting for a lock another process holds', () => {
  it('leaves the event loop running, and is recorded as soon as the lock is free', async () => {
    app = await openTestApp();
    expect((await app.say('admin', 'console', 'township add 甲镇 target 1000')).status).toBe('ok');
    expect((await app.say('admin', 'console', 'pay 1 in 甲镇', 'first')).status).toBe('ok');
    const area = await app.database.db.selectFrom('area').select('id').where('name', '=', '甲镇').executeTakeFirstOrThrow();
    const lock = await holdLock(app, area.id);
    let released = Number.POSITIVE_INFINITY;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      let settled = false;
      const paying = app.say('admin', 'console', 'pay 2 in 甲镇', 'second').then((r) => {
        settled = true;
        return { r, at: performance.now() };
      });
      // 30 ticks of a 5 ms timer while the payment still waits for the lock:
      // the loop was never held. (SQLite's busy handler held it until its
      // 5 s timeout, and the payment had failed before the ticks came.)
      while (ticks < 30) await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      released = performance.now();
      await lock.release();
      const { r, at } = await paying;
      expect(r.status, r.text).toBe('ok');
      expect(at - released).toBeLessThan(250);
    } finally {
      clearInterval(timer);
    }
    const { rows } = await sql<{ people: number }>`select people from area_total where area_id = ${area.id}`.execute(app.database.db);
    expect(Number(rows[0]!.people)).toBe(3);
  });

  if (testDialect === 'sqlite') {
    it('fails as before, with nothing written, once the busy timeout has passed', { timeout: 20_000 }, async () => {
      app = await openTestApp();
      expect((await app.say('admin', 'console', 'township add 甲镇 target 1000')).status).toBe('ok');
      const other = new Database(app.database.file!);
      other.prepare('begin immediate').run();
      try {
        const began = performance.now();
        const r = await app.say('admin', 'console', 'pay 2 in 甲镇', 'late');
        const waited = performance.now() - began;
        expect(r.status).not.toBe('ok');
        // The connection's busy timeout (5 s), on timers.
        expect(waited).toBeGreaterThan(4_900);
        expect(waited).toBeLessThan(9_000);
      } finally {
        other.prepare('rollback').run();
        other.close();
      }
      expect(await app.database.db.selectFrom('ledger_entry').select('id').execute()).toEqual([]);
      expect(Number((await sql<{ timeout: number }>`pragma busy_timeout`.execute(app.database.db)).rows[0]!.timeout)).toBe(5000);
    });
  }
});
