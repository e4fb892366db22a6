/**
 * `lapse scan <month>` screens only a month it can judge: not a future one,
 * not one before the contributions on record or never imported, not one
 * older than the latest scan; a refused scan writes and sends nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';
import { CONTRIBUTION_HEADER, ROSTER_HEADER, testId, writeCsv, type Rows } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { lapseTick } from '../../src/lapse/schedule.ts';
import { catalogue } from '../../src/i18n/index.ts';
import type { Reply } from '../../src/core/reply.ts';

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** 城南街道 bound, and people whose contributions (2026-07 …) stop at these months. */
async function setup(lastPaid: string[], env: Record<string, string> = {}): Promise<TestApp> {
  const a = await openTestApp({ now: NOW, env });
  for (const line of ['township add 城南街道', 'bind leaders']) expect((await a.say('admin', 'leaders', line)).status).toBe('ok');
  expect((await a.say('admin', '城南', 'bind 城南街道')).status).toBe('ok');
  const roster: Rows = [ROSTER_HEADER];
  const contributions: Rows = [CONTRIBUTION_HEADER];
  lastPaid.forEach((last, i) => {
    roster.push([`人${i}`, testId(i), '城南街道', '单位', '', '', '']);
    for (const m of ['2026-07', '2026-08', '2026-09', '2026-10'].filter((m) => m <= last)) contributions.push([testId(i), m, '500']);
  });
  writeCsv(join(a.dir, 'r.csv'), roster);
  writeCsv(join(a.dir, 'c.csv'), contributions);
  const o = { db: a.database.db, hasher: piiHasher('k'), sealer: piiSealer(deriveSealKeys('k')), now: NOW, today: '2026-11-23' };
  expect((await importRoster(join(a.dir, 'r.csv'), o)).committed).toBe(true);
  if (contributions.length > 1) expect((await importContributions(join(a.dir, 'c.csv'), o)).committed).toBe(true);
  return a;
}

async function written(a: TestApp) {
  const db = a.database.db;
  const count = async (table: 'lapse_case' | 'outbox') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const scans = await db.selectFrom('audit_log').select('detail').where('action', '=', 'lapse.scan').execute();
  return { cases: await count('lapse_case'), posts: await count('outbox'), scans: scans.length };
}

async function refused(a: TestApp, line: string): Promise<Reply> {
  const before = await written(a);
  const r = await a.say('admin', 'leaders', line);
  expect(r.status).toBe('refused');
  expect(await written(a)).toEqual(before);
  return r;
}

describe('lapse scan <month>', () => {
  it('refuses every month before any contribution is imported, writing nothing', async () => {
    app = await setup([]);
    expect((await refused(app, 'lapse scan')).text).toBe('还没有导入任何缴费记录，无从筛查。请先导入：npm run cli -- import contributions <文件>。');
    expect((await refused(app, 'lapse scan 2026-10')).text).toContain('还没有导入任何缴费记录');
  });

  it('refuses a future month, one before the contributions and one never imported; screens one that is imported', async () => {
    app = await setup(['2026-10', '2026-09', '2026-08']);
    // the typo of the issue: 2027 for 2026
    expect((await refused(app, 'lapse scan 2027-06')).text).toBe(
      '2027-06 还没到（现在是 2026-11），不能筛查。请写已经过去、缴费记录已导入的月份，如 lapse scan 2026-10。',
    );
    expect((await refused(app, 'lapse scan 2026-12')).text).toContain('2026-12 还没到');
    expect((await refused(app, 'lapse scan 1999-01')).text).toBe(
      '1999-01 早于已导入的最早缴费记录（2026-07），无法判断谁断缴。请写 2026-07 至 2026-10 之间的月份，如 lapse scan 2026-10。',
    );
    // the current month is not over and not imported: it would open a case for everyone
    expect((await refused(app, 'lapse scan 2026-11')).text).toContain('2026-11 的缴费记录还没有导入，现在筛查会把每个人都算作断缴');
    const ok = await app.say('admin', 'leaders', 'lapse scan 2026-10');
    expect(ok.text).toBe('2026-10 断缴筛查完成：新增 2 件，更新 0 件，因补缴结案 0 件，现有未结 2 件；已排队发送 1 条提醒。');
  });

  it('refuses a month older than the latest scan without resending; the latest again resends; no case starts after its month', async () => {
    app = await setup(['2026-10', '2026-09', '2026-08', '2026-07']);
    const out = await runConsoleScript(app, ':channel leaders\nlapse scan 2026-09\nlapse scan 2026-10\nlapse scan 2026-09\nlapse scan 1999-01\n');
    expect(out).toContain('2026-09 断缴筛查完成：新增 2 件');
    expect(out).toContain('2026-10 断缴筛查完成：新增 1 件，更新 2 件');
    expect(out).toContain('最近一次筛查的是 2026-10，2026-09 更早：旧月份不再筛查，也不重发提醒，未做改动。要按最新数据重新筛查并重发提醒，请发送 lapse scan 2026-10。');
    expect(out).toContain('1999-01 早于已导入的最早缴费记录（2026-07）');
    // September: 城南's digest; October: 城南's digest and the leaders' escalation (人3's third month)
    expect(await written(app)).toEqual({ cases: 3, posts: 3, scans: 2 });

    // the latest month again: an admin's deliberate resend
    expect((await app.say('admin', 'leaders', 'lapse scan 2026-10')).text).toContain('已排队发送 2 条提醒');
    const posts = await app.database.db.selectFrom('outbox').select('reply').orderBy('id').execute();
    expect(posts).toHaveLength(5);
    for (const p of posts) {
      const reply = JSON.parse(p.reply) as Reply;
      if (reply.table?.columns[5]?.header !== '自') continue; // the escalation lists no start
      const month = /（(\d{4}-\d{2})）/.exec(reply.title!)![1]!;
      // the 自 (since) column: when each lapse began, never after the month screened
      for (const row of reply.table!.rows) expect(row[5]! <= month, `${row[5]} in the ${month} digest`).toBe(true);
    }
    const list = await app.say('admin', '城南', 'lapse');
    expect(list.table!.rows.map((r) => r[5])).toEqual(['2026-08', '2026-09', '2026-10']);

    // the monthly schedule sees the admin's scan of October and does not screen or send it again
    const tick = await lapseTick({ db: app.database.db, t: catalogue('zh-CN'), log: app.log, now: () => NOW });
    expect(tick).toEqual({ scanned: null, reminded: false });
    expect((await written(app)).posts).toBe(5);
  });

  it('says it in English too', async () => {
    app = await setup(['2026-10'], { ENROLLBOT_LOCALE: 'en' });
    expect((await refused(app, 'lapse scan 2027-06')).text).toBe(
      '2027-06 has not come yet (it is 2026-11 now), so it cannot be screened. Write a month that is over and whose contributions are imported, such as lapse scan 2026-10.',
    );
    expect((await refused(app, 'lapse scan 2026-11')).text).toContain('The contributions of 2026-11 were not imported');
  });
});
