/**
 * `board post` reads its boards before its write transaction and commits its
 * rows in a transaction of its own: a payment logged while the boards are
 * being read commits without waiting for the post. The board reading is held
 * on a latch the test controls, so the order is observed, not timed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { standingsOf } from '../../src/store/board-posts.ts';

/** The latch: while `gate` is set, every board read waits for it, after saying so. */
const latch = vi.hoisted(() => ({
  gate: null as Promise<void> | null,
  entered: null as (() => void) | null,
}));

vi.mock('../../src/board/board.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/board/board.ts')>();
  return {
    ...real,
    loadBoard: async (...args: Parameters<typeof real.loadBoard>) => {
      if (latch.gate) {
        latch.entered?.();
        await latch.gate;
      }
      return real.loadBoard(...args);
    },
  };
});

let app: TestApp | undefined;
afterEach(async () => {
  latch.gate = null;
  await app?.close();
  app = undefined;
});

describe('board post beside the chat writes', () => {
  it('a pay logged while the post reads its boards commits at once; the post commits after, once, and a replay posts nothing', async () => {
    app = await openTestApp();
    for (const line of ['township add 甲镇 target 100', 'township add 乙镇 target 100', 'bind leaders', 'pay 3 in 甲镇']) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    const db = app.database.db;
    let release!: () => void;
    latch.gate = new Promise<void>((r) => (release = r));
    const entered = new Promise<void>((r) => (latch.entered = r));

    const post = app.say('admin', 'leaders', 'board post', 'post-1');
    await entered;
    // The post is reading its board, held on the latch: the pay must not wait for it.
    const pay = await app.say('admin', 'console', 'pay 7 in 甲镇');
    expect(pay.status).toBe('ok');
    const entries = await db.selectFrom('ledger_entry').select('people').execute();
    expect(entries.map((e) => Number(e.people)).sort()).toEqual([3, 7]);
    // Nothing of the post is stored yet: it is answered only after its own commit.
    expect(await db.selectFrom('board_post').select('id').execute()).toHaveLength(0);
    expect(await db.selectFrom('job_claim').select('job').execute()).toHaveLength(0);

    release();
    const posted = await post;
    expect(posted.status).toBe('ok');
    expect(posted.text).toContain('第1期');
    const posts = await db.selectFrom('board_post').select(['id', 'seq', 'enrolled']).execute();
    expect(posts).toHaveLength(1);
    // Read after the pay had committed: both pays are in it.
    expect(Number(posts[0]!.enrolled)).toBe(10);
    const queued = (await db.selectFrom('outbox').select('id').execute()).length;
    expect(queued).toBe(1);

    // The platform sends the same message again: the stored answer, nothing posted twice.
    const replay = await app.say('admin', 'leaders', 'board post', 'post-1');
    expect(replay.duplicate).toBe(true);
    expect(replay.text).toBe(posted.text);
    expect(await db.selectFrom('board_post').select('id').execute()).toHaveLength(1);
    expect((await db.selectFrom('outbox').select('id').execute()).length).toBe(queued);
  }, 30_000);

  it('a second post in the same minute publishes nothing; the next minute’s is 第2期, its rank changes against 第1期', async () => {
    app = await openTestApp();
    for (const line of ['township add 甲镇 target 100', 'township add 乙镇 target 100', 'bind leaders', 'pay 3 in 甲镇']) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    expect((await app.say('admin', 'leaders', 'board post')).text).toContain('第1期');
    const again = await app.say('admin', 'leaders', 'board post');
    expect(again.status).toBe('ok');
    expect(again.text).toBe(catalogue('zh-CN').boardAlreadyPosted({ time: '10:00' }));
    expect(await app.database.db.selectFrom('board_post').select('id').execute()).toHaveLength(1);
    // 乙镇 passes 甲镇: against 第1期 it rose one place and 甲镇 fell one.
    expect((await app.say('admin', 'console', 'pay 9 in 乙镇')).status).toBe('ok');
    const live = await app.say('admin', 'leaders', 'board');
    expect(live.table!.rows.map((r) => [r[1], r.at(-1)])).toEqual([
      ['乙镇', '▲1'],
      ['甲镇', '▼1'],
    ]);
    app.setNow(new Date('2026-11-23T02:01:00Z'));
    expect((await app.say('admin', 'leaders', 'board post')).text).toContain('第2期');
    const posts = await app.database.db.selectFrom('board_post').select('id').orderBy('id').execute();
    const ranks = await standingsOf(app.database.db, posts[1]!.id);
    expect(ranks.map((r) => r.rank).sort()).toEqual([1, 2]);
    // The live board now compares with 第2期: no change since.
    const after = await app.say('admin', 'leaders', 'board');
    expect(after.table!.rows.map((r) => [r[1], r.at(-1)])).toEqual([
      ['乙镇', '—'],
      ['甲镇', '—'],
    ]);
  });
});
