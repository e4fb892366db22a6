/** Job claims: one run per (job, area, date) across processes; a stale unfinished claim can be taken over. */
import { describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { sharedDatabase } from '../helpers/shared-database.ts';
import { claimJob, finishJob } from '../../src/store/job-claims.ts';
import { runBoardSlot } from '../../src/board/scheduler.ts';
import { catalogue } from '../../src/i18n/index.ts';

const shared = sharedDatabase();

describe('job claims', () => {
  it('are granted once; an unfinished claim is taken over only after it expires; a finished one never', async () => {
    const app = shared.own(await openTestApp());
    const db = app.database.db;
    const key = { job: 'board@18:00', areaId: 1, businessDate: '2026-11-23' };
    const t0 = new Date('2026-11-23T10:00:00Z');
    expect(await claimJob(db, key, { by: 'a', now: t0, leaseMs: 60_000 })).toBe(true);
    expect(await claimJob(db, key, { by: 'b', now: new Date(t0.getTime() + 30_000), leaseMs: 60_000 })).toBe(false);
    expect(await claimJob(db, key, { by: 'b', now: new Date(t0.getTime() + 61_000), leaseMs: 60_000 })).toBe(true);
    const row = await db.selectFrom('job_claim').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ claimed_by: 'b', done_at: null });
    await finishJob(db, key, new Date(t0.getTime() + 62_000));
    expect(await claimJob(db, key, { by: 'c', now: new Date(t0.getTime() + 3_600_000), leaseMs: 60_000 })).toBe(false);
    expect(await claimJob(db, { ...key, businessDate: '2026-11-24' }, { by: 'c', now: t0, leaseMs: 60_000 })).toBe(true);
  });

  it('a second process running the same slot on the same database publishes nothing', async () => {
    const one = await shared.open();
    await one.say('admin', 'console', 'township add 甲镇 target 10');
    await one.say('admin', 'leaders', 'bind leaders');
    const two = await shared.open();
    const now = new Date('2026-11-23T10:00:00Z');
    const run = (a: TestApp, id: string) =>
      runBoardSlot({ db: a.database.db, t: catalogue('zh-CN'), demo: false, log: a.log, slot: '18:00', businessDate: '2026-11-23', late: false, now, instanceId: id });
    // One process, two connections: run one after the other (better-sqlite3 is
    // synchronous, so overlapping write transactions here would only wait on
    // each other). Across processes the unique keys on board_post and outbox
    // make a racing loser roll back.
    const a = await run(one, 'one');
    const b = await run(two, 'two');
    expect(a.map((p) => p.seq)).toEqual([1]);
    expect(b).toEqual([]);
    expect(await one.database.db.selectFrom('board_post').select('id').execute()).toHaveLength(1);
    expect(await one.database.db.selectFrom('outbox').select('id').execute()).toHaveLength(1);
  });
});
