/** Chinese command words need no space before what follows them, as Chinese is typed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';

describe('glued Chinese command words', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await openTestApp();
    await app.say('admin', 'console', 'township add 城南街道 target 1000');
    await app.say('admin', 'south', 'bind 城南街道');
  });
  afterAll(() => app.close());

  it('reads 缴费12人4800元, 查询城南街道 and 撤销 as if spaced', async () => {
    const paid = await app.say('admin', 'south', '缴费12人4800元');
    expect(paid.text).toMatch(/^已登记 #1：城南街道 12人，4,800元。/);
    const progress = await app.say('admin', 'console', '查询城南街道');
    expect(progress.status).toBe('ok');
    expect(progress.text).toContain('城南街道：已缴 12/1,000人');
    const undone = await app.say('admin', 'south', '撤销');
    expect(undone.text).toContain('已撤销 #1');
  });

  it('leaves a word that only starts like a command an unknown command', async () => {
    const r = await app.say('admin', 'south', 'payme 12');
    expect(r.status).toBe('refused');
    expect(r.text).toContain('没有“payme”这个命令');
  });
});
