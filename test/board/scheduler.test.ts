/**
 * The daily schedule under fake timers with the process in UTC: it fires at
 * 18:00 Asia/Shanghai (10:00 UTC), catches up once within the grace window,
 * never outside the campaign, and refuses a time or zone it cannot schedule.
 */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PassThrough } from 'node:stream';
import { rmSync } from 'node:fs';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { startBoardScheduler, type BoardScheduler } from '../../src/board/scheduler.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { startBackground } from '../../src/background.ts';
import { loadConfig } from '../../src/config.ts';
import { createConsolePlatform } from '../../src/platforms/console/console-platform.ts';
import { join } from 'node:path';

let app: TestApp | undefined;
let scheduler: BoardScheduler | undefined;
let dir: string | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
  await app?.close();
  app = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function setUp(at: string, opts: { dir?: string } = {}): Promise<TestApp> {
  const a = await openTestApp({ now: new Date(at), ...opts });
  for (const line of ['township add 甲镇 target 100', 'township add 乙镇 target 100', 'pay 5 in 甲镇']) {
    expect((await a.say('admin', 'console', line)).status).toBe('ok');
  }
  await a.say('admin', 'leaders', 'bind leaders');
  return a;
}

const start = (a: TestApp, extra: Partial<Parameters<typeof startBoardScheduler>[0]> = {}) =>
  startBoardScheduler({
    db: a.database.db,
    boardAt: [{ hour: 18, minute: 0 }],
    graceMs: 6 * 3_600_000,
    t: catalogue('zh-CN'),
    demo: false,
    log: a.log,
    ...extra,
  });

const posts = (a: TestApp) => a.database.db.selectFrom('board_post').selectAll().orderBy('id').execute();

describe('board schedule', () => {
  it('fires at 18:00 Asia/Shanghai, which is 10:00 UTC, whatever the process zone', async () => {
    expect(new Date('2026-11-23T10:00:00Z').getHours()).toBe(10); // the process runs in UTC
    app = await setUp('2026-11-23T02:00:00Z');
    vi.useFakeTimers({ now: new Date('2026-11-23T09:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    let queued = 0;
    scheduler = await start(app, { onQueued: () => queued++ });
    expect(scheduler.timeZone).toBe('Asia/Shanghai');
    expect(scheduler.nextRuns().map((d) => d.toISOString())).toEqual(['2026-11-23T10:00:00.000Z']);

    await vi.advanceTimersByTimeAsync(59 * 60_000 + 59_000); // 09:59:59 UTC
    await scheduler.idle();
    expect(await posts(app)).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(1_000); // 10:00:00 UTC = 18:00 in Shanghai
    await scheduler.idle();
    // node-schedule may fire a few fake milliseconds late: wait for the post to be queued.
    await vi.waitFor(() => expect(queued).toBe(1), { timeout: 10_000, interval: 10 });
    await scheduler.idle();
    const [post] = await posts(app);
    expect(post).toMatchObject({ seq: 1, slot: '18:00', kind: 'scheduled', late: 0, business_date: '2026-11-23', as_of: '2026-11-23T10:00:00.000Z' });
    expect(queued).toBe(1);
    const outbox = await app.database.db.selectFrom('outbox').selectAll().execute();
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(outbox[0]!.reply).title).toBe('第1期 本区城乡居民医保征缴进度通报（截至 11月23日 18:00）');
    expect(scheduler.nextRuns().map((d) => d.toISOString())).toEqual(['2026-11-24T10:00:00.000Z']);
  });

  it('posts a missed time once at start, marked late, and not again on the next start', async () => {
    dir = await makeDir();
    app = await setUp('2026-11-23T02:00:00Z', { dir });
    vi.useFakeTimers({ now: new Date('2026-11-23T11:30:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] }); // 19:30 in Shanghai
    scheduler = await start(app);
    await scheduler.idle();
    const [post] = await posts(app);
    expect(post).toMatchObject({ seq: 1, slot: '18:00', kind: 'scheduled', late: 1, business_date: '2026-11-23' });
    const reply = JSON.parse((await app.database.db.selectFrom('outbox').select('reply').executeTakeFirstOrThrow()).reply);
    expect(reply.title).toBe('第1期 本区城乡居民医保征缴进度通报（截至 11月23日 19:30）【迟发】');
    await scheduler.stop();

    // A second start (another process, same database) does not repeat it.
    vi.setSystemTime(new Date('2026-11-23T12:00:00Z'));
    scheduler = await start(app, { instanceId: 'second' });
    await scheduler.idle();
    expect(await posts(app)).toHaveLength(1);
    expect(await app.database.db.selectFrom('outbox').select('id').execute()).toHaveLength(1);
  });

  it('makes no late post on a database set up after the board time: nothing was missed', async () => {
    app = await setUp('2026-11-23T11:00:00Z'); // 19:00 in Shanghai, after the 18:00 board
    vi.useFakeTimers({ now: new Date('2026-11-23T11:30:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    scheduler = await start(app);
    await scheduler.idle();
    expect(await posts(app)).toHaveLength(0);
  });

  it('does not catch up past the grace window, nor outside the campaign', async () => {
    app = await setUp('2026-11-23T02:00:00Z');
    vi.useFakeTimers({ now: new Date('2026-11-23T16:30:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] }); // 00:30 next day, 6.5 h late
    scheduler = await start(app);
    await scheduler.idle();
    expect(await posts(app)).toHaveLength(0);
    await scheduler.stop();
    // 2 h grace: still nothing; 7 h grace: yesterday's 18:00 goes out late.
    scheduler = await start(app, { graceMs: 2 * 3_600_000 });
    await scheduler.idle();
    expect(await posts(app)).toHaveLength(0);
    await scheduler.stop();
    scheduler = await start(app, { graceMs: 7 * 3_600_000 });
    await scheduler.idle();
    expect((await posts(app)).map((p) => [p.business_date, p.late])).toEqual([['2026-11-23', 1]]);
    await scheduler.stop();
    scheduler = undefined;

    // The campaign ended yesterday: neither the late post nor the 18:00 run posts.
    await app.database.db.updateTable('campaign').set({ deadline: '2026-11-23' }).execute();
    vi.setSystemTime(new Date('2026-11-24T11:00:00Z'));
    scheduler = await start(app);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    await scheduler.idle();
    expect(await posts(app)).toHaveLength(1);
    // Before the start: likewise.
    await app.database.db.updateTable('campaign').set({ start_date: '2026-12-01', deadline: '2026-12-31' }).execute();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    await scheduler.idle();
    expect(await posts(app)).toHaveLength(1);
  });

  it('refuses to start with a bad time or a bad zone', async () => {
    app = await setUp('2026-11-23T02:00:00Z');
    await expect(start(app, { boardAt: [{ hour: 24, minute: 0 }] })).rejects.toThrow(/24:0 is not a time of day/);
    await expect(start(app, { boardAt: [] })).rejects.toThrow(/no board time/);
    await app.database.db.updateTable('campaign').set({ time_zone: 'Mars/Olympus' }).execute();
    await expect(start(app)).rejects.toThrow(/time zone "Mars\/Olympus" is not a time zone/);
    expect(() => loadConfig({ ENROLLBOT_BOARD_AT: '25:00' })).toThrow(/ENROLLBOT_BOARD_AT "25:00"/);
    expect(() => loadConfig({ ENROLLBOT_BOARD_GRACE_HOURS: 'soon' })).toThrow(/ENROLLBOT_BOARD_GRACE_HOURS "soon"/);
    expect(loadConfig({ ENROLLBOT_BOARD_GRACE_HOURS: '2' }).boardGraceHours).toBe(2);
  });

  it('in the console with the demo district, a board time earlier today prints the late board once; a restart does not', async () => {
    dir = await makeDir();
    const run = async () => {
      // The demo database was made at 08:00, before the 09:00 board; the bot is back at 10:00.
      const a = await openTestApp({ dir, demo: true, now: new Date('2026-11-23T00:00:00Z'), env: { ENROLLBOT_BOARD_AT: '09:00' } });
      const output = new PassThrough();
      let printed = '';
      output.on('data', (d: Buffer) => (printed += d.toString('utf8')));
      const consolePlatform = createConsolePlatform({ dispatcher: a.dispatcher, input: new PassThrough(), output, interactive: false, imageDir: join(dir!, 'images') });
      const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir!, 'enrollbot.db')}`, ENROLLBOT_BOARD_AT: '09:00' });
      const background = await startBackground({ app: a, config, platforms: [consolePlatform], log: a.log, now: () => new Date('2026-11-23T02:00:00Z') });
      await background.stop({ drain: true, timeoutMs: 10_000 });
      await a.close();
      return printed;
    };
    const first = await run();
    expect(first.match(/\[#leaders\] 【演示数据】第1期 本区城乡居民医保征缴进度通报（截至 11月23日 10:00）【迟发】/g)).toHaveLength(1);
    expect(first).toMatch(/\[#leaders\] \[image\] \S+\.png/);
    const second = await run();
    expect(second).toBe('');
  });
});
