import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import schedule from 'node-schedule';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { testDialect } from '../helpers/database.ts';
import { CONTRIBUTION_HEADER, importOneContributor, ROSTER_HEADER, testId, writeCsv } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';
import { lapseTick, monthlyScanDue, scheduleLapse } from '../../src/lapse/schedule.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { getSetting } from '../../src/store/settings.ts';

const Z = 'Asia/Shanghai';

describe('monthlyScanDue', () => {
  it.each([
    ['2026-12-07T00:59:00Z', null, null], // 08:59 on the (moved) scan day
    ['2026-12-07T01:00:00Z', null, '2026-11'],
    ['2026-12-07T01:00:00Z', '2026-11', null], // done already
    ['2026-12-05T02:00:00Z', '2026-10', null], // Saturday the 5th: moved to Monday
    ['2026-12-21T02:00:00Z', '2026-10', '2026-11'], // missed (the bot was down): catches up on a working day…
    ['2026-12-20T02:00:00Z', '2026-10', null], // …not on a Sunday
    ['2026-12-08T14:00:00Z', '2026-10', null], // …nor at 22:00: reminders would go out at night
    ['2026-12-09T00:30:00Z', '2026-10', '2026-11'], // 08:30 the next morning
    ['2027-01-05T01:00:00Z', '2026-11', '2026-12'], // a January scan screens December
  ])('%s after %s → %s', (iso, last, expected) => expect(monthlyScanDue(new Date(iso), Z, last)).toBe(expected));
});

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('lapseTick', () => {
  it('scans once on the scan day, then re-reminds weekly on working days only', async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 城南街道');
    await app.say('admin', '城南', 'bind 城南街道');
    writeCsv(join(app.dir, 'r.csv'), [ROSTER_HEADER, ['张三', testId(1), '城南街道', '单位', '', '', '']]);
    // someone off the roster paid November: the month is imported, so it can be screened
    writeCsv(join(app.dir, 'c.csv'), [CONTRIBUTION_HEADER, [testId(1), '2026-09', '500'], [testId(9), '2026-11', '500']]);
    const o = { db: app.database.db, hasher: piiHasher('k'), sealer: piiSealer(deriveSealKeys('k')), now: new Date('2026-11-23T02:00:00Z'), today: '2026-11-23' };
    await importRoster(join(app.dir, 'r.csv'), o);
    await importContributions(join(app.dir, 'c.csv'), o);

    let now = new Date('2026-12-07T00:50:00Z');
    const deps = { db: app.database.db, t: catalogue('zh-CN'), log: app.log, now: () => now };
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: false });
    now = new Date('2026-12-07T01:00:00Z');
    expect(await lapseTick(deps)).toEqual({ scanned: '2026-11', reminded: true });
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: false });
    now = new Date('2026-12-13T02:00:00Z'); // Sunday, 6 days on
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: false });
    now = new Date('2026-12-14T00:00:00Z'); // Monday 08:00
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: false });
    now = new Date('2026-12-14T00:40:00Z'); // Monday 08:40
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: true });
    const keys = (await app.database.db.selectFrom('outbox').select('dedupe_key').orderBy('id').execute()).map((r) => r.dedupe_key);
    expect(keys).toEqual(['lapse:scan:2026-11:township:console:城南', 'lapse:weekly:2026-12-14:township:console:城南']);
  });

  it('two replicas ticking at the same moment: one scans and posts, the other finds it done', async () => {
    app = await openTestApp();
    const other = await openTestApp({ dir: app.dir });
    try {
      await app.say('admin', 'c', 'township add 城南街道');
      await app.say('admin', '城南', 'bind 城南街道');
      writeCsv(join(app.dir, 'r.csv'), [ROSTER_HEADER, ['张三', testId(1), '城南街道', '单位', '', '', ''], ['李四', testId(2), '城南街道', '单位', '', '', '']]);
      writeCsv(join(app.dir, 'c.csv'), [CONTRIBUTION_HEADER, [testId(1), '2026-09', '500'], [testId(2), '2026-08', '500'], [testId(9), '2026-11', '500']]);
      const o = { db: app.database.db, hasher: piiHasher('k'), sealer: piiSealer(deriveSealKeys('k')), now: new Date('2026-11-23T02:00:00Z'), today: '2026-11-23' };
      await importRoster(join(app.dir, 'r.csv'), o);
      await importContributions(join(app.dir, 'c.csv'), o);
      const at = () => new Date('2026-12-07T01:00:00Z');
      const tick = (a: TestApp) => lapseTick({ db: a.database.db, t: catalogue('zh-CN'), log: a.log, now: at });
      // At the same moment on PostgreSQL (the advisory lock makes them take
      // turns). better-sqlite3 blocks its thread while it waits for a lock, so
      // two SQLite writers in one process cannot wait on each other: there
      // they run in turn here; across processes `begin immediate` makes them take
      // turns (test/replicas.test.ts races two processes for the board run).
      const results = testDialect === 'postgres' ? await Promise.all([tick(app), tick(other)]) : [await tick(app), await tick(other)];
      expect(results.map((r) => r.scanned).sort()).toEqual(['2026-11', null]);
      const outbox = await app.database.db.selectFrom('outbox').select('dedupe_key').execute();
      expect(outbox.map((r) => r.dedupe_key)).toEqual(['lapse:scan:2026-11:township:console:城南']);
      const cases = await app.database.db.selectFrom('lapse_case').select('id').execute();
      expect(cases).toHaveLength(2);
    } finally {
      await other.close();
    }
  });

  it('is wired to node-schedule every 10 minutes, and catches up at once at start', async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 城南街道');
    await importOneContributor(app, { township: '城南街道', lastPaid: '2026-09', through: '2026-11', now: new Date('2026-11-23T02:00:00Z') });
    const rules: string[] = [];
    const fake = { scheduleJob: (rule: string) => (rules.push(rule), { cancel: () => true }) };
    // Monday 21 December, 10:00: the scan of November was due on the 7th, missed while the bot was down.
    const deps = { db: app.database.db, t: catalogue('zh-CN'), log: app.log, now: () => new Date('2026-12-21T02:00:00Z') };
    const handle = scheduleLapse(fake, deps);
    expect(rules).toEqual(['*/10 * * * *']);
    await handle.idle();
    expect(await getSetting(app.database.db, 'lapse.last_scan_month')).toBe('2026-11');
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: false });
    handle.cancel();
    // node-schedule itself fits the interface
    const real = scheduleLapse(schedule, deps);
    await real.idle();
    real.cancel();
  });

  it("waits for the due month's contributions instead of counting everyone as lapsed, then screens it at the next tick", async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 城南街道');
    await app.say('admin', '城南', 'bind 城南街道');
    // contributions up to October only: November, due on 7 December, is not imported
    await importOneContributor(app, { township: '城南街道', lastPaid: '2026-09', through: '2026-10', now: new Date('2026-11-23T02:00:00Z') });
    let now = new Date('2026-12-07T01:00:00Z');
    const deps = { db: app.database.db, t: catalogue('zh-CN'), log: app.log, now: () => now };
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: false });
    expect(await app.database.db.selectFrom('lapse_case').select('id').execute()).toHaveLength(0);
    expect(await app.database.db.selectFrom('outbox').select('id').execute()).toHaveLength(0);
    writeCsv(join(app.dir, 'nov.csv'), [CONTRIBUTION_HEADER, [testId(999), '2026-11', '500']]);
    await importContributions(join(app.dir, 'nov.csv'), { db: app.database.db, hasher: piiHasher('test-key'), sealer: piiSealer(deriveSealKeys('test-key')), now, today: '2026-12-07' });
    now = new Date('2026-12-07T01:10:00Z');
    expect(await lapseTick(deps)).toEqual({ scanned: '2026-11', reminded: true });
    expect(await app.database.db.selectFrom('lapse_case').select('id').execute()).toHaveLength(1);
  });

  it('screens nothing before the first contributions import, then the first import at the next tick', async () => {
    app = await openTestApp();
    const deps = { db: app.database.db, t: catalogue('zh-CN'), log: app.log, now: () => new Date('2026-12-21T02:00:00Z') };
    expect(await lapseTick(deps)).toEqual({ scanned: null, reminded: false });
    expect(await getSetting(app.database.db, 'lapse.last_scan_month')).toBeUndefined();
    await app.say('admin', 'c', 'township add 城南街道');
    await importOneContributor(app, { township: '城南街道', lastPaid: '2026-09', through: '2026-11', now: new Date('2026-12-21T02:00:00Z') });
    expect(await lapseTick(deps)).toEqual({ scanned: '2026-11', reminded: true });
  });
});
