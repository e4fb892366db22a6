/** Numbered posts, stored standings, rank change, pace and days left on a hand-computed district. */
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { createOutboxWorker } from '../../src/outbox/worker.ts';
import { createConsolePlatform } from '../../src/platforms/console/console-platform.ts';
import { formatRankChange, withRankChange } from '../../src/board/board.ts';
import { standingsOf } from '../../src/store/board-posts.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** 2026-11-23 10:00 Asia/Shanghai; deadline 2026-11-30 → 8 days left counting today. */
async function district(): Promise<TestApp> {
  const a = await openTestApp({ now: new Date('2026-11-23T02:00:00Z') });
  const script = [
    'campaign deadline 2026-11-30',
    'township add 甲镇 target 100',
    'township add 乙镇 target 200',
    'township add 丙镇 target 50',
    'township add 丁镇 target 100',
    'pay 50 in 甲镇',
    'pay 60 in 乙镇',
    'pay 40 in 丙镇',
    'pay 10 in 丁镇',
  ];
  for (const line of script) expect((await a.say('admin', 'console', line)).status).toBe('ok');
  expect((await a.say('admin', 'leaders', 'bind leaders')).status).toBe('ok');
  return a;
}

const rowsOf = (reply: { table?: { rows: string[][] } }) => reply.table!.rows.map((r) => r.join(' | '));

describe('board posts', () => {
  it('formats rank changes', () => {
    expect([2, -1, 0, null].map((c) => formatRankChange(c, '新'))).toEqual(['▲2', '▼1', '—', '新']);
    const rows = withRankChange(
      [
        { areaId: 1, name: 'a', enrolled: 1, target: 1, today: 0, amountFen: 0, rank: 1, rateBp: 10_000 },
        { areaId: 2, name: 'b', enrolled: 0, target: 1, today: 0, amountFen: 0, rank: 2, rateBp: 0 },
      ],
      new Map([[2, 1]]),
    );
    expect(rows.map((r) => r.change)).toEqual([null, -1]);
  });

  it('publishes 第1期 with exact figures, stores its standings, and queues one message per leaders channel', async () => {
    app = await district();
    expect((await app.say('admin', 'leaders2', 'bind leaders')).status).toBe('ok');
    const posted = await app.say('admin', 'console', 'board post');
    expect(posted.text).toBe('已发布 本区第1期，共 2 个频道，稍后送达。');

    const db = app.database.db;
    const post = await db.selectFrom('board_post').selectAll().executeTakeFirstOrThrow();
    expect(post).toMatchObject({ seq: 1, business_date: '2026-11-23', slot: '10:00', kind: 'manual', late: 0 });
    expect([post.enrolled, post.target, post.today, post.amount_fen].map(Number)).toEqual([160, 450, 160, 6_400_000]);
    const names = new Map((await db.selectFrom('area').select(['id', 'name']).execute()).map((a) => [a.id, a.name]));
    const standings = await standingsOf(db, post.id);
    expect(standings.map((s) => `${s.rank} ${names.get(s.areaId)} ${s.enrolled}/${s.target} +${s.today}`)).toEqual([
      '1 丙镇 40/50 +40',
      '2 甲镇 50/100 +50',
      '3 乙镇 60/200 +60',
      '4 丁镇 10/100 +10',
    ]);
    const outbox = await db.selectFrom('outbox').selectAll().orderBy('channel_id').execute();
    expect(outbox.map((o) => o.channel_id)).toEqual(['leaders', 'leaders2']);
    const reply = JSON.parse(outbox[0]!.reply);
    expect(reply.title).toBe('第1期 本区城乡居民医保征缴进度通报（截至 11月23日 10:00）');
    expect(reply.footer).toContain('本区合计：160/450人，完成率 35.56%，今日新增 +160人，收缴 6.40万元。');
    // 290 people left over 8 days (23 to 30 November): 36.25 → 37 a day.
    expect(reply.footer).toContain('距截止（2026-11-30）还有 8 天，每天还需约 37 人。');
    // Four townships: the top and bottom three would share two names, so neither is listed.
    expect(reply.footer).not.toContain('前三名');
    expect(reply.footer).not.toContain('后三名');
    expect(JSON.parse(outbox[0]!.image!).filename).toMatch(/\.png$/);
    // The first post has nothing to compare with: no change column. Every line is behind the
    // time elapsed (84 of 91 days), so the marks column is there; no official figures, no reconciliation.
    expect(reply.table.columns.map((c: { header: string }) => c.header)).toEqual(['排名', '名称', '已缴/任务(人)', '完成率', '今日新增', '收缴(万元)', '还差', '标记']);
    expect(reply.text).toBe('数据来源：乡镇自报\n序时进度 92.31%（征缴期第 84/91 天）');

    // The same minute again: nothing is posted twice.
    const again = await app.say('admin', 'console', 'board post');
    expect(again.text).toBe('本分钟（10:00）的通报已经发布过，未重复发布。');
    expect(await db.selectFrom('outbox').select('id').execute()).toHaveLength(2);
  });

  it('shows rank change against the previous post, live and in the next post, with today’s increase', async () => {
    app = await district();
    await app.say('admin', 'console', 'board post');
    // Next day: 乙镇 logs 110 (170/200 = 85 %), a new township appears.
    app.setNow(new Date('2026-11-24T03:00:00Z'));
    await app.say('admin', 'console', 'pay 110 in 乙镇');
    await app.say('admin', 'console', 'township add 戊镇 target 100');

    const live = await app.say('周局长', 'leaders', 'board');
    expect(live.title).toBe('本区城乡居民医保征缴进度（实时，截至 11月24日 11:00）');
    expect(live.table!.columns.at(-1)!.header).toBe('较上期');
    expect(rowsOf(live)).toEqual([
      '1 | 乙镇 | 170/200 | 85.00% | +110 | 6.80 | 30 | 落后序时 | ▲2',
      '2 | 丙镇 | 40/50 | 80.00% | +0 | 1.60 | 10 | 落后序时 | ▼1',
      '3 | 甲镇 | 50/100 | 50.00% | +0 | 2.00 | 50 | 落后序时 | ▼1',
      '4 | 丁镇 | 10/100 | 10.00% | +0 | 0.40 | 90 | 落后序时 | —',
      '5 | 戊镇 | 0/100 | 0.00% | +0 | 0.00 | 100 | 落后序时 | 新',
    ]);
    expect(live.footer).toContain('排名变化对比第1期（11月23日 10:00）。');
    // 550 target, 270 enrolled → 280 over 7 days (24 to 30 November) → 40 a day.
    expect(live.footer).toContain('本区合计：270/550人，完成率 49.09%，今日新增 +110人，收缴 10.80万元。');
    expect(live.footer).toContain('还有 7 天，每天还需约 40 人。');

    const second = await app.say('admin', 'console', 'board post');
    expect(second.text).toBe('已发布 本区第2期，共 1 个频道，稍后送达。');
    const rows = await app.database.db.selectFrom('outbox').select('reply').orderBy('id').execute();
    const reply = JSON.parse(rows.at(-1)!.reply);
    expect(reply.title).toBe('第2期 本区城乡居民医保征缴进度通报（截至 11月24日 11:00）');
    expect(reply.table.rows[0]).toEqual(['1', '乙镇', '170/200', '85.00%', '+110', '6.80', '30', '落后序时', '▲2']);
  });

  it('refuses board post to a non-admin and without a leaders channel, writing nothing', async () => {
    app = await openTestApp();
    expect((await app.say('admin', 'console', 'township add 甲镇 target 100')).status).toBe('ok');
    const none = await app.say('admin', 'console', 'board post');
    expect(none).toMatchObject({ status: 'refused', text: '还没有领导群。请在领导群里发送 bind leaders 绑定后再发布。' });
    await app.say('admin', 'leaders', 'bind leaders');
    const denied = await app.say('someone', 'leaders', 'board post');
    expect(denied).toMatchObject({ status: 'refused', text: '只有管理员可以这样做。' });
    expect(await app.database.db.selectFrom('board_post').select('id').execute()).toHaveLength(0);
    expect(await app.database.db.selectFrom('job_claim').select('job').execute()).toHaveLength(0);
  });

  it('in the console, board post prints the numbered board in the leaders channel with the chart path', async () => {
    app = await openTestApp({ demo: true });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString('utf8')));
    const imageDir = join(app.dir, 'images');
    const consolePlatform = createConsolePlatform({ dispatcher: app.dispatcher, input, output, interactive: false, imageDir });
    const worker = createOutboxWorker({ db: app.database.db, platforms: [consolePlatform], log: app.log, pollMs: 20 });
    await consolePlatform.start();
    worker.start();
    input.end('board post\n');
    await consolePlatform.finished;
    await worker.stop({ drain: true, timeoutMs: 10_000 });
    expect(printed).toContain('已发布 本区第1期，共 1 个频道');
    expect(printed).toContain('[#leaders] 【演示数据】第1期 本区城乡居民医保征缴进度通报（截至 11月23日 10:00）');
    const path = /\[#leaders\] \[image\] (\S+\.png)/.exec(printed)?.[1];
    expect(path).toBeDefined();
    expect(existsSync(path!)).toBe(true);
    expect(readFileSync(path!).subarray(1, 4).toString('ascii')).toBe('PNG');
    rmSync(imageDir, { recursive: true, force: true });
  });
});
