/**
 * `progress` and `board` below a township: the village lines plus what was
 * logged to the township itself add up to its total, and the list is headed
 * by what its lines are (villages under a township, townships under a district).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function township(locale: 'zh-CN' | 'en'): Promise<TestApp> {
  const a = await openTestApp({ env: { ENROLLBOT_LOCALE: locale } });
  for (const line of [
    'township add 甲镇 target 100',
    'township add 一村 under 甲镇 target 40',
    'township add 二村 under 甲镇 target 60',
    'pay 10 in 一村',
    'pay 4 in 二村',
    'pay 5 in 甲镇',
  ]) {
    expect((await a.say('admin', 'console', line)).status, line).toBe('ok');
  }
  await a.say('admin', 'jia-leaders', 'bind leaders 甲镇');
  return a;
}

describe('progress and board below a township', () => {
  it('say how many were logged to the township itself, so the lines add up to its total', async () => {
    app = await township('zh-CN');
    const progress = await app.say('admin', 'console', 'progress 甲镇');
    expect(progress.text).toContain('甲镇：已缴 19/100人');
    expect(progress.table?.columns[0]!.header).toBe('村（社区）');
    expect(progress.table?.rows.map((r) => r[0])).toEqual(['一村', '二村']);
    expect(progress.footer).toBe('另有 5人（今日 +5人）直接登记在甲镇，未分到下级。');
    const board = await app.say('admin', 'jia-leaders', 'board');
    expect(board.footer).toContain('甲镇合计：19/100人，完成率 19.00%，今日新增 +19人');
    expect(board.footer).toContain('另有 5人（今日 +5人）直接登记在甲镇，未分到下级。');

    // The district's own lines are townships, and they add up: no such line.
    const district = await app.say('admin', 'console', 'progress 本区');
    expect(district.table?.columns[0]!.header).toBe('乡镇（街道）');
    expect(district.footer).toBeUndefined();
  });

  it('in English too', async () => {
    app = await township('en');
    const progress = await app.say('admin', 'console', 'progress 甲镇');
    expect(progress.table?.columns[0]!.header).toBe('Village');
    expect(progress.footer).toBe('Besides, 5 people (+5 today) were logged for 甲镇 itself, under none of the areas above.');
    expect((await app.say('admin', 'console', 'progress 本区')).table?.columns[0]!.header).toBe('Township');
  });
});
