/**
 * The `/healthz` report on a real database: when the board, the lapse work
 * and the nightly backup last ran, as an operator sees them after the runs
 * happen; and a database that never answers makes an unhealthy report after
 * the timeout instead of a probe that hangs.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { importOneContributor } from '../helpers/lapse-files.ts';
import { botHealth, checkHealth } from '../../src/ops/health.ts';
import { runBoardSlot } from '../../src/board/scheduler.ts';
import { lapseTick } from '../../src/lapse/schedule.ts';
import { catalogue } from '../../src/i18n/index.ts';
import type { PlatformStatus } from '../../src/core/platform-port.ts';
import { loadConfig } from '../../src/config.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const t = catalogue('zh-CN');

describe('health report', () => {
  it('shows the last scheduled board run, not a `board post`, and the lapse scan month and reminder', async () => {
    app = await openTestApp();
    for (const line of ['township add 甲镇 target 100', 'pay 5 in 甲镇']) expect((await app.say('admin', 'console', line)).status).toBe('ok');
    await app.say('admin', 'leaders', 'bind leaders');
    const report = botHealth({ db: app.database.db, platforms: [], log: app.log });
    expect((await report()).lastRuns).toEqual({ board: null, lapseScan: null, lapseReminder: null, backup: null });

    await runBoardSlot({ db: app.database.db, t, demo: false, log: app.log, slot: '18:00', businessDate: '2026-11-23', late: false, now: new Date('2026-11-23T10:00:00Z'), instanceId: 'test' });
    expect((await report()).lastRuns.board).toBe('2026-11-23T10:00:00.000Z');

    // An admin's `board post` is not the schedule running.
    app.setNow(new Date('2026-11-23T12:00:00Z'));
    expect((await app.say('admin', 'leaders', 'board post')).status).toBe('ok');
    expect((await report()).lastRuns.board).toBe('2026-11-23T10:00:00.000Z');

    // The monthly scan on its day (Monday 7 December, 09:00 in Shanghai, the 5th being a Saturday).
    await importOneContributor(app, { township: '甲镇', lastPaid: '2026-09', through: '2026-11', now: new Date('2026-11-23T02:00:00Z') });
    const scanned = await lapseTick({ db: app.database.db, t, log: app.log, now: () => new Date('2026-12-07T01:00:00Z') });
    expect(scanned.scanned).toBe('2026-11');
    const after = await report();
    expect(after.lastRuns).toMatchObject({ board: '2026-11-23T10:00:00.000Z', lapseScan: '2026-11', lapseReminder: '2026-12-07T01:00:00.000Z' });
    expect(after.status).toBe('ok');
  });

  it('warns, still healthy, when the campaign reaches a year the holiday table does not cover', async () => {
    app = await openTestApp();
    const report = botHealth({ db: app.database.db, platforms: [], log: app.log, now: () => new Date('2026-11-23T02:00:00Z') });
    expect(await report()).toMatchObject({ status: 'ok', holidays: { coveredThrough: 2026, missingYears: [] }, warnings: [] });
    expect((await app.say('admin', 'console', 'campaign deadline 2027-01-31')).status).toBe('ok');
    const after = await report();
    expect(after).toMatchObject({ status: 'ok', problems: [], holidays: { missingYears: [2027] }, warnings: ['holidays: 2027 not covered'] });
  });

  it('shows when the newest nightly copy was written', async () => {
    app = await openTestApp();
    const dir = join(app.dir, 'backups');
    mkdirSync(dir);
    const copies = { 'enrollbot-2026-11-21.db': '2026-11-20T18:30:00Z', 'enrollbot-2026-11-22.db': '2026-11-21T18:30:00Z', 'notes.txt': '2026-11-22T08:00:00Z' };
    for (const [name, at] of Object.entries(copies)) {
      writeFileSync(join(dir, name), 'x');
      utimesSync(join(dir, name), new Date(at), new Date(at));
    }
    expect((await botHealth({ db: app.database.db, platforms: [], log: app.log, backupDir: dir })()).lastRuns.backup).toBe('2026-11-21T18:30:00.000Z');
    // No folder yet (no backup taken): nothing to show, and still healthy.
    const none = await botHealth({ db: app.database.db, platforms: [], log: app.log, backupDir: join(app.dir, 'nowhere') })();
    expect(none).toMatchObject({ status: 'ok', lastRuns: { backup: null } });
  });

  it('is unhealthy after the timeout when the database never answers, and names it', async () => {
    const report = await checkHealth(
      {
        pingDatabase: () => new Promise<void>(() => {}),
        lastRuns: () => Promise.resolve({ board: null, lapseScan: null, lapseReminder: null }),
        platforms: [{ name: 'discord', status: (): PlatformStatus => 'connected' }],
        uptimeMs: () => 61_500,
      },
      { timeoutMs: 50 },
    );
    expect(report).toMatchObject({
      status: 'unhealthy',
      problems: ['database: timeout'],
      database: { ok: false, error: 'timeout' },
      platforms: { discord: 'connected' },
      uptimeSeconds: 61,
    });
  });

  it('is unhealthy when any configured platform is not connected, listing each', async () => {
    app = await openTestApp();
    const platforms = [
      { name: 'slack', status: (): PlatformStatus => 'connected' },
      { name: 'discord', status: (): PlatformStatus => 'connecting' },
    ];
    const report = await botHealth({ db: app.database.db, platforms, log: app.log })();
    expect(report).toMatchObject({ status: 'unhealthy', problems: ['discord: connecting'], database: { ok: true }, platforms: { slack: 'connected', discord: 'connecting' } });
  });
});

describe('PORT', () => {
  it('is where /healthz listens when set; unset, Slack HTTP mode still listens on 3000; a non-port is refused', () => {
    expect(loadConfig({}).port).toBeNull();
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
    const slack = { SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's' };
    expect(loadConfig(slack).slack?.port).toBe(3000);
    expect(loadConfig({ ...slack, PORT: '8080' }).slack?.port).toBe(8080);
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT "http" must be a port number/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT "70000"/);
  });
});
