/**
 * Official figures beside the reported ones: the board, progress, the export
 * and the chart show both, rank by the campaign's source, mark what is behind
 * the time elapsed and what is to check, and tell the leaders once a week.
 * Every figure here is worked out by hand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { writeCsv } from '../helpers/lapse-files.ts';
import { consoleMessage } from '../../src/platforms/console/console-platform.ts';
import { publishBoards } from '../../src/board/publish.ts';
import { loadBoard } from '../../src/board/board.ts';
import { boardChartSvg } from '../../src/board/chart.ts';
import { exportBoard } from '../../src/ops/export.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { getCurrentCampaign } from '../../src/store/campaigns.ts';
import { getRootArea } from '../../src/store/areas.ts';
import type { Reply } from '../../src/core/reply.ts';

// 2026-11-23 10:00 in Shanghai: day 84 of the campaign's 122 (1 September to 31 December), 序时进度 68.85%.
const NOW = new Date('2026-11-23T02:00:00Z');
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function say(text: string, user = 'admin', channel = 'console'): Promise<Reply> {
  const r = await app!.say(user, channel, text);
  expect(r.status, `${text}: ${r.text}`).toBe('ok');
  return r;
}

/**
 * Reported: 甲镇 700/1000, 乙镇 600/1000, 丙镇 80/100. Official, as of 22
 * November (and the 21st): 甲镇 640 (600), 乙镇 590 (580), 丙镇 30 (20).
 */
async function district(): Promise<string> {
  app = await openTestApp({ now: NOW });
  for (const line of ['township add 甲镇 target 1000', 'township add 乙镇 target 1000', 'township add 丙镇 target 100', 'pay 700 in 甲镇', 'pay 600 in 乙镇', 'pay 80 in 丙镇']) {
    await say(line);
  }
  const dir = await makeDir();
  const file = join(dir, '系统数据.csv');
  writeCsv(file, [
    ['乡镇', '已缴费人数', '统计日期'],
    ['甲镇', 600, '2026-11-21'],
    ['乙镇', 580, '2026-11-21'],
    ['丙镇', 20, '2026-11-21'],
    ['甲镇', 640, '2026-11-22'],
    ['乙镇', 590, '2026-11-22'],
    ['丙镇', 30, '2026-11-22'],
  ]);
  return file;
}

const rowsOf = (reply: Reply) => reply.table!.rows.map((r) => r.join(' | '));

describe('reconciliation', () => {
  it('ranks by the reported figures until the first official import, then by the official ones, showing both', async () => {
    const file = await district();
    const before = await say('board');
    expect(before.text).toBe('数据来源：乡镇自报\n序时进度 68.85%（征缴期第 84/122 天）');
    expect(rowsOf(before)).toEqual([
      '1 | 丙镇 | 80/100 | 80.00% | +80 | 3.20 | 20 | ',
      '2 | 甲镇 | 700/1,000 | 70.00% | +700 | 28.00 | 300 | ',
      '3 | 乙镇 | 600/1,000 | 60.00% | +600 | 24.00 | 400 | 落后序时',
    ]);

    // An admin imports in the console by the file's path.
    const imported = await say(`official import ${file}`);
    expect(imported.text).toContain('新存 8 个数（其中 2 个为上级汇总）');
    expect(imported.text).toContain('这是本次征缴第一次导入系统数据');

    const board = await say('board');
    expect(board.text).toBe('数据来源：医保信息平台，截至 11月22日\n序时进度 68.85%（征缴期第 84/122 天）');
    expect(board.table!.columns.map((c) => c.header)).toEqual(['排名', '名称', '已缴/任务(人)', '完成率', '今日新增', '收缴(万元)', '还差', '自报', '系统', '差异', '标记']);
    // 甲镇 reports 60 over the platform: more than 50 people and more than 2 % of 640 (12.8): to check.
    // 乙镇's 10 and 丙镇's 50 are not more than 50. Increases are the platform's day on day: 640 − 600.
    expect(rowsOf(board)).toEqual([
      '1 | 甲镇 | 640/1,000 | 64.00% | +40 | 28.00 | 360 | 700 | 640 | +60 | 落后序时 待核实',
      '2 | 乙镇 | 590/1,000 | 59.00% | +10 | 24.00 | 410 | 600 | 590 | +10 | 落后序时',
      '3 | 丙镇 | 30/100 | 30.00% | +10 | 3.20 | 70 | 80 | 30 | +50 | 落后序时',
    ]);
    // The district's official figure is the sum the import made: 1,260 (1,200 the day before).
    expect(board.footer).toContain('本区合计：1,260/2,100人，完成率 60.00%，今日新增 +60人，收缴 55.20万元。还差 840人。');
    expect(board.footer).toContain('自报 1,380人，系统 1,260人，差异 +120人。');
    expect(board.footer).toContain('落后序时进度（68.85%）：3/3 个单位');
    expect(board.footer).toContain('待核实（自报超出系统数据）：甲镇（自报 700，系统 640，差异 +60）');

    // progress says the same of one township.
    const progress = (await say('progress 甲镇')).text;
    expect(progress).toContain('甲镇：已缴 640/1,000人，完成率 64.00%，今日新增 +40人，累计收缴 280,000元，在本区排第 1/3 名。');
    expect(progress).toContain('还差 360人；序时进度 68.85%，落后序时进度。');
    expect(progress).toContain('自报 700人，系统 640人（截至 2026-11-22），差异 +60人，待核实。');
    expect(progress).toContain('数据来源：医保信息平台，截至 11月22日');

    // Back to the reported figures: their ranking, still beside the official ones.
    await say('campaign source reported');
    const reported = await say('board');
    expect(reported.text).toContain('数据来源：乡镇自报');
    expect(rowsOf(reported)[0]).toBe('1 | 丙镇 | 80/100 | 80.00% | +80 | 3.20 | 20 | 80 | 30 | +50 | ');
    expect((await say('campaign')).text).toContain('数据来源：乡镇自报');
    await say('campaign source official');
    expect(rowsOf(await say('board'))[0]).toMatch(/^1 \| 甲镇 \| 640\/1,000/);

    // The margin is the campaign's: at 10 % and 50 people 甲镇 (60 over 640, 9.4 %) is no longer to check.
    await say('campaign margin 10% 50');
    expect(rowsOf(await say('board'))[0]).toBe('1 | 甲镇 | 640/1,000 | 64.00% | +40 | 28.00 | 360 | 700 | 640 | +60 | 落后序时');
    expect((await app!.say('admin', 'console', 'campaign margin 2x 50')).status).toBe('refused');
  });

  it('shows official figures of today or yesterday only, and the export and the chart carry the same figures', async () => {
    const file = await district();
    await say(`official import ${file}`);
    const out = await makeDir();
    const csv = join(out, 'board.csv');
    await exportBoard(app!.database.db, csv, NOW);
    const lines = readFileSync(csv, 'utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFF排名,名称,已缴人数,任务人数,完成率,今日新增,收缴金额（元）,还差,自报人数,系统人数,差异,系统截至,落后序时进度,待核实');
    expect(lines[1]).toBe('1,甲镇,640,1000,64.00%,40,280000.00,360,700,640,60,2026-11-22,是,是');
    expect(lines[4]).toBe(',本区合计,1260,2100,60.00%,60,552000.00,840,1380,1260,120,2026-11-22,,是');
    expect(lines[5]).toBe(',数据来源：医保信息平台，截至 11月22日；序时进度 68.85%（征缴期第 84/122 天）');

    const db = app!.database.db;
    const board = await loadBoard(db, { campaign: await getCurrentCampaign(db), area: await getRootArea(db), today: '2026-11-23', now: NOW });
    const svg = boardChartSvg(board, catalogue('zh-CN'));
    expect(svg).toContain('序时进度 68.85%');
    expect(svg).toContain('本区合计 60.00%');
    expect(svg).toContain('64.00%');

    // Two days on, the 22nd's figures are stale: the reported ones are shown, and the title says why.
    app!.setNow(new Date('2026-11-25T02:00:00Z'));
    const later = await say('board');
    expect(later.text).toContain('数据来源：医保信息平台（近两日没有导入数据，按乡镇自报计）');
    expect(later.table!.columns.map((c) => c.header)).not.toContain('系统');
    expect(rowsOf(later)[0]).toMatch(/^1 \| 丙镇 \| 80\/100/);
  });

  it('praises and criticises by the campaign’s thresholds', async () => {
    await district();
    await say('campaign praise 10');
    await say('campaign criticize 2');
    const board = await say('board');
    // 丙镇 80.00% ≥ 68.85% + 10; of the last two, 甲镇 (70.00%) is ahead of the time elapsed, 乙镇 behind.
    expect(board.footer).toContain('表扬（完成率高于序时进度 10 个百分点及以上）：丙镇 80.00%');
    expect(board.footer).toContain('通报（排名靠后且落后序时进度）：乙镇 60.00%');
    const shown = (await say('campaign')).text;
    expect(shown).toContain('表扬：完成率高于序时进度 10 个百分点及以上');
    expect(shown).toContain('通报：后 2 名中落后序时进度的单位');
    await say('campaign praise off');
    await say('campaign criticize off');
    expect((await say('board')).footer).not.toMatch(/表扬|通报（/);
    expect((await app!.say('admin', 'console', 'campaign praise lots')).text).toContain('请写非负整数，或 off');
  });

  it('sends the leaders the townships to check once a week, with the scheduled board', async () => {
    const file = await district();
    await say(`official import ${file}`);
    await say('bind leaders', 'admin', 'leaders');
    const db = app!.database.db;
    const post = async (now: Date, date: string) =>
      db.transaction().execute(async (tx) =>
        publishBoards(tx, {
          campaign: await getCurrentCampaign(tx),
          businessDate: date,
          slot: '18:00',
          kind: 'scheduled',
          late: false,
          now,
          t: catalogue('zh-CN'),
          demo: false,
          claimedBy: 'test',
          chart: false,
        }),
      );
    const checks = async () =>
      (await db.selectFrom('outbox').select(['reply', 'dedupe_key']).where('dedupe_key', 'like', 'verify@%').execute()).map((r) => JSON.parse(r.reply) as Reply);
    // Monday 23 November, then Tuesday: one list that week.
    await post(new Date('2026-11-23T10:00:00Z'), '2026-11-23');
    await post(new Date('2026-11-24T10:00:00Z'), '2026-11-24');
    const sent = await checks();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.title).toBe('本区本周待核实单位（系统数据截至 11月22日）');
    expect(sent[0]!.text).toContain('甲镇（自报 700，系统 640，差异 +60）');
    expect(sent[0]!.text).toContain('超出医保信息平台数据 2.00% 且 50 人以上');
    // A manual post does not send it; the next week's first scheduled post does (with fresh figures).
    const next = join(await makeDir(), 'next.csv');
    writeCsv(next, [['乡镇', '已缴费人数', '日期'], ['甲镇', 640, '2026-11-30'], ['乙镇', 590, '2026-11-30'], ['丙镇', 30, '2026-11-30']]);
    app!.setNow(new Date('2026-11-30T02:00:00Z'));
    await say(`official import ${next}`);
    await post(new Date('2026-11-30T10:00:00Z'), '2026-11-30');
    expect(await checks()).toHaveLength(2);
  });

  it('imports only where the platform hands the bot a file, and writes nothing for a bad one', async () => {
    const file = await district();
    const slack = await app!.dispatcher.handle({ ...consoleMessage({ user: 'U1', channel: 'C1', text: `official import ${file}`, messageId: 's1' }), platform: 'slack' });
    // Not an admin on Slack, so refused before anything; an admin there is told to use the CLI.
    expect(slack.status).toBe('refused');
    await app!.close();
    app = await openTestApp({ now: NOW, env: { ENROLLBOT_ADMINS: 'slack:U1' } });
    const admin = await app.dispatcher.handle({ ...consoleMessage({ user: 'U1', channel: 'C1', text: `official import ${file}`, messageId: 's2' }), platform: 'slack' });
    expect(admin.status).toBe('refused');
    expect(admin.text).toContain('slack上还不能把文件交给机器人');
    expect(admin.text).toContain('npm run cli -- import official');

    const bad = join(await makeDir(), 'bad.csv');
    writeCsv(bad, [['乡镇', '已缴费人数'], ['无名镇', 5]]);
    const refused = await app.say('admin', 'console', `official import ${bad}`);
    expect(refused.status).toBe('refused');
    expect(refused.text).toContain('第 2 行：A（乡镇）列 没有这个地区：“无名镇”');
    expect((await app.say('admin', 'console', 'official import /no/such/file.csv')).text).toContain('找不到文件');
    expect(await app.database.db.selectFrom('official_snapshot').select('id').execute()).toHaveLength(0);
    // Coordinators cannot import.
    expect((await app.say('路人', 'console', `official import ${bad}`)).status).toBe('refused');
  });
});
