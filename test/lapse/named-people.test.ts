/**
 * Named people end to end on a real database: the lapse rules as settings,
 * the roster's 参保状态 / 帮扶对象 columns, cadres working their own people
 * (and the one audited phone reveal), the special groups' 100 % floor and
 * the 包户到人 unpaid lists; last, a scan of everything these tests saw
 * leave the bot for an unmasked ID or phone number (the reveal excepted).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { badCheckDigit, CONTRIBUTION_HEADER, testId, writeCsv, type Rows } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { importNamed } from '../../src/import/import-named.ts';
import { cliImport } from '../../src/import/cli-import.ts';
import { formatImportReport } from '../../src/import/report.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/core/logger.ts';
import { addMonths } from '../../src/domain/months.ts';
import { buttonCommand } from '../../src/core/buttons.ts';
import { enqueueLapseReminders } from '../../src/lapse/reminders.ts';
import { renderText } from '../../src/render/text.ts';
import { catalogue } from '../../src/i18n/index.ts';
import type { Reply } from '../../src/core/reply.ts';

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
/** Everything that left the bot, but the one reveal each test asked for. */
const produced: string[] = [];
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps) {
    // Not the key's own line: its hex fingerprint may hold 18 digits in a row by chance.
    produced.push(...a.log.lines.filter((l) => !l.includes('generated the personal-data key')));
    const posts = await a.database.db.selectFrom('outbox').select('reply').execute();
    produced.push(...posts.map((p) => p.reply));
    const stored = await a.database.db.selectFrom('inbound_message').select('reply').execute();
    produced.push(...stored.map((p) => p.reply));
    const audit = await a.database.db.selectFrom('audit_log').select('detail').execute();
    produced.push(...audit.map((p) => p.detail));
    await a.close();
  }
  apps = [];
});

async function say(app: TestApp, user: string, channel: string, text: string): Promise<Reply> {
  const r = await app.say(user, channel, text);
  produced.push(renderText(r));
  return r;
}

function months(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

const ROSTER = ['姓名', '身份证号', '乡镇', '参保类型', '单位', '电话', '包户干部', '参保状态', '帮扶对象', '特殊人群'];

/** [name, township, cadre, 参保状态, 帮扶对象, category, last paid]. */
const PEOPLE: [string, string, string, string, string, string, string][] = [
  ['张三丰', '城南街道', '刘网格', '在职', '是', '低保', '2026-09'], // 1 month, supported
  ['李四', '城南街道', '', '在职', '否', '', '2026-08'], // 2 months
  ['王小明', '城南街道', '刘网格', '退休', '否', '', '2026-06'], // retired: never screened
  ['赵敏', '城北街道', '', '', '', '', '2026-10'], // paid up
  ['欧阳娜娜', '城南街道', '', '灵活就业', '是', '', '2026-05'], // 5 months, supported
];

const phoneOf = (i: number) => `1390000${String(i).padStart(4, '0')}`;

function rosterRows(change: (row: (string | number)[], i: number) => void = () => {}): Rows {
  const rows: Rows = [ROSTER];
  PEOPLE.forEach(([name, township, cadre, status, supported, category], i) => {
    const row = [name, testId(i), township, '单位', '某公司', phoneOf(i), cadre, status, supported, category];
    change(row, i);
    rows.push(row);
  });
  return rows;
}

function opts(app: TestApp, now = NOW) {
  // The app's own key: the bot opens what the import sealed (`lapse call`).
  return { db: app.database.db, hasher: app.pii.hasher, sealer: app.pii.sealer, now, today: '2026-11-23' };
}

/** A later import's instant: each import is told apart by when it ran. */
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

async function setup(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await openTestApp({ now: NOW, env });
  apps.push(app);
  for (const line of ['township add 城南街道', 'township add 城北街道', 'bind leaders', 'grant 王芳 coordinator 城南街道', 'grant 李娜 coordinator 城北街道', 'grant 周局长 leader']) {
    expect((await say(app, 'admin', 'leaders', line)).status, line).toBe('ok');
  }
  expect((await say(app, 'admin', '城南', 'bind 城南街道')).status).toBe('ok');
  expect((await say(app, 'admin', '城北', 'bind 城北街道')).status).toBe('ok');
  return app;
}

async function importPeople(app: TestApp): Promise<void> {
  const rf = join(app.dir, 'roster.csv');
  const cf = join(app.dir, 'contributions.csv');
  writeCsv(rf, rosterRows());
  const contributions: Rows = [CONTRIBUTION_HEADER];
  PEOPLE.forEach(([, , , , , , last], i) => {
    for (const m of months(addMonths(last, -2), last)) contributions.push([testId(i), m, '500']);
  });
  writeCsv(cf, contributions);
  for (const r of [await importRoster(rf, opts(app)), await importContributions(cf, opts(app))]) {
    produced.push(formatImportReport(r, catalogue('zh-CN')));
    expect(r.committed, formatImportReport(r, catalogue('zh-CN'))).toBe(true);
  }
}

/** The open case of a person (by roster index), or undefined. */
async function caseOf(app: TestApp, i: number, kind = 'lapse') {
  return app.database.db
    .selectFrom('lapse_case as c')
    .innerJoin('lapse_person as p', 'p.id', 'c.person_id')
    .select(['c.id', 'c.status', 'c.close_reason', 'c.stage', 'c.kind'])
    .where('p.id_hash', '=', app.pii.hasher.hashId(testId(i)))
    .where('c.kind', '=', kind as 'lapse')
    .executeTakeFirst();
}

const ref = async (app: TestApp, i: number, kind = 'lapse') => `L${(await caseOf(app, i, kind))!.id}`;

describe('lapse rules as settings', () => {
  it('say what is true by default, follow the deployment’s back-pay window and waiting period, and refuse bad values', async () => {
    const app = await setup();
    await importPeople(app);
    const scan = await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    expect(scan.text).toContain('新增 3 件'); // the retiree is not screened
    expect(await caseOf(app, 2)).toBeUndefined();

    const list = await say(app, '王芳', '城南', 'lapse');
    const stageOf = (r: Reply, name: string) => r.table!.rows.find((row) => row[1]!.includes(name))![6];
    expect(stageOf(list, '张*丰')).toBe('断缴1个月（可补缴）');
    expect(stageOf(list, '李*')).toBe('断缴2个月（可补缴）');
    expect(stageOf(list, '欧**娜')).toBe('已过补缴期限（补缴不追溯，可能有等待期）');
    expect(list.footer).toContain('断缴3个月内补缴，参保连续');
    expect(list.footer).not.toContain('不影响待遇，第3个月是最后机会');
    expect(list.text).toContain('其中帮扶对象 2 人');

    // A deployment where two months may be back-paid and no waiting period applies.
    expect((await say(app, 'admin', 'leaders', 'lapse rules backpay 2')).status).toBe('ok');
    expect((await say(app, 'admin', 'leaders', 'lapse rules wait 0')).status).toBe('ok');
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    const after = await say(app, '王芳', '城南', 'lapse');
    expect(stageOf(after, '李*')).toBe('断缴2个月（可补缴，最后一个月）');
    expect(stageOf(after, '欧**娜')).toBe('已过补缴期限（补缴不追溯）');
    expect(after.text).toContain('第2个月（最后补缴月）1 人');
    expect(after.footer).toContain('断缴2个月内补缴');
    expect(after.footer).not.toContain('等待期');

    for (const bad of ['lapse rules backpay 0', 'lapse rules backpay 三个月', 'lapse rules wait 99', 'lapse rules note']) {
      const r = await say(app, 'admin', 'leaders', bad);
      expect(r.status, bad).toBe('refused');
      expect(r.text, bad).toMatch(/请写/);
    }
    expect((await say(app, '王芳', '城南', 'lapse rules backpay 4')).status).toBe('refused');
    const shown = await say(app, 'admin', 'leaders', 'lapse rules');
    expect(shown.text).toContain('补缴期限 2 个月，等待期 无');

    // The area's own reading replaces the default explanation under every list.
    await say(app, 'admin', 'leaders', 'lapse rules note 本市：断缴3个月内补缴不影响待遇，之后补缴不追溯。');
    expect((await say(app, '王芳', '城南', 'lapse')).footer).toContain('本市：断缴3个月内补缴不影响待遇');
    await say(app, 'admin', 'leaders', 'lapse rules note default');
    expect((await say(app, '王芳', '城南', 'lapse')).footer).toContain('断缴2个月内补缴');
  });

  it('are explained in English too', async () => {
    const app = await setup({ ENROLLBOT_LOCALE: 'en' });
    await importPeople(app);
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    const list = await say(app, '王芳', '城南', 'lapse');
    expect(list.table!.rows.map((r) => r[6])).toContain('past the back-pay window (not retroactive; a waiting period may apply)');
    expect(list.footer).toContain('Back-paid within 3 months');
    expect((await say(app, 'admin', 'leaders', 'lapse rules wait x')).text).toContain('Write the waiting period as whole months from 0 to 24');
  });
});

describe('roster status and 帮扶对象', () => {
  it('filters to 帮扶对象, closes on 退休/死亡 outcomes and on a roster that says 退休, and refuses an unknown status', async () => {
    const app = await setup();
    await importPeople(app);
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');

    const supported = await say(app, '王芳', '城南', 'lapse 帮扶');
    expect(supported.title).toBe('城南街道 帮扶对象未结断缴');
    expect(supported.table!.rows.map((r) => r[1])).toEqual(['【帮扶】张*丰', '【帮扶】欧**娜']);

    // 死亡 closes the case and keeps the person out of later scans.
    const l5 = await ref(app, 4);
    const dead = await say(app, '王芳', '城南', `lapse done ${l5} 死亡`);
    expect(dead.text).toContain('死亡。已结案');
    expect((await caseOf(app, 4))!.close_reason).toBe('deceased');
    const person = await app.database.db.selectFrom('lapse_person').select('insured_status').where('id_hash', '=', app.pii.hasher.hashId(testId(4))).executeTakeFirstOrThrow();
    expect(person.insured_status).toBe('deceased');
    expect(buttonCommand(`lapse done ${l5} elsewhere`)).not.toBeNull();
    expect((await say(app, '王芳', '城南', `lapse done ${await ref(app, 1)} 已在外地参保`)).text).toContain('已在外地参保');

    // A roster that now says 退休 closes the open case of 张三丰.
    const rf = join(app.dir, 'roster2.csv');
    writeCsv(rf, rosterRows((row, i) => i === 0 && (row[7] = '退休')));
    const report = await importRoster(rf, opts(app));
    expect(report.committed).toBe(true);
    expect(report.casesClosed).toBe(1);
    expect((await caseOf(app, 0))!).toMatchObject({ status: 'closed', close_reason: 'retired' });

    // An unknown status refuses the whole file, naming the line.
    const bad = join(app.dir, 'roster3.csv');
    writeCsv(bad, rosterRows((row, i) => i === 1 && (row[7] = '休假')));
    const refused = await importRoster(bad, opts(app));
    expect(refused.committed).toBe(false);
    const text = formatImportReport(refused, catalogue('zh-CN'));
    produced.push(text);
    expect(text).toContain('参保状态应为 在职、退休');
    expect(text).toContain('第 3 行');
  });
});

describe('cadres', () => {
  it('link from the roster’s column, work only their own people (buttons included), and get one phone privately, audited and rate-limited', async () => {
    const app = await setup();
    await importPeople(app);
    // Linked before the scan: the cadre's own digest goes to them directly.
    const linked = await say(app, 'admin', 'leaders', 'cadre link 刘网格 刘网格');
    expect(linked.text).toBe('已把名单中的包户干部“刘网格”关联到 刘网格：2 人，授予 城南街道 包户干部角色。刘网格 会收到自己的名单，可以跟进和私信查看电话。');
    expect((await say(app, 'admin', 'leaders', 'cadre link 无此人 路人')).status).toBe('refused');
    await say(app, 'admin', 'leaders', 'lapse scan 2026-10');
    const posts = await app.database.db.selectFrom('outbox').select(['channel_id', 'reply', 'dedupe_key']).execute();
    const digest = posts.find((p) => p.dedupe_key.includes(':cadre:'));
    expect(digest?.reply).toContain('刘网格：你负责的断缴人员');

    const own = await say(app, '刘网格', '@bot', 'lapse');
    expect(own.private).toBe(true);
    expect(own.table!.rows.map((r) => r[1])).toEqual(['【帮扶】张*丰']);
    // Not in another township's channel.
    expect((await say(app, '刘网格', '城北', 'lapse')).status).toBe('refused');

    const mine = await ref(app, 0);
    const theirs = await ref(app, 1);
    // The digest's button runs as the cadre who presses it.
    const button = buttonCommand(`lapse done ${mine} promised`)!;
    expect((await say(app, '刘网格', '@bot', button)).text).toContain('承诺');
    const notMine = await say(app, '刘网格', '城南', `lapse done ${theirs} paid`);
    expect(notMine.status).toBe('refused');
    expect(notMine.text).toBe(`${theirs} 不是分给你的，只能跟进自己负责的人。请联系乡镇联络员。`);

    // The full phone: never in a channel, once privately, audited with the masked number only.
    const inChannel = await say(app, '刘网格', '城南', `lapse call ${mine}`);
    expect(inChannel.status).toBe('refused');
    expect(inChannel.text).not.toContain('139');
    const revealed = await app.say('刘网格', '@bot', `lapse call ${mine}`);
    expect(revealed.status).toBe('ok');
    expect(revealed.private).toBe(true);
    expect(revealed.text).toContain(phoneOf(0));
    const audit = await app.database.db.selectFrom('audit_log').select('detail').where('action', '=', 'lapse.call').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toContain('139****0000');
    // A replayed message gets the masked answer: the number is never stored.
    const stored = await app.database.db.selectFrom('inbound_message').select('reply').execute();
    expect(stored.some((s) => s.reply.includes('139****0000'))).toBe(true);

    expect((await say(app, '刘网格', '@bot', `lapse call ${theirs}`)).status).toBe('refused');
    expect((await say(app, 'admin', '@bot', `lapse call ${theirs}`)).status).toBe('refused');
    const coordinator = await app.say('王芳', '@bot', `lapse call ${theirs}`);
    expect(coordinator.text).toContain(phoneOf(1));

    // At most 20 a day for one member.
    for (let k = 1; k < 20; k++) expect((await app.say('刘网格', '@bot', `lapse call ${mine}`)).status).toBe('ok');
    const limited = await say(app, '刘网格', '@bot', `lapse call ${mine}`);
    expect(limited.status).toBe('refused');
    expect(limited.code).toBe('over_limit');
    expect(limited.text).toContain('每日上限');
  });

  it('grant … cadre needs a township, and a cadre is refused the township’s whole list', async () => {
    const app = await setup();
    expect((await say(app, 'admin', 'leaders', 'grant 陈干部 cadre')).status).toBe('refused');
    const granted = await say(app, 'admin', 'leaders', 'grant 陈干部 干部 城南街道');
    expect(granted.text).toBe('已授予 陈干部 城南街道包户干部。');
    const own = await say(app, '陈干部', '城南', 'lapse');
    expect(own.text).toBe('陈干部，你负责的人员里没有未结的断缴或未缴。');
    expect((await say(app, '陈干部', '城南', 'lapse in 城南街道')).status).toBe('refused');
  });
});

const SPECIAL = ['姓名', '身份证号', '乡镇', '村', '人群类别', '包户干部', '参保状态'];
const UNPAID = ['姓名', '身份证号', '乡镇', '村', '包户干部', '电话'];

describe('special groups and 包户到人 lists', () => {
  it('show the 100 % floor on progress and the board, make the unpaid cases of their cadre and township, and close them when paid', async () => {
    const app = await setup();
    const special = (paid: string[]): Rows => [
      SPECIAL,
      ['周一', testId(101), '城南街道', '和平村', '低保', '', paid[0]!],
      ['吴二', testId(102), '城南街道', '和平村', '特困', '', paid[1]!],
      ['郑三', testId(103), '城南街道', '新村', '脱贫人口', '', paid[2]!],
      ['冯四', testId(104), '城南街道', '新村', '监测对象', '', paid[3]!],
      ['陈五', testId(105), '城北街道', '北村', '低保', '', '已参保'],
    ];
    const sf = join(app.dir, 'special.csv');
    writeCsv(sf, special(['已参保', '已参保', '未参保', '']));
    // Through the operator's command, as `npm run cli -- import special <file>`.
    const out: string[] = [];
    const config = loadConfig({ DATABASE_URL: app.databaseUrl, ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! });
    const cli = await cliImport(['special', sf], config, memoryLogger(), { out: { write: (s: string) => out.push(s) }, progress: { write: () => true }, now: () => NOW });
    produced.push(...out);
    expect(cli.code, out.join('')).toBe(0);
    expect(out.join('')).toContain('特殊人群名单（csv, utf-8）：读取 5 行，接收 5 行');
    expect(out.join('')).toContain('新增未缴 2 人');

    const progress = await say(app, '王芳', '城南', 'progress');
    expect(progress.text).toContain('特殊人群（特困、低保、脱贫、监测对象）：已参保 2/应参保 4，50.00%（要求 100%，还差 2 人）。');
    const board = await say(app, '周局长', 'leaders', 'board');
    expect(board.footer).toContain('特殊人群参保：3/5，60.00%（要求 100%）；未达100%：城南街道 50.00%。');
    // The published board carries the same line.
    expect((await say(app, 'admin', 'leaders', 'board post')).status).toBe('ok');
    const published = await app.database.db.selectFrom('outbox').select(['reply', 'dedupe_key']).where('channel_id', '=', 'leaders').execute();
    expect(published.some((p) => p.reply.includes('特殊人群参保：3/5，60.00%'))).toBe(true);

    const named = await say(app, '王芳', '城南', 'lapse 名单');
    expect(named.text).toBe('未缴名单：特殊人群未参保 2 人，包户到人未缴 0 人。');
    expect(named.table!.rows.map((r) => [r[1], r[5], r[6]])).toEqual([
      ['郑*', '新村', '脱贫人口未参保'],
      ['冯*', '新村', '监测对象未参保'],
    ]);
    // Lapse lists stay lapses.
    expect((await say(app, '王芳', '城南', 'lapse')).text).toBe('城南街道没有未结的断缴。');

    // The official status now shows 郑三 paid: their case closes by itself.
    writeCsv(sf, special(['已参保', '已参保', '已参保', '']));
    const again = await importNamed('special', sf, { ...opts(app, later(1)), campaignId: 1 });
    expect(again.named).toEqual({ opened: 0, closed: 1 });
    expect((await caseOf(app, 103, 'special'))!).toMatchObject({ status: 'closed', close_reason: 'paid_official' });
    expect((await say(app, '王芳', '城南', 'progress')).text).toContain('已参保 3/应参保 4，75.00%');

    // 包户到人: the named unpaid residents, two with their cadre in the file.
    const unpaid = (rows: number[]): Rows => [
      UNPAID,
      ...rows.map((i) => [`居民${i}`, testId(200 + i), '城南街道', '和平村', i < 2 ? '陈干部' : '', phoneOf(200 + i)]),
    ];
    const uf = join(app.dir, 'unpaid.csv');
    writeCsv(uf, unpaid([0, 1, 2]));
    const u = await importNamed('unpaid', uf, { ...opts(app), campaignId: 1 });
    expect(u.committed).toBe(true);
    expect(u.named).toEqual({ opened: 3, closed: 0 });
    expect((await say(app, '王芳', '城南', 'progress')).text).toContain('包户到人未缴名单还剩 3 人：陈干部 2人、未分配 1人。');

    // A cadre of the township takes the unassigned one; the name in the file is linked to them.
    const loose = await ref(app, 202, 'unpaid');
    expect((await say(app, '王芳', '城南', `assign ${loose} 陈干部`)).text).toBe('陈干部 还不是城南街道的包户干部：请先发送 grant 陈干部 cadre 城南街道。');
    await say(app, 'admin', 'leaders', 'grant 陈干部 cadre 城南街道');
    expect((await say(app, 'admin', 'leaders', 'cadre link 陈干部 陈干部')).status).toBe('ok');
    expect((await say(app, '王芳', '城南', `assign ${loose} 陈干部`)).text).toBe(`已把 ${loose} 分给 陈干部，今后的提醒发给 陈干部。`);
    expect((await say(app, '李娜', '城北', `assign ${loose} 陈干部`)).status).toBe('refused');
    expect((await say(app, '王芳', '城南', 'progress')).text).toContain('还剩 3 人：陈干部 3人。');

    const list = await say(app, '陈干部', '@bot', 'lapse');
    expect(list.table!.rows).toHaveLength(3);
    expect(list.table!.rows[0]![6]).toBe('未缴费（包户到人）');
    expect((await say(app, '陈干部', '@bot', `lapse done ${loose} 承诺 周五去缴`)).status).toBe('ok');
    expect((await app.say('陈干部', '@bot', `lapse call ${loose}`)).text).toContain(phoneOf(202));

    // The township's reminders carry the named list in a post of its own; the cadre gets theirs.
    await app.database.db.transaction().execute((tx) => enqueueLapseReminders(tx, { now: NOW, month: '2026-11', t: catalogue('zh-CN'), key: 'weekly:t', weekly: true }));
    const posts = await app.database.db.selectFrom('outbox').select(['channel_id', 'reply', 'dedupe_key']).execute();
    const namedPost = posts.find((p) => p.dedupe_key.includes(':named:'));
    expect(namedPost?.reply).toContain('城南街道 未缴名单提醒（2026-11）');
    expect(namedPost?.reply).toContain('监测对象未参保');
    expect(posts.some((p) => p.dedupe_key.includes(':cadre:') && p.reply.includes('未缴费（包户到人）'))).toBe(true);
    // Untouched for 14 days, named cases escalate to the leaders like lapses (counts only).
    await app.database.db
      .transaction()
      .execute((tx) => enqueueLapseReminders(tx, { now: later(15 * 24 * 60), month: '2026-11', t: catalogue('zh-CN'), key: 'weekly:t2', weekly: true }));
    const escalation = (await app.database.db.selectFrom('outbox').select(['reply', 'dedupe_key']).execute()).find((p) => p.dedupe_key.includes('weekly:t2:escalation'));
    expect(escalation?.reply).toContain('城南街道');
    expect(escalation?.reply).not.toContain('居民');

    // The next export no longer names 居民0: paid, their case closes.
    writeCsv(uf, unpaid([1, 2]));
    expect((await importNamed('unpaid', uf, { ...opts(app, later(2)), campaignId: 1 })).named).toEqual({ opened: 0, closed: 1 });
    expect((await say(app, '王芳', '城南', 'progress')).text).toContain('还剩 2 人：陈干部 2人。');

    // A bad ID refuses the whole file: nothing changes.
    const before = await app.database.db.selectFrom('named_person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bad = unpaid([5, 6]);
    bad[2]![1] = badCheckDigit(String(bad[2]![1]));
    writeCsv(uf, bad);
    const refused = await importNamed('unpaid', uf, { ...opts(app, later(3)), campaignId: 1 });
    expect(refused.committed).toBe(false);
    expect(formatImportReport(refused, catalogue('zh-CN'))).toContain('身份证号校验位不对');
    const after = await app.database.db.selectFrom('named_person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    // Names and phones are sealed at rest.
    const rows = await app.database.db.selectFrom('named_person').select(['contact', 'name_masked', 'phone_masked']).execute();
    for (const r of rows) {
      expect(r.contact.startsWith('g1.')).toBe(true);
      expect(r.contact).not.toMatch(/居民|周一|139/);
    }
  });
});

describe('personal data in everything these tests saw', () => {
  it('has no unmasked ID number or mobile number', () => {
    expect(produced.length).toBeGreaterThan(20);
    for (const text of produced) {
      expect(/\d{17}[\dX]/.exec(text)?.[0], text).toBeUndefined();
      expect(/1[3-9]\d{9}/.exec(text)?.[0], text).toBeUndefined();
    }
  });
});
