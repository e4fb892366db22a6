/**
 * Replies worded for the command and the reader: refusals that say what is
 * wrong in the user's words, a township board without villages, help that
 * lists what the asker may run, a finished campaign, grouped figures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';
import { CONTRIBUTION_HEADER, ROSTER_HEADER, testId, writeCsv, type Rows } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';

let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps) await a.close();
  apps = [];
});

async function open(env: Record<string, string> = {}): Promise<TestApp> {
  const a = await openTestApp({ env });
  apps.push(a);
  return a;
}

async function rows(a: TestApp, table: 'channel_binding' | 'audit_log' | 'target' | 'campaign') {
  return a.database.db.selectFrom(table).selectAll().execute();
}

describe('refusals in the user\'s words', () => {
  it('bind of a village or a district says what to bind instead, and binds nothing', async () => {
    const app = await open();
    await app.say('admin', 'c', 'township add 城南街道 target 100');
    await app.say('admin', 'c', 'township add 和平村 under 城南街道');
    const before = await rows(app, 'channel_binding');
    expect((await app.say('admin', 'x', 'bind 和平村')).text).toBe(
      '“和平村”是村（社区），工作群只绑定到乡镇：请在城南街道的群里发送 bind 城南街道；村的缴费在那里登记，如 pay 12 in 和平村。',
    );
    expect((await app.say('admin', 'x', 'bind 本区')).text).toBe('“本区”是区县，不是乡镇，不能绑定为工作群。要把本频道设为它的领导群，请发送 bind leaders 本区。');
    expect(await rows(app, 'channel_binding')).toEqual(before);
  });

  it('campaign premium -1 and a too-large target are refused as premium and target, changing nothing', async () => {
    const app = await open();
    await app.say('admin', 'c', 'township add 城南街道 target 100');
    const [campaign, targets, audit] = [await rows(app, 'campaign'), await rows(app, 'target'), await rows(app, 'audit_log')];
    const premium = await app.say('admin', 'c', 'campaign premium -1');
    expect(premium.text.split('\n')[0]).toBe('标准保费必须大于 0：请写每人保费（元），如 campaign premium 400。');
    expect(premium.text).not.toContain('undo');
    expect((await app.say('admin', 'c', 'target 城南街道 99999999999')).text.split('\n')[0]).toBe(
      '任务数“99999999999”太大（最多 1,000,000,000 人），请检查是否多写了位数。',
    );
    expect((await app.say('admin', 'c', 'township add 北镇 target 12345678901')).text).toContain('任务数“12345678901”太大');
    expect((await app.say('admin', 'c', 'target 城南街道 -5')).text).toContain('任务数“-5”不对：请写任务人数');
    expect([await rows(app, 'campaign'), await rows(app, 'target'), await rows(app, 'audit_log')]).toEqual([campaign, targets, audit]);
  });

  it('names a missing argument in words in English, never by a one-letter label', async () => {
    const app = await open({ ENROLLBOT_LOCALE: 'en' });
    await app.say('admin', 'c', 'township add Alpha target 10');
    expect((await app.say('admin', 'c', 'target Alpha')).text).toBe('The target is missing.\nUsage: target <township> <target>');
    expect((await app.say('admin', 'c', 'township add Beta target')).text).toContain('The target is missing.');
    expect((await app.say('admin', 'c', 'campaign premium -1')).text).toContain('The standard premium must be more than 0');
    // no usage or help line names an argument by a single letter
    const help = (await app.say('admin', 'c', 'help')).text + (await app.say('admin', 'c', 'help target')).text;
    expect(help).not.toMatch(/<[a-z]>/);
  });
});

describe('board in a township channel with no villages', () => {
  it("shows the township's own figures and how to add villages", async () => {
    const app = await open();
    await app.say('admin', 'c', 'township add 城南街道 target 12000');
    await app.say('admin', '城南', 'bind 城南街道');
    await app.say('admin', '城南', 'pay 10000 4000000');
    const out = await runConsoleScript(app, ':channel 城南\nboard\n');
    expect(out).toContain('城南街道合计：10,000/12,000人，完成率 83.33%，今日新增 +10,000人，收缴 400.00万元。');
    expect(out).toContain('距截止（2026-12-31）还有 39 天');
    expect(out).toContain('城南街道下还没有村（社区），以上是城南街道自己的数字。管理员可以添加村，各村就会列在这里：township add 和平村 under 城南街道 target 500。');
    expect(out).not.toContain('还没有乡镇');
    // with a village, the village is listed instead
    await app.say('admin', 'c', 'township add 和平村 under 城南街道 target 500');
    const listed = await app.say('admin', '城南', 'board');
    expect(listed.table!.rows.map((r) => r[1])).toEqual(['和平村']);
  });
});

describe('help', () => {
  it('lists only what the asker may run; admins see every command', async () => {
    const app = await open();
    await app.say('admin', 'c', 'township add 城南街道');
    await app.say('admin', 'c', 'grant 王芳 coordinator 城南街道');
    const listed = async (user: string) =>
      (await app.say(user, 'c', 'help')).text
        .split('\n')
        .filter((l) => l.startsWith('• '))
        .map((l) => l.slice(2).split(' ').slice(0, 2).filter((w) => /^[a-z]+$/.test(w)).join(' '));
    expect(await listed('路人')).toEqual(['board', 'progress', 'help', 'who']);
    expect(await listed('王芳')).toEqual(['pay', 'total', 'undo', 'board', 'progress', 'help', 'who', 'lapse', 'lapse done', 'lapse call', 'assign']);
    const admin = await listed('admin');
    expect(admin).toContain('void');
    expect(admin).toContain('lapse scan');
    expect(admin).toContain('board post');
    expect((await app.say('路人', 'c', 'help')).text).toContain('这里只列出你可以使用的命令');
    // the example is a command the asker may run
    expect((await app.say('路人', 'c', 'help')).text).toContain('如 help board');
    expect((await app.say('王芳', 'c', 'help')).text).toContain('如 help pay');
    expect((await app.say('admin', 'c', 'help')).text).not.toContain('这里只列出你可以使用的命令');
  });
});

describe('a finished campaign', () => {
  it('says 已截止, not 剩余 0 天, in both languages', async () => {
    const app = await open();
    await app.say('admin', 'c', 'campaign deadline 2026-11-20');
    const zh = (await app.say('admin', 'c', 'campaign')).text;
    expect(zh).toContain('征缴期：2026-09-01 至 2026-11-20（已截止）');
    expect(zh).not.toContain('剩余 0 天');
    const en = await open({ ENROLLBOT_LOCALE: 'en' });
    await en.say('admin', 'c', 'campaign deadline 2026-11-20');
    expect((await en.say('admin', 'c', 'campaign')).text).toContain('Period: 2026-09-01 to 2026-11-20 (closed)');
    await en.say('admin', 'c', 'campaign deadline 2026-11-23');
    expect((await en.say('admin', 'c', 'campaign')).text).toContain('(1 day left)');
  });
});

describe('thousands separators', () => {
  it('groups every count and sum: confirmations, reversals, voids, lapse counts and scans', async () => {
    const app = await open();
    await app.say('admin', 'c', 'township add 城南街道 target 30000');
    await app.say('admin', '城南', 'bind 城南街道');
    await app.say('admin', 'c', 'bind leaders');
    const paid = await app.say('admin', '城南', 'pay 10000');
    expect(paid.text).toContain('城南街道 10,000人，4,000,000元');
    expect((await app.say('admin', '城南', 'undo')).text).toContain('城南街道 -10,000人，-4,000,000元');
    await app.say('admin', '城南', 'pay 10000');
    expect((await app.say('admin', 'c', 'void #3 重复')).text).toContain('城南街道 -10,000人，-4,000,000元');

    const en = await open({ ENROLLBOT_LOCALE: 'en' });
    await en.say('admin', 'c', 'township add Alpha target 30000');
    expect((await en.say('admin', 'c', 'pay 10000 in Alpha')).text).toContain('Alpha 10,000 people, 4,000,000 yuan');
    expect((await en.say('admin', 'c', 'undo')).text).toContain('-10,000 people');

    // 1,001 people lapsed in one township: the scan and the list group them too
    const roster: Rows = [ROSTER_HEADER];
    const contributions: Rows = [CONTRIBUTION_HEADER];
    for (let i = 0; i < 1001; i++) {
      roster.push([`人${i}`, testId(i), '城南街道', '单位', '', '', '']);
      contributions.push([testId(i), i === 0 ? '2026-10' : '2026-09', '500']);
    }
    roster.push(['末位', testId(1001), '城南街道', '单位', '', '', '']);
    contributions.push([testId(1001), '2026-10', '500']);
    writeCsv(join(app.dir, 'r.csv'), roster);
    writeCsv(join(app.dir, 'c.csv'), contributions);
    const o = { db: app.database.db, hasher: piiHasher('k'), sealer: piiSealer(deriveSealKeys('k')), now: new Date('2026-11-23T02:00:00Z'), today: '2026-11-23' };
    await importRoster(join(app.dir, 'r.csv'), o);
    await importContributions(join(app.dir, 'c.csv'), o);
    expect((await app.say('admin', 'c', 'lapse scan 2026-10')).text).toContain('新增 1,000 件，更新 0 件，因补缴结案 0 件，现有未结 1,000 件');
    const list = await app.say('admin', '城南', 'lapse');
    expect(list.text).toContain('未结断缴 1,000 人：可补缴的 断缴1个月 1,000 人');
    expect(list.footer).toContain('另有 950 件未列出');
  });
});
