/**
 * `npm start` runs the lapse schedule beside the board's: the monthly scan
 * happens by itself on the 5th at 09:00 in the campaign zone (moved to the
 * next working day), with the process in UTC.
 */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { startBackground, type Background } from '../../src/background.ts';
import { loadConfig } from '../../src/config.ts';
import { getSetting } from '../../src/store/settings.ts';
import { importOneContributor } from '../helpers/lapse-files.ts';

let app: TestApp | undefined;
let background: Background | undefined;
afterEach(async () => {
  await background?.stop();
  background = undefined;
  vi.useRealTimers();
  await app?.close();
  app = undefined;
});

describe('the lapse schedule in the background', () => {
  it('screens the previous month on the first working day from the 5th, 09:00 Shanghai, and only once', async () => {
    app = await openTestApp({ now: new Date('2026-12-07T00:00:00Z') });
    await app.say('admin', 'c', 'township add 城南街道');
    await importOneContributor(app, { township: '城南街道', lastPaid: '2026-09', through: '2026-11', now: new Date('2026-11-23T02:00:00Z') });
    // 5 December 2026 is a Saturday: the scan moves to Monday 7 December, 09:00 (01:00 UTC).
    vi.useFakeTimers({ now: new Date('2026-12-05T00:55:00Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    // The outbox worker idles: polling every 250 ms over hours of fake time would only slow the test.
    background = await startBackground({ app, config: loadConfig({ ENROLLBOT_DEMO: '0' }), platforms: [], log: app.log, now: () => new Date(), pollMs: 3_600_000 });
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(await getSetting(app.database.db, 'lapse.last_scan_month')).toBeUndefined();
    vi.setSystemTime(new Date('2026-12-07T00:50:00Z'));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(await getSetting(app.database.db, 'lapse.last_scan_month')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    // On PostgreSQL the tick's queries go over a socket and finish in real time.
    await vi.waitFor(async () => expect(await getSetting(app!.database.db, 'lapse.last_scan_month')).toBe('2026-11'), { timeout: 10_000, interval: 50 });
    const scannedAt = await getSetting(app.database.db, 'lapse.last_reminder_at');
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(await getSetting(app.database.db, 'lapse.last_reminder_at')).toBe(scannedAt);
  });

  it('says at start when the campaign reaches a year the holiday table does not cover', async () => {
    app = await openTestApp();
    const config = loadConfig({ ENROLLBOT_DEMO: '0' });
    const warned = () => app!.log.lines.filter((l) => l.includes('holiday calendar does not cover'));
    background = await startBackground({ app, config, platforms: [], log: app.log, now: () => new Date('2026-11-23T02:00:00Z'), pollMs: 3_600_000 });
    expect(warned()).toEqual([]);
    await background.stop();
    expect((await app.say('admin', 'console', 'campaign deadline 2027-01-31')).status).toBe('ok');
    background = await startBackground({ app, config, platforms: [], log: app.log, now: () => new Date('2026-11-23T02:00:00Z'), pollMs: 3_600_000 });
    expect(warned()).toHaveLength(1);
    expect(JSON.parse(warned()[0]!)).toMatchObject({ level: 'warn', years: [2027] });
  });
});
