/**
 * Lapse screening, reminders and follow-up end to end on a real database:
 * import, scan, digests in the outbox, follow-ups, escalation, closing by a
 * new contribution; and, last, a scan of every message and log line these
 * tests produced for an unmasked ID or mobile number.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';
import { CONTRIBUTION_HEADER, ROSTER_HEADER, testId, writeCsv, type Rows } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { formatImportReport } from '../../src/import/report.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { deriveSealKeys, parseContact, piiSealer } from '../../src/domain/pii-seal.ts';
import { addMonths } from '../../src/domain/months.ts';
import { screenLapses, stageOf } from '../../src/lapse/screen.ts';
import { enqueueLapseReminders } from '../../src/lapse/reminders.ts';
import { renderText } from '../../src/render/text.ts';
import { catalogue } from '../../src/i18n/index.ts';
import type { Reply } from '../../src/core/reply.ts';

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
/** Everything these tests saw leave the bot: replies, queued posts, reports, log lines. */
const produced: string[] = [];
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps) {
    produced.push(...a.log.lines);
    const posts = await a.database.db.selectFrom('outbox').select('reply').execute();
    produced.push(...posts.map((p) => p.reply));
    await a.close();
  }
  apps = [];
});

function months(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

async function say(app: TestApp, user: string, channel: string, text: string): Promise<Reply> {
  const r = await app.say(user, channel, text);
  produced.push(renderText(r));
  return r;
}

/** People: [name, township, cadre, last paid month or null]. */
const PEOPLE: [string, string, string, string | null][] = [
  ['张三丰', '城南街道', '刘网格', '2026-09'], // 1 month at the October scan
  ['李四', '城南街道', '', '2026-08'], // 2 months
  ['王小明', '城北街道', '', '2026-07'], // 3 months: the last month to back-pay
  ['赵敏', '城北街道', '', '2026-10'], // paid up
  ['欧阳娜娜', '城南街道', '', '2026-05'], // 5 months: waiting period
  ['钱七', '城南街道', '', null], // never paid: not lapsed
  ['孙八', '城南街道', '', '2024-12'], // stopped long ago: no new case
];

async function setup(): Promise<TestApp> {
  const app = await openTestApp({ now: NOW });
  apps.push(app);
  const script = [
    'township add 城南街道',
    'township add 城北街道',
    'bind leaders',
    'grant 王芳 coordinator 城南街道',
    'grant 李娜 coordinator 城北街道',
    'grant 刘网格 coordinator 城南街道',
    'grant 周局长 leader',
  ];
  for (const line of script) expect((await say(app, 'admin', 'leaders', line)).status).toBe('ok');
  expect((await say(app, 'admin', '城南', 'bind 城南街道')).status).toBe('ok');
  expect((await say(app, 'admin', '城北', 'bind 城北街道')).status).toBe('ok');

  const roster: Rows = [ROSTER_HEADER];
  PEOPLE.forEach(([name, township, cadre], i) => roster.push([name, testId(i), township, '单位', '某公司', `1390000${String(i).padStart(4, '0')}`, cadre]));
  const contributions: Rows = [CONTRIBUTION_HEADER];
  PEOPLE.forEach(([, , , last], i) => {
    if (last) for (const m of months(addMonths(last, -3), last)) contributions.push([testId(i), m, '500']);
  });
  const rf = join(app.dir, 'roster.csv');
  const cf = join(app.dir, 'contributions.csv');
  writeCsv(rf, roster);
  writeCsv(cf, contributions, 'gbk');
  for (const r of [await importRoster(rf, opts(app)), await importContributions(cf, opts(app))]) {
    expect(r.committed).toBe(true);
    produced.push(formatImportReport(r, catalogue('zh-CN')));
  }
  return app;
}

function opts(app: TestApp, now = NOW) {
  return { db: app.database.db, hasher: piiHasher('k'), sealer: piiSealer(deriveSealKeys('k')), now, today: '2026-11-23' };
}

async function cases(app: TestApp) {
  const rows = await app.database.db
    .selectFrom('lapse_case as c')
    .innerJoin('lapse_person as p', 'p.id', 'c.person_id')
    .select(['c.id', 'p.contact', 'c.months_lapsed', 'c.stage', 'c.first_missing_month', 'c.status', 'c.scan_month', 'c.close_reason', 'c.paused_until'])
    .orderBy('c.id')
    .execute();
  // Names are sealed at rest: opened here with the test's key.
  const sealer = opts(app).sealer;
  return rows.map(({ contact, ...r }) => ({ ...r, name: contact === null ? null : parseContact(sealer.open(contact, 'contact')).name }));
}

async function outbox(app: TestApp) {
  const rows = await app.database.db.selectFrom('outbox').select(['platform', 'channel_id', 'reply', 'dedupe_key']).orderBy('id').execute();
  return rows.map((r) => ({ channel: r.channel_id, key: r.dedupe_key, reply: JSON.parse(r.reply) as Reply, text: renderText(JSON.parse(r.reply) as Reply) }));
}

describe('stages', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [11, 4],
  ])('%i months lapsed is stage %i', (m, s) => expect(stageOf(m)).toBe(s));
});

describe('lapse scan, reminders and follow-up', () => {
  it('opens one case per lapse with the right stage, and queues digests, the cadre list and the escalation', async () => {
    const app = await setup();
    const r = await say(app, 'admin', 'leaders', 'lapse scan');
    expect(r.text).toBe('2026-10 断缴筛查完成：新增 4 件，更新 0 件，因补缴结案 0 件，现有未结 4 件；已排队发送 4 条提醒。');
    expect((await cases(app)).map((c) => [c.name, c.months_lapsed, c.stage, c.first_missing_month])).toEqual([
      ['欧阳娜娜', 5, 4, '2026-06'],
      ['王小明', 3, 3, '2026-08'],
      ['李四', 2, 2, '2026-09'],
      ['张三丰', 1, 1, '2026-10'],
    ]);
    const posts = await outbox(app);
    expect(posts.map((p) => p.channel)).toEqual(['城南', '城北', '@刘网格', 'leaders']);
    const south = posts[0]!;
    expect(south.reply.title).toBe('城南街道 职工医保断缴提醒（2026-10）');
    expect(south.text).toContain('未结断缴 3 人：可补缴的 断缴1个月 1 人，2个月 1 人，第3个月（最后补缴月）0 人；已过补缴期限（超过3个月，补缴不追溯，可能有等待期）1 人。');
    const rows = south.reply.table!.rows;
    // most urgent first: 2 months, 1 month, then past back-pay
    expect(rows.map((row) => row[0])).toEqual(['L3', 'L4', 'L1']);
    expect(rows[0]).toEqual(['L3', '李*', '430602********' + testId(1).slice(14), '139****0001', '2个月', '2026-09', '断缴2个月（可补缴）', '—']);
    expect(rows[1]![7]).toBe('刘网格');
    expect(south.reply.actions!.slice(0, 2)).toEqual([
      { label: 'L3 已缴', command: 'lapse done L3 paid', style: 'primary' },
      { label: 'L3 承诺', command: 'lapse done L3 promised' },
    ]);
    expect(posts[2]!.reply.title).toBe('刘网格：你负责的断缴人员（2026-10）');
    expect(posts[2]!.reply.table!.rows.map((row) => row[0])).toEqual(['L4']);
    const escalation = posts[3]!;
    expect(escalation.reply.title).toBe('【督办】本区 断缴待处理（2026-10）');
    // counts per township and the leaders who answer for it: no person is named in the leaders' channel
    expect(escalation.reply.table!.rows).toEqual([['城北街道', '1', '1', '周局长']]);
    expect(escalation.text).not.toContain('王*明');
    // a retried message posts nothing twice
    const again = await app.say('admin', 'leaders', 'lapse scan', 'same');
    const retry = await app.say('admin', 'leaders', 'lapse scan', 'same');
    expect(retry.duplicate).toBe(true);
    expect(again.text).toContain('新增 0 件，更新 4 件');
    expect((await outbox(app)).length).toBe(8);
    expect((await cases(app)).length).toBe(4);
  });

  it('updates cases on the next scan instead of duplicating them, closes them on a new contribution, pauses on a promise', async () => {
    const app = await setup();
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    // 王芳 promises for 李四 (L3) from the township channel
    const promised = await say(app, '王芳', '城南', 'lapse done L3 承诺 月底前补缴');
    expect(promised.text).toBe('已记录 L3（李*）跟进：承诺。下次筛查前不再提醒。');
    // another township's coordinator may not
    expect((await say(app, '李娜', '城北', 'lapse done L4 paid')).text).toBe('你不是城南街道的联络员，不能查看或处理它的断缴。');
    expect((await say(app, '王芳', '城南', 'lapse done L99 paid')).text).toBe('没有断缴 L99。');
    expect((await say(app, '王芳', '城南', 'lapse done X1 paid')).text).toContain('“X1”不是断缴编号');
    expect((await say(app, '王芳', '城南', 'lapse done L4 maybe')).text).toContain('“maybe”不对，可选：paid/已缴');
    const audit = await app.database.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'lapse.followup').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ case: 'L3', outcome: 'promised', note: '月底前补缴' });

    // the same month again: the promise still holds, L3 is left out of the digest
    app.setNow(new Date('2026-11-24T02:00:00Z'));
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    const afterPromise = (await outbox(app)).filter((p) => p.channel === '城南').at(-1)!;
    expect(afterPromise.reply.table!.rows.map((r) => r[0])).toEqual(['L4', 'L1']);

    // a contribution for 李四's missing month closes L3 on import
    const cf = join(app.dir, 'late.csv');
    writeCsv(cf, [CONTRIBUTION_HEADER, [testId(1), '2026年9月', '500']]);
    const report = await importContributions(cf, opts(app));
    expect(report.casesClosed).toBe(1);
    produced.push(formatImportReport(report, catalogue('zh-CN')));

    // November: every open case one month older, nothing duplicated; 李四 (paid September,
    // not October) and 赵敏 (paid October, not November) are new lapses
    app.setNow(new Date('2026-12-07T01:30:00Z'));
    // not before November's contributions are imported: everyone would look lapsed
    expect((await say(app, 'admin', 'leaders', 'lapse scan')).text).toContain('2026-11 的缴费记录还没有导入');
    writeCsv(join(app.dir, 'nov.csv'), [CONTRIBUTION_HEADER, [testId(5), '2026-11', '500']]); // 钱七 starts paying
    expect((await importContributions(join(app.dir, 'nov.csv'), opts(app))).committed).toBe(true);
    const nov = await say(app, 'admin', 'leaders', 'lapse scan');
    expect(nov.text).toContain('2026-11 断缴筛查完成：新增 2 件，更新 3 件');
    expect((await cases(app)).map((c) => [c.id, c.name, c.months_lapsed, c.stage, c.status, c.close_reason])).toEqual([
      [1, '欧阳娜娜', 6, 4, 'open', null],
      [2, '王小明', 4, 4, 'open', null],
      [3, '李四', 2, 2, 'closed', 'contribution'],
      [4, '张三丰', 2, 2, 'open', null],
      [5, '李四', 2, 2, 'open', null],
      [6, '赵敏', 1, 1, 'open', null],
    ]);
    // 'moved' closes a case
    expect((await say(app, '王芳', '城南', `lapse done L1 迁出 新电话13912345678 证件${testId(4)}`)).text).toBe(
      // The note held a phone and an ID: stored masked, and the reply says so.
      '已记录 L1（欧**娜）跟进：迁出。已结案。\n（消息里的身份证号、电话或银行卡号已脱敏，只保存和显示脱敏后的形式；请不要在聊天中发送完整号码。）',
    );
    const stored = await app.database.db.selectFrom('lapse_followup').select('note').where('case_id', '=', 1).executeTakeFirstOrThrow();
    expect(stored.note).toBe(`新电话139****5678 证件430602********${testId(4).slice(14)}`);
    expect((await say(app, '王芳', '城南', 'lapse done L1 paid')).text).toBe('断缴 L1 已结案，无需再跟进。');
    // The command's Chinese form on its own, and under 断缴
    expect((await say(app, '王芳', '城南', '已劝缴 L4 联系不上')).text).toBe('已记录 L4（张*丰）跟进：联系不上。');
    expect((await say(app, '王芳', '城南', '断缴 已劝缴 L4 拒绝')).text).toBe('已记录 L4（张*丰）跟进：拒绝。');
  });

  it('lists a township\'s open cases, masked, for its coordinators only', async () => {
    const app = await setup();
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    const list = await say(app, '王芳', '城南', '断缴');
    expect(list.title).toBe('城南街道 未结断缴');
    expect(list.table!.rows.map((r) => r[0])).toEqual(['L3', 'L4', 'L1']);
    expect(list.table!.rows[1]!.slice(1, 4)).toEqual(['张*丰', '430602********' + testId(0).slice(14), '139****0000']);
    expect((await say(app, '李娜', '城南', 'lapse')).text).toBe('你不是城南街道的联络员，不能查看或处理它的断缴。');
    // the list is shown in the township's own channel only: elsewhere it says where to ask
    expect((await say(app, 'admin', 'leaders', 'lapse in 城北街道')).text).toBe('这里不显示城北街道的人员名单。请到城北街道的群（#城北）里查询，或私信机器人查询。');
    expect((await say(app, 'admin', '城北', 'lapse')).table!.rows.map((r) => r[0])).toEqual(['L2']);
    expect((await say(app, '王芳', '城南', 'lapse scan')).text).toBe('只有管理员可以这样做。');
    expect((await say(app, 'admin', 'leaders', 'lapse scan 2026-13')).text).toContain('月份“2026-13”不对');
  });

  it('escalates cases untouched for 14 days, and not ones followed up', async () => {
    const app = await setup();
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    await say(app, '王芳', '城南', 'lapse done L4 联系不上 电话停机');
    const later = new Date('2026-12-08T02:00:00Z');
    await app.database.db.transaction().execute(async (tx) => {
      await enqueueLapseReminders(tx, { now: later, month: '2026-10', t: catalogue('zh-CN'), key: 'weekly:2026-12-08', weekly: true });
    });
    const posts = (await outbox(app)).filter((p) => p.key.startsWith('lapse:weekly:'));
    const escalation = posts.find((p) => p.channel === 'leaders')!;
    // 15 days on: every case is untouched for 14 days (L4's follow-up was on 2026-11-23 too)
    expect(escalation.reply.table!.rows).toEqual([
      ['城北街道', '1', '1', '周局长'],
      ['城南街道', '3', '0', '周局长'],
    ]);
    expect(posts.find((p) => p.channel === '城南')!.reply.title).toBe('城南街道 职工医保断缴周提醒（2026-10）');
    const early = new Date('2026-12-01T02:00:00Z');
    await app.database.db.transaction().execute(async (tx) => {
      await enqueueLapseReminders(tx, { now: early, month: '2026-10', t: catalogue('zh-CN'), key: 'weekly:2026-12-01', weekly: true });
    });
    const escalated = (await outbox(app)).find((p) => p.key.startsWith('lapse:weekly:2026-12-01:escalation'))!;
    // 8 days on: nothing is untouched for 14 days yet, so only the stage-3 case
    expect(escalated.reply.table!.rows).toEqual([['城北街道', '1', '1', '周局长']]);
  });
});

describe('lists of people only where they belong; leaders see counts', () => {
  it('answers a coordinator\'s list in the township\'s channel or privately, and refuses it anywhere else', async () => {
    const app = await setup();
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    const before = await app.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    // another township's channel: not hers to list at all
    expect((await say(app, '王芳', '城北', 'lapse')).text).toBe('你不是城北街道的联络员，不能查看或处理它的断缴。');
    for (const channel of ['leaders', 'random']) {
      const r = await say(app, '王芳', channel, 'lapse');
      expect(r.status).toBe('refused');
      expect(r.text).toBe('这里不显示城南街道的人员名单。请到城南街道的群（#城南）里查询，或私信机器人查询。');
      expect(r.table).toBeUndefined();
    }
    // an admin is held to the same rule
    expect((await say(app, 'admin', 'random', 'lapse in 城南街道')).status).toBe('refused');
    const after = await app.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const inChannel = await say(app, '王芳', '城南', 'lapse');
    expect(inChannel.private).toBeUndefined();
    const direct = await say(app, '王芳', '@bot', 'lapse');
    expect(direct.private).toBe(true);
    expect(direct.table!.rows.map((r) => r[0])).toEqual(['L3', 'L4', 'L1']);
    const out = await runConsoleScript(app, ':user 王芳\n:channel @bot\n断缴\n');
    produced.push(out);
    expect(out).toContain('王芳@@bot> 断缴\n【仅你可见】 城南街道 未结断缴');
  });

  it('gives a leader the counts of their area, township by township, never the people', async () => {
    const app = await setup();
    await say(app, 'admin', 'leaders', 'grant 北领导 leader 城北街道');
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    const all = await say(app, '周局长', 'leaders', 'lapse');
    expect(all.title).toBe('本区 未结断缴人数');
    expect(all.text).toBe('未结断缴 4 人：可补缴的 断缴1个月 1 人，2个月 1 人，第3个月（最后补缴月）1 人；已过补缴期限（超过3个月，补缴不追溯，可能有等待期）1 人。');
    expect(all.table!.rows).toEqual([
      ['城南街道', '3', '1', '1', '0', '1'],
      ['城北街道', '1', '0', '0', '1', '0'],
    ]);
    expect(all.actions).toBeUndefined();
    const shown = renderText(all);
    expect(shown).not.toMatch(/\*|L\d|430602/); // no masked name, case, ID or phone
    // anywhere: counts are no list of people
    expect((await say(app, '周局长', 'random', '断缴 in 城南街道')).text).toContain('未结断缴 3 人');
    expect((await say(app, '北领导', 'random', 'lapse')).title).toBe('城北街道 未结断缴人数');
    expect((await say(app, '北领导', 'leaders', 'lapse in 城南街道')).text).toBe('你不是城南街道的领导，不能查看它的断缴人数。');
    // nor may a leader record a follow-up
    const followup = await say(app, '北领导', '城北', 'lapse done L2 paid');
    expect(followup.status).toBe('refused');
    expect(followup.text).toContain('只有乡镇联络员、包户干部（只看自己负责的人）或管理员');
    // the escalation names the leaders who answer for each township
    const escalation = (await outbox(app)).find((p) => p.channel === 'leaders')!;
    expect(escalation.reply.table!.rows).toEqual([['城北街道', '1', '1', '周局长、北领导']]);
  });
});

describe('year boundaries', () => {
  it('counts months across December and January', async () => {
    const app = await openTestApp({ now: NOW });
    apps.push(app);
    await say(app, 'admin', 'console', 'township add 城南街道');
    const roster: Rows = [ROSTER_HEADER];
    const contributions: Rows = [CONTRIBUTION_HEADER];
    // 人4 paid in January: the month is imported, so it can be screened.
    const last = ['2025-11', '2025-10', '2025-12', '2025-09', '2026-01'];
    last.forEach((m, i) => {
      roster.push([`人${i}`, testId(i), '城南街道', '灵活就业', '', '', '']);
      contributions.push([testId(i), m, '300']);
    });
    writeCsv(join(app.dir, 'r.csv'), roster);
    writeCsv(join(app.dir, 'c.csv'), contributions);
    await importRoster(join(app.dir, 'r.csv'), opts(app));
    await importContributions(join(app.dir, 'c.csv'), opts(app));
    const db = app.database.db;

    const dec = await db.transaction().execute((tx) => screenLapses(tx, { month: '2025-12', now: NOW }));
    expect(dec).toMatchObject({ opened: 3, updated: 0 });
    expect((await cases(app)).map((c) => [c.name, c.first_missing_month, c.months_lapsed, c.stage])).toEqual([
      ['人3', '2025-10', 3, 3],
      ['人1', '2025-11', 2, 2],
      ['人0', '2025-12', 1, 1],
    ]);
    const jan = await db.transaction().execute((tx) => screenLapses(tx, { month: '2026-01', now: NOW }));
    expect(jan).toMatchObject({ opened: 1, updated: 3 });
    expect((await cases(app)).map((c) => [c.name, c.first_missing_month, c.months_lapsed, c.stage, c.scan_month])).toEqual([
      ['人3', '2025-10', 4, 4, '2026-01'],
      ['人1', '2025-11', 3, 3, '2026-01'],
      ['人0', '2025-12', 2, 2, '2026-01'],
      ['人2', '2026-01', 1, 1, '2026-01'],
    ]);
    // an older scan never moves a case backwards
    await db.transaction().execute((tx) => screenLapses(tx, { month: '2025-12', now: NOW }));
    expect((await cases(app)).map((c) => c.scan_month)).toEqual(['2026-01', '2026-01', '2026-01', '2026-01']);
    // a person a new roster puts in another township takes their open case
    // along at the next scan; the same month screened again counts its cases
    // as updated and opens none
    await say(app, 'admin', 'console', 'township add 城北街道');
    roster[2]![2] = '城北街道';
    writeCsv(join(app.dir, 'r2.csv'), roster);
    await importRoster(join(app.dir, 'r2.csv'), opts(app));
    const area = async () =>
      (await db.selectFrom('lapse_case as c').innerJoin('area as a', 'a.id', 'c.area_id').select(['c.first_missing_month', 'a.name']).orderBy('c.id').execute()).map((r) => `${r.first_missing_month} ${r.name}`);
    expect(await area()).toEqual(['2025-10 城南街道', '2025-11 城南街道', '2025-12 城南街道', '2026-01 城南街道']);
    const again = await db.transaction().execute((tx) => screenLapses(tx, { month: '2026-01', now: NOW }));
    expect(again).toMatchObject({ opened: 0, updated: 4, closed: 0 });
    expect(await area()).toEqual(['2025-10 城南街道', '2025-11 城北街道', '2025-12 城南街道', '2026-01 城南街道']);
    // a month with no contributions imported is never screened: everyone would get a case
    await expect(db.transaction().execute((tx) => screenLapses(tx, { month: '2026-02', now: NOW }))).rejects.toMatchObject({
      code: 'lapse_month_not_imported',
    });
    expect(await cases(app)).toHaveLength(4);
    // a January contribution closes the December lapse of 人0 at the next scan
    writeCsv(join(app.dir, 'c2.csv'), [CONTRIBUTION_HEADER, [testId(0), '202601', '300']]);
    expect((await importContributions(join(app.dir, 'c2.csv'), opts(app))).casesClosed).toBe(1);
  });
});

describe('console', () => {
  it('runs the follow-up from a script, masked', async () => {
    const app = await setup();
    const out = await runConsoleScript(app, ':channel leaders\nlapse scan 2026-10\n:user 王芳\n:channel 城南\nlapse\nlapse done L4 已缴\n');
    produced.push(out);
    expect(out).toContain('2026-10 断缴筛查完成：新增 4 件');
    expect(out).toMatch(/L4\s+张\*丰\s+430602\*{8}\d{3}[\dX]\s+139\*{4}0000/);
    expect(out).toContain('已记录 L4（张*丰）跟进：已缴。下次筛查前不再提醒。');
  });
});

describe('personal data in everything these tests produced', () => {
  it('has no unmasked ID number or mobile number', async () => {
    // (afterEach has collected the log lines and queued posts of every app above)
    expect(produced.length).toBeGreaterThan(40);
    const all = produced.join('\n');
    const ID = /(?<![0-9])\d{17}[\dXx](?![0-9])/;
    const MOBILE = /(?<![0-9])1[3-9]\d{9}(?![0-9])/;
    expect(ID.test(`x ${testId(1)} y`) && MOBILE.test('call 13900000001')).toBe(true); // the check can fail
    expect(all).toContain('430602********'); // masked IDs were shown…
    expect(all).toContain('139****');
    expect(all).not.toMatch(ID); // …and never a whole one
    expect(all).not.toMatch(MOBILE);
  });
});
