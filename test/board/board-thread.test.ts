/**
 * The board thread: a post's boards read on a thread of its own with a
 * read-only connection are the same, byte for byte, as read on the event
 * loop; a post made while payments are logged records every payment and
 * the post once; the app's close ends the thread.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { planBoardsHere, type PlanInput } from '../../src/board/plan.ts';
import { createArea, getRootArea } from '../../src/store/areas.ts';
import { getCurrentCampaign } from '../../src/store/campaigns.ts';
import { setTarget } from '../../src/store/targets.ts';
import { bumpSetupVersion } from '../../src/store/setup-version.ts';
import { businessDate } from '../../src/domain/calendar.ts';
import { runBoardSlot } from '../../src/board/scheduler.ts';
import { startBoardThread } from '../../src/board/plan-thread.ts';
import { planBoards } from '../../src/board/publish.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function planInput(a: TestApp, now: Date, kind: PlanInput['kind'] = 'manual', locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<PlanInput> {
  const campaign = await getCurrentCampaign(a.database.db);
  return { campaign, businessDate: businessDate(now, campaign.time_zone), kind, late: false, now, t: catalogue(locale), demo: a.demo };
}

/** The OS threads of this process (Linux): a worker thread is one of them. */
const osThreads = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

describe('the board thread', () => {
  it('reads the demo district as the event loop does, byte for byte, before and after a post (rank changes)', async () => {
    const now = new Date('2026-11-23T02:00:00Z');
    app = await openTestApp({ demo: true, boardThread: true, now });
    const thread = app.boardThread!;
    for (const locale of ['zh-CN', 'en'] as const) {
      const input = await planInput(app, now, 'scheduled', locale);
      const there = await thread.plan(input);
      expect(there).not.toBeNull();
      expect(there!.length).toBeGreaterThan(0);
      expect(JSON.stringify(there)).toBe(JSON.stringify(await planBoardsHere(app.database.db, input)));
    }
    expect((await app.say('admin', 'leaders', 'board post')).status).toBe('ok');
    expect((await app.say('admin', 'console', 'pay 30 in 城南街道')).status).toBe('ok');
    const later = new Date(now.getTime() + 60_000);
    app.setNow(later);
    const input = await planInput(app, later);
    const there = await thread.plan(input);
    // 第2期, compared with 第1期: the thread reads the post the app just committed.
    expect(there![0]!.seq).toBe(2);
    expect(JSON.parse(there![0]!.reply.stored).title).toContain('第2期');
    expect(JSON.stringify(there)).toBe(JSON.stringify(await planBoardsHere(app.database.db, input)));
  });

  it('reads a 250-township campaign as the event loop does, byte for byte', async () => {
    const now = new Date('2026-11-23T02:00:00Z');
    app = await openTestApp({ boardThread: true, now });
    const db = app.database.db;
    const campaign = await getCurrentCampaign(db);
    const root = await getRootArea(db);
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < 250; i++) {
        const a = await createArea(tx, { parent: root, name: `镇${i}`, kind: 'township', now });
        await setTarget(tx, campaign.id, a.id, 1000 + i);
      }
      await bumpSetupVersion(tx);
    });
    expect((await app.say('admin', 'leaders', 'bind leaders')).status).toBe('ok');
    for (let i = 0; i < 250; i += 7) expect((await app.say('admin', 'console', `pay ${1 + (i % 13)} in 镇${i}`)).status).toBe('ok');
    expect((await app.say('admin', 'leaders', 'board post')).status).toBe('ok');
    for (let i = 3; i < 250; i += 11) expect((await app.say('admin', 'console', `pay ${1 + (i % 17)} in 镇${i}`)).status).toBe('ok');
    const later = new Date(now.getTime() + 60_000);
    app.setNow(later);
    const input = await planInput(app, later);
    const there = await app.boardThread!.plan(input);
    const here = await planBoardsHere(db, input);
    expect(JSON.parse(there![0]!.standings)).toHaveLength(250);
    expect(there![0]!.chart!.svg).toContain('<svg');
    expect(JSON.stringify(there)).toBe(JSON.stringify(here));
  });

  it('a post made while payments are logged records every payment and the post once; a replay posts nothing', async () => {
    app = await openTestApp({ boardThread: true });
    for (const line of ['township add 甲镇 target 100', 'township add 乙镇 target 100', 'bind leaders']) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    await app.boardThread!.warm();
    const onThread = vi.spyOn(app.boardThread!, 'plan');
    const pays = Array.from({ length: 40 }, (_, i) => app!.say('admin', 'console', `pay ${1 + (i % 5)} in ${i % 2 ? '甲镇' : '乙镇'}`));
    const post = app.say('admin', 'leaders', 'board post', 'post-1');
    const replies = await Promise.all([...pays, post]);
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 'ok'));
    expect((await post).text).toContain('第1期');
    // Read on the thread, not on the event loop after it failed.
    expect(onThread).toHaveBeenCalledTimes(1);
    expect(await onThread.mock.results[0]!.value).toHaveLength(1);
    expect(app.log.lines.filter((l) => l.includes('board thread'))).toEqual([]);
    const db = app.database.db;
    const entries = await db.selectFrom('ledger_entry').select('people').execute();
    expect(entries.reduce((s, e) => s + Number(e.people), 0)).toBe(Array.from({ length: 40 }, (_, i) => 1 + (i % 5)).reduce((a, b) => a + b, 0));
    expect(await db.selectFrom('board_post').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('outbox').select('id').execute()).toHaveLength(1);
    const replay = await app.say('admin', 'leaders', 'board post', 'post-1');
    expect(replay.duplicate).toBe(true);
    expect(await db.selectFrom('board_post').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('outbox').select('id').execute()).toHaveLength(1);
  });

  it('a cold thread does not hold the first post: it is read here while the thread starts, the next on the thread', async () => {
    app = await openTestApp({ boardThread: true });
    for (const line of ['township add 甲镇 target 100', 'bind leaders']) expect((await app.say('admin', 'console', line)).status).toBe('ok');
    const thread = app.boardThread!;
    expect(thread.ready).toBe(false);
    const onThread = vi.spyOn(thread, 'plan');
    expect((await app.say('admin', 'leaders', 'board post')).text).toContain('第1期');
    expect(onThread).not.toHaveBeenCalled();
    await until(() => thread.ready, () => 'the board thread is up');
    app.setNow(new Date('2026-11-23T02:01:00Z'));
    expect((await app.say('admin', 'leaders', 'board post')).text).toContain('第2期');
    expect(onThread).toHaveBeenCalledTimes(1);
  });

  it('the schedule reads its boards on the thread and posts once per slot', async () => {
    app = await openTestApp({ boardThread: true });
    for (const line of ['township add 甲镇 target 100', 'township add 乙镇 target 100', 'bind leaders', 'pay 3 in 乙镇']) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    await app.boardThread!.warm();
    const onThread = vi.spyOn(app.boardThread!, 'plan');
    const slot = { db: app.database.db, t: catalogue('zh-CN'), demo: false, log: app.log, slot: '18:00', businessDate: '2026-11-23', late: false, now: new Date('2026-11-23T10:00:00Z'), instanceId: 'test' };
    const first = await runBoardSlot(slot);
    expect(first.map((p) => p.seq)).toEqual([1]);
    expect(await onThread.mock.results[0]!.value).toHaveLength(1);
    expect(await runBoardSlot(slot)).toEqual([]);
    const posts = await app.database.db.selectFrom('board_post').select(['kind', 'seq']).execute();
    expect(posts).toEqual([{ kind: 'scheduled', seq: 1 }]);
    const queued = await app.database.db.selectFrom('outbox').select('reply').execute();
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0]!.reply).table.rows.map((r: string[]) => r[1])).toEqual(['乙镇', '甲镇']);
  });

  it('a thread that cannot read says why, and the post is read on the event loop instead', async () => {
    app = await openTestApp({ demo: true });
    const errors: string[] = [];
    // A handle of its own, registered with a thread whose database cannot be opened.
    const db = app.database.db.withoutPlugins();
    const thread = startBoardThread({ db, url: `sqlite:${app.dir}/missing/none.db`, onError: (m) => errors.push(m) });
    try {
      const input = await planInput(app, new Date('2026-11-23T02:00:00Z'));
      expect(await thread.plan(input)).toBeNull();
      expect(errors).toHaveLength(1);
      expect(thread.ready).toBe(false);
      // Never up: read here (and the thread tried again meanwhile).
      expect(JSON.stringify(await planBoards(db, input))).toBe(JSON.stringify(await planBoardsHere(app.database.db, input)));
      await until(() => errors.length === 2, () => `the second start reported (${errors.length})`, 10_000);
    } finally {
      await thread.close();
    }
  });

  it('the app ends its board thread when it closes', async () => {
    const a = await openTestApp({ boardThread: true });
    app = a;
    expect((await a.say('admin', 'console', 'township add 甲镇 target 100')).status).toBe('ok');
    // Counted once the app is up (libuv's pool and the like start with it), before its board thread.
    const before = osThreads();
    await a.boardThread!.warm();
    expect(osThreads()).toBeGreaterThan(before);
    await a.close();
    app = undefined;
    // Its exit is reported once the thread is gone; the OS's count follows at once or within moments.
    await until(() => osThreads() <= before, () => `threads ${osThreads()}, ${before} before the app`, 5000);
    // A closed thread reads nothing: a post would be read on the event loop (of an app that is gone).
    expect(await a.boardThread!.plan(await planInputClosed())).toBeNull();
  });
});

describe('posts stored before standings moved into the post row', () => {
  it('are still what the next board compares its ranks with', async () => {
    app = await openTestApp();
    for (const line of ['township add 甲镇 target 100', 'township add 乙镇 target 100', 'bind leaders', 'pay 5 in 甲镇']) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    const db = app.database.db;
    const campaign = await getCurrentCampaign(db);
    const root = await getRootArea(db);
    const towns = new Map((await db.selectFrom('area').select(['id', 'name']).execute()).map((a) => [a.name, a.id]));
    // As an older version stored 第1期: 乙镇 first, 甲镇 second, in board_standing.
    const post = await db
      .insertInto('board_post')
      .values({ campaign_id: campaign.id, area_id: root.id, seq: 1, business_date: '2026-11-22', slot: '18:00', kind: 'scheduled', late: 0, as_of: '2026-11-22T10:00:00.000Z', enrolled: 0, target: 200, today: 0, amount_fen: 0, created_at: '2026-11-22T10:00:00.000Z' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('board_standing')
      .values([
        { post_id: post.id, area_id: towns.get('乙镇')!, rank: 1, enrolled: 0, target: 100, today: 0, amount_fen: 0 },
        { post_id: post.id, area_id: towns.get('甲镇')!, rank: 2, enrolled: 0, target: 100, today: 0, amount_fen: 0 },
      ])
      .execute();
    const board = await app.say('admin', 'leaders', 'board');
    expect(board.table!.rows.map((r) => [r[1], r.at(-1)])).toEqual([
      ['甲镇', '▲1'],
      ['乙镇', '▼1'],
    ]);
    expect((await app.say('admin', 'leaders', 'board post')).text).toContain('第2期');
  });
});

/** An input for a closed thread, which refuses before reading anything. */
async function planInputClosed(): Promise<PlanInput> {
  return { campaign: {} as PlanInput['campaign'], businessDate: '2026-11-23', kind: 'manual', late: false, now: new Date(), t: catalogue('zh-CN'), demo: false };
}
