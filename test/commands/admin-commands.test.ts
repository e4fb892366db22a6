/** The remaining commands through the console platform: campaign, target, void, progress, help. */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';

let app: TestApp;
afterEach(() => app?.close());

describe('admin and query commands in the console', () => {
  it('shows and changes the campaign, refusing impossible dates and premiums', async () => {
    app = await openTestApp();
    const out = await runConsoleScript(
      app,
      [
        'campaign',
        'campaign name 2027年度城乡居民医保集中征缴（续）',
        'campaign premium 380元',
        'campaign premium 0',
        'campaign deadline 2026-02-30',
        'campaign deadline 2026-08-01',
        'campaign deadline 2027-01-15',
        'campaign',
        'campaign whatever',
      ].join('\n'),
    );
    expect(out).toContain('当前征缴：2027年度城乡居民医保集中征缴\n征缴期：2026-09-01 至 2026-12-31（剩余 39 天）\n标准保费：400元/人\n时区：Asia/Shanghai');
    expect(out).toContain('已把征缴名称改为 2027年度城乡居民医保集中征缴（续）');
    expect(out).toContain('已把标准保费改为 380元');
    expect(out).toContain('标准保费必须大于 0');
    expect(out).toContain('日期“2026-02-30”不对');
    expect(out).toContain('开始日期 2026-09-01 不能晚于截止日期 2026-08-01');
    expect(out).toContain('征缴期：2026-09-01 至 2027-01-15（剩余 54 天）\n标准保费：380元/人');
    expect(out).toContain('多余的内容：“whatever”');
    const audit = await app.database.db.selectFrom('audit_log').select('action').where('action', '=', 'campaign.set').execute();
    expect(audit).toHaveLength(3);
  });

  it('says a campaign field set to the value it has is unchanged, and audits nothing', async () => {
    app = await openTestApp();
    const say = async (text: string) => (await app.say('admin', 'console', text)).text;
    expect(await say('campaign premium 400')).toBe('标准保费已经是 400元，未作改动。');
    expect(await say('campaign premium 400.00元')).toBe('标准保费已经是 400元，未作改动。');
    expect(await say('campaign deadline 2026-12-31')).toBe('截止日期已经是 2026-12-31，未作改动。');
    expect(await say('campaign start 2026-09-01')).toBe('开始日期已经是 2026-09-01，未作改动。');
    const audits = () => app.database.db.selectFrom('audit_log').select('detail').where('action', '=', 'campaign.set').execute();
    expect(await audits()).toHaveLength(0);
    expect(await say('campaign premium 380')).toBe('已把标准保费改为 380元。');
    expect(await say('campaign premium 380')).toBe('标准保费已经是 380元，未作改动。');
    expect(await audits()).toHaveLength(1);

    const en = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    try {
      expect((await en.say('admin', 'console', 'campaign premium 400')).text).toBe('The standard premium is already 400 yuan; nothing was changed.');
      expect((await en.say('admin', 'console', 'campaign premium 380')).text).toBe('Changed the standard premium to 380 yuan.');
    } finally {
      await en.close();
    }
  });

  it('sets targets, voids with a reason, reports progress with villages, and explains commands', async () => {
    app = await openTestApp();
    const out = await runConsoleScript(
      app,
      [
        'township add 甲镇 target 100',
        'township add 一村 under 甲镇 target 60',
        'township add 二村 under 甲镇',
        'township add 一村 under 甲镇',
        'township add 123',
        'target 二村 40',
        'target 甲镇 abc',
        'pay 10 in 一村',
        'pay 5 1,500 in 二村',
        'void #1',
        'void #1 重复登记',
        'progress 甲镇',
        'progress',
        'help void',
        'help nope',
        'frobnicate',
      ].join('\n'),
    );
    expect(out).toContain('已在甲镇下添加村（社区）“一村”，任务 60人');
    expect(out).toContain('甲镇下已有“一村”');
    expect(out).toContain('名称不能为空，也不能以数字或 # 开头');
    expect(out).toContain('已把二村的任务数设为 40人（原为 —）');
    expect(out).toContain('任务数“abc”不对：请写任务人数');
    expect(out).toContain('缺少原因');
    expect(out).toContain('已作废 #1（冲正记录 #3，原因：重复登记）：一村 -10人，-4,000元。');
    expect(out).toMatch(/甲镇：已缴 5\/100人，完成率 5\.00%，今日新增 \+5人，累计收缴 1,500元，在本区排第 1\/1 名。/);
    expect(out).toMatch(/二村\s+5\/40\s+12\.50%\s+\+5/);
    expect(out).toMatch(/一村\s+0\/60\s+0\.00%\s+\+0/);
    expect(out).toContain('本区：已缴 5/100人');
    expect(out).toContain('void <记录编号> <原因…>\n作废任意一条登记');
    expect(out).toContain('谁可以用：管理员');
    expect(out).toContain('没有“nope”这个命令');
    expect(out).toContain('没有“frobnicate”这个命令');
  });

  it('shows the usage with every refusal of how a command is written, found while parsing or while running', async () => {
    app = await openTestApp();
    await app.say('admin', 'console', 'township add 城南街道');
    const usage = '用法：grant <用户> <角色> [<地区>]';
    expect((await app.say('admin', 'console', 'grant 王芳')).text).toBe(`缺少角色。\n${usage}`);
    expect((await app.say('admin', 'console', 'grant 王芳 coordinator')).text).toBe(`缺少乡镇。\n${usage}`);
    expect((await app.say('admin', 'console', 'grant 王芳 admin 城南街道')).text).toBe(`多余的内容：“城南街道”。\n${usage}`);
    expect((await app.say('admin', 'console', 'bind 城南街道 本区')).text).toBe('多余的内容：“本区”。\n用法：bind <leaders或乡镇> [<地区>]');
    // A refusal about the facts, not the wording, stays as it is.
    expect((await app.say('admin', 'console', 'grant 王芳 coordinator 青山镇')).text).toBe('没有找到“青山镇”。发送 board（排行）可看全部乡镇名称。');
    const en = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    try {
      expect((await en.say('admin', 'console', 'grant someone coordinator')).text).toBe('The township is missing.\nUsage: grant <user> <role> [<area>]');
    } finally {
      await en.close();
    }
  });

  it('answers in English when configured, the usage included', async () => {
    app = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    const out = await runConsoleScript(app, 'pay\nhelp undo\n:user nobody\nvoid #1 x\n');
    expect(out).toContain('The people is missing.\nUsage: pay <people> [<amount>] [in <township>] [<note…>]');
    expect(out).toContain("Who: the township's coordinators, admins");
    expect(out).toContain('Only an admin can do that.');
  });
});

describe('a city deployment', () => {
  it('puts districts under the city and townships under the districts', async () => {
    app = await openTestApp({ env: { ENROLLBOT_AREA: '九江市', ENROLLBOT_AREA_KIND: 'city' } });
    const out = await runConsoleScript(
      app,
      ['township add 濂溪区', 'township add 十里街道 under 濂溪区 target 100', 'pay 10 in 十里街道', 'pay 1 in 濂溪区', 'board', 'progress 濂溪区'].join('\n'),
    );
    expect(out).toContain('已在九江市下添加区县“濂溪区”');
    expect(out).toContain('已在濂溪区下添加乡镇“十里街道”，任务 100人');
    expect(out).toContain('已登记 #1：十里街道 10人');
    expect(out).toContain('“濂溪区”不是乡镇或村（社区），不能登记缴费');
    expect(out).toContain('九江市合计：10/100人');
    expect(out).toContain('濂溪区：已缴 10/100人，完成率 10.00%');
  });
});
