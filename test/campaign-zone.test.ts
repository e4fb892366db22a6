/**
 * One time zone, the campaign's: `campaign zone` changes it (validated,
 * audited), every schedule follows it (the board on another replica, the
 * lapse scan), and ENROLLBOT_TZ only seeds a new database, a different value
 * being a warning at start.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDir, openTestApp, type TestApp } from './helpers/app.ts';
import { importOneContributor } from './helpers/lapse-files.ts';
import { until } from './helpers/until.ts';
import { startBoardScheduler, type BoardScheduler } from '../src/board/scheduler.ts';
import { lapseTick } from '../src/lapse/schedule.ts';
import { catalogue } from '../src/i18n/index.ts';
import { zonedParts } from '../src/domain/calendar.ts';
import { loadConfig } from '../src/config.ts';
import { startBackground, type Background } from '../src/background.ts';

const opened: TestApp[] = [];
let scheduler: BoardScheduler | undefined;
let background: Background | undefined;
let dir: string | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  await background?.stop();
  background = undefined;
  for (const a of opened.splice(0).reverse()) await a.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function open(opts: Parameters<typeof openTestApp>[0] = {}): Promise<TestApp> {
  const a = await openTestApp(opts);
  opened.push(a);
  return a;
}

const zoneOf = async (a: TestApp) => (await a.database.db.selectFrom('campaign').select('time_zone').where('is_current', '=', 1).executeTakeFirstOrThrow()).time_zone;
const zoneAudits = async (a: TestApp) =>
  (await a.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.set').execute())
    .map((r) => JSON.parse(r.detail) as Record<string, unknown>)
    .filter((d) => d.field === 'zone');

describe('campaign zone', () => {
  it('changes the zone, says what today is there, shows it and audits it with the zone it replaced', async () => {
    // 2026-11-23 17:00 UTC: already the 24th in Shanghai, still the 23rd in New York.
    const app = await open({ now: new Date('2026-11-23T17:00:00Z') });
    const r = await app.say('admin', 'console', 'campaign zone America/New_York');
    expect(r.status).toBe('ok');
    expect(r.text).toContain('America/New_York');
    expect(r.text).toContain('2026-11-23');
    expect(await zoneOf(app)).toBe('America/New_York');
    expect((await app.say('admin', 'console', 'campaign')).text).toContain('时区：America/New_York');
    expect(await zoneAudits(app)).toEqual([expect.objectContaining({ value: 'America/New_York', was: 'Asia/Shanghai' })]);
  });

  it('takes the Chinese words and any capitalisation, spelled back as the zone is named', async () => {
    const app = await open();
    const r = await app.say('admin', 'console', '征缴 时区 asia/urumqi');
    expect(r.status).toBe('ok');
    expect(await zoneOf(app)).toBe('Asia/Urumqi');
    // The same zone again changes nothing and audits nothing more.
    expect((await app.say('admin', 'console', 'campaign zone Asia/Urumqi')).text).toContain('未作改动');
    expect(await zoneAudits(app)).toHaveLength(1);
  });

  it.each(['Mars/Olympus', 'Beijing', '+08:00', 'UTC+8', '东八区'])('refuses %s with an example, writing nothing', async (bad) => {
    const app = await open();
    const r = await app.say('admin', 'console', `campaign zone ${bad}`);
    expect(r.status).not.toBe('ok');
    expect(r.text).toContain(`“${bad}”不是时区名称`);
    expect(r.text).toContain('campaign zone Asia/Shanghai');
    expect(await zoneOf(app)).toBe('Asia/Shanghai');
    expect(await zoneAudits(app)).toHaveLength(0);
  });

  it('refuses in English too, and only an admin may change it', async () => {
    const app = await open({ env: { ENROLLBOT_LOCALE: 'en' } });
    const r = await app.say('admin', 'console', 'campaign zone Moon/Base');
    expect(r.text).toContain('"Moon/Base" is not a time zone name');
    expect(r.text).toContain('campaign zone Asia/Shanghai');
    expect((await app.say('someone', 'console', 'campaign zone Europe/London')).status).not.toBe('ok');
    expect(await zoneOf(app)).toBe('Asia/Shanghai');
  });
});

describe('the schedules follow the campaign zone', () => {
  it("a zone changed on another replica moves this replica's next board time", async () => {
    dir = await makeDir();
    const here = await open({ dir });
    const there = await open({ dir });
    scheduler = await startBoardScheduler({
      db: here.database.db,
      boardAt: [{ hour: 18, minute: 0 }],
      graceMs: 0,
      t: catalogue('zh-CN'),
      demo: false,
      log: here.log,
      zoneCheckMs: 20,
    });
    const before = scheduler.nextRuns()[0]!;
    expect(zonedParts(before, 'Asia/Shanghai')).toMatchObject({ hour: 18, minute: 0 });

    expect((await there.say('admin', 'console', 'campaign zone America/New_York')).status).toBe('ok');
    await until(
      () => scheduler!.timeZone === 'America/New_York',
      () => `the schedule runs in ${scheduler!.timeZone}`,
    );
    const after = scheduler.nextRuns()[0]!;
    expect(zonedParts(after, 'America/New_York')).toMatchObject({ hour: 18, minute: 0 });
    // 18:00 in New York is 13 hours after 18:00 in Shanghai (winter): a different instant.
    expect(after.getTime()).not.toBe(before.getTime());
    const day = 86_400_000;
    expect((((after.getTime() - before.getTime()) % day) + day) % day).toBe(13 * 3_600_000);
    expect(here.log.lines.some((l) => l.includes("board schedule moved to the campaign's time zone"))).toBe(true);
  });

  it('the nightly backup moves with the zone, at the same time of day', async () => {
    const app = await open();
    background = await startBackground({ app, config: loadConfig({ ENROLLBOT_DEMO: '0' }), platforms: [], log: app.log, pollMs: 3_600_000, zoneCheckMs: 20 });
    // PostgreSQL is backed up with its own tools: no nightly copy to move.
    if (!app.database.file) return expect(background.nextBackup()).toBeNull();
    const before = background.nextBackup();
    expect(before && zonedParts(before, 'Asia/Shanghai')).toMatchObject({ hour: 2, minute: 30 });
    expect((await app.say('admin', 'console', 'campaign zone Europe/London')).status).toBe('ok');
    await until(
      () => background!.scheduler.timeZone === 'Europe/London',
      () => `the schedule runs in ${background!.scheduler.timeZone}`,
    );
    const after = background.nextBackup();
    expect(after && zonedParts(after, 'Europe/London')).toMatchObject({ hour: 2, minute: 30 });
  });

  it('the monthly lapse scan keeps to the campaign zone, not the server', async () => {
    const app = await open();
    expect((await app.say('admin', 'console', 'township add 甲镇 target 100')).status).toBe('ok');
    await importOneContributor(app, { township: '甲镇', lastPaid: '2026-09', through: '2026-11', now: new Date('2026-11-23T02:00:00Z') });
    const t = catalogue('zh-CN');
    // Monday 7 December 01:00 UTC: 09:00 in Shanghai (the scan's time), Sunday 20:00 in New York.
    const at = () => new Date('2026-12-07T01:00:00Z');
    expect((await app.say('admin', 'console', 'campaign zone America/New_York')).status).toBe('ok');
    expect((await lapseTick({ db: app.database.db, t, log: app.log, now: at })).scanned).toBeNull();
    expect((await app.say('admin', 'console', 'campaign zone Asia/Shanghai')).status).toBe('ok');
    expect((await lapseTick({ db: app.database.db, t, log: app.log, now: at })).scanned).toBe('2026-11');
  });
});

describe('ENROLLBOT_TZ', () => {
  const warning = "ENROLLBOT_TZ differs from the campaign's time zone";

  it('seeds a new database, and a different value later is a warning at start, not a change', async () => {
    dir = await makeDir();
    const first = await open({ dir, env: { ENROLLBOT_TZ: 'Asia/Urumqi' } });
    expect(await zoneOf(first)).toBe('Asia/Urumqi');
    expect(first.log.lines.some((l) => l.includes(warning))).toBe(false);

    const second = await open({ dir, env: { ENROLLBOT_TZ: 'Europe/London' } });
    const line = second.log.lines.find((l) => l.includes(warning));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: 'warn', configured: 'Europe/London', campaign: 'Asia/Urumqi' });
    expect(await zoneOf(second)).toBe('Asia/Urumqi');
  });

  it('unset, nothing is warned about, whatever the campaign zone', async () => {
    dir = await makeDir();
    const first = await open({ dir });
    expect((await first.say('admin', 'console', 'campaign zone Europe/London')).status).toBe('ok');
    const second = await open({ dir });
    expect(second.log.lines.some((l) => l.includes(warning))).toBe(false);
  });

  it('is checked as a time zone, with an example', () => {
    expect(loadConfig({}).timeZone).toBeNull();
    expect(loadConfig({ ENROLLBOT_TZ: 'Asia/Urumqi' }).timeZone).toBe('Asia/Urumqi');
    expect(() => loadConfig({ ENROLLBOT_TZ: 'Mars/Olympus' })).toThrow('ENROLLBOT_TZ "Mars/Olympus" is not a time zone (e.g. Asia/Shanghai)');
  });
});
