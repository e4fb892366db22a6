/**
 * The acceptance script, through the real console platform with
 * injected streams, on an empty database; then a second run on the same file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeDir, openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';
import { rmSync } from 'node:fs';

const SETUP = `
township add 城南街道 target 1000
township add 城北街道 target 800
township add 青山镇 target 500
:channel leaders
bind leaders
:channel 城南
bind 城南街道
:channel 城北
bind 城北街道
:channel 青山
bind 青山镇
grant 王芳 coordinator 城南街道
grant 李娜 coordinator 城北街道
grant 周局长 leader
:user 王芳
:channel 城南
pay 12 4800
缴费 300人 12万
pay 5 ¥2,000 收现金
:user 李娜
:channel 城北
pay 400 16万元
登记 2人
pay 3 in 城南街道
pay -3
pay abc
pay 0
undo
:user 周局长
:channel leaders
board
`;

let app: TestApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('console session on an empty database', () => {
  it('sets up, logs in both languages, refuses bad input, undoes, and ranks', async () => {
    dir = await makeDir();
    app = await openTestApp({ dir });
    const out = await runConsoleScript(app, SETUP);

    expect(out).toContain('已在本区下添加乡镇“城南街道”，任务 1,000人');
    expect(out).toContain('本频道已绑定为本区的领导群');
    expect(out).toContain('已授予 王芳 城南街道联络员');
    // English and Chinese forms, amounts exact
    expect(out).toMatch(/已登记 #1：城南街道 12人，4,800元。/);
    expect(out).toMatch(/已登记 #2：城南街道 300人，120,000元。/);
    expect(out).toMatch(/已登记 #3：城南街道 5人，2,000元，备注“收现金”。/);
    expect(out).toMatch(/已登记 #4：城北街道 400人，160,000元。/);
    expect(out).toMatch(/已登记 #5：城北街道 2人，800元（按标准保费计）。/);
    // a coordinator is refused for another township
    expect(out).toContain('你不是城南街道的联络员，不能为它登记');
    // bad input refused with a reason
    expect(out).toContain('人数不能为负数');
    expect(out).toContain('人数“abc”不对');
    expect(out).toContain('人数不能为 0');
    // undo reverses 李娜's latest entry (#5) in her township
    expect(out).toMatch(/已撤销 #5（冲正记录 #6）：城北街道 -2人，-800元。城北街道累计 400人，完成率 50.00%。/);

    const board = out.slice(out.lastIndexOf('周局长@leaders> board'));
    const rows = board.split('\n').filter((l) => /^\s+\d\s/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/1\s+城北街道\s+400\/800\s+50\.00%\s+\+400\s+16\.00/);
    expect(rows[1]).toMatch(/2\s+城南街道\s+317\/1,000\s+31\.70%\s+\+317\s+12\.68/);
    expect(rows[2]).toMatch(/3\s+青山镇\s+0\/500\s+0\.00%\s+\+0\s+0\.00/);
    expect(board).toContain('本区合计：717/2,300人，完成率 31.17%，今日新增 +717人，收缴 28.68万元。');
    expect(board).not.toContain('演示数据');

    // Nothing was written by the refused commands: 6 ledger rows (5 payments, 1 reversal).
    const count = await app.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(6);

    // A second run on the same database sees the same figures.
    await app.close();
    app = await openTestApp({ dir });
    const again = await runConsoleScript(app, ':user 周局长\n:channel leaders\nboard\n');
    expect(again).toContain('本区合计：717/2,300人，完成率 31.17%，今日新增 +717人，收缴 28.68万元。');
  });

  it('prints posts and replies in English when configured', async () => {
    app = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    const out = await runConsoleScript(app, 'township add Alpha target 10\npay 2 in Alpha\npay 2 in Nowhere\n');
    expect(out).toContain('Added township "Alpha" under 本区, target 10 people.');
    expect(out).toContain('Recorded #1: Alpha 2 people, 800 yuan (at the standard premium).');
    expect(out).toContain('"Nowhere" was not found.');
  });

  it('answers a control without its name with its usage, and an unknown control in the console\'s language', async () => {
    app = await openTestApp();
    const out = await runConsoleScript(app, ':user\n:channel\n:channel #城南\n:foo\n:user 王芳\n');
    expect(out.split('\n').slice(0, 5)).toEqual([
      '用法：:user <名字>（现在是 admin @ console）',
      '用法：:channel <频道名>（现在是 admin @ console）',
      '(admin @ 城南)',
      '没有“:foo”这个控制命令。可用：:user <名字>（换用户）、:channel <频道名>（换频道）、:quit（退出）。',
      '(王芳 @ 城南)',
    ]);
    await app.close();

    app = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    const en = await runConsoleScript(app, ':user\n:foo\n');
    expect(en.split('\n').slice(0, 2)).toEqual([
      'Usage: :user <name> (now admin @ console)',
      'There is no control ":foo". Controls: :user <name> (speak as someone), :channel <name> (speak in a channel), :quit.',
    ]);
  });

  it('starts a new console database with the demo district', async () => {
    app = await openTestApp({ demo: true });
    const out = await runConsoleScript(app, 'board\n');
    expect(out).toContain('【演示数据】本区城乡居民医保征缴进度');
    const rows = out.split('\n').filter((l) => /^\s+\d+\s+\S+\s+[\d,]+\/[\d,]+/.test(l));
    expect(rows).toHaveLength(20);
    const total = /本区合计：([\d,]+)\/([\d,]+)人/.exec(out)!;
    expect(Number(total[2]!.replace(/,/g, ''))).toBe(560_000);
    expect(Number(total[1]!.replace(/,/g, ''))).toBeGreaterThan(300_000);
  });
});
