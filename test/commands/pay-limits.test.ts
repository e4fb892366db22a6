/**
 * Limits that catch slips: twice a township's target, the campaign's floor
 * a person (`campaign floor`), zero money, and the note's length.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';

describe('limits that catch slips', () => {
  let app: TestApp;
  const count = async () => Number((await app.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    app = await openTestApp();
    for (const line of ['township add 城南街道 target 100', 'township add 和平村 under 城南街道 target 10', 'grant 王芳 coordinator 城南街道']) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    await app.say('admin', 'south', 'bind 城南街道');
  });
  afterAll(() => app.close());

  it("refuses a coordinator's entry that takes the township past twice its target, and lets an admin's through with a warning", async () => {
    expect((await app.say('王芳', 'south', 'pay 150')).status).toBe('ok');
    const before = await count();
    const refused = await app.say('王芳', 'south', 'pay 51');
    expect(refused.status).toBe('refused');
    expect(refused.text).toContain('登记后城南街道累计将达 201人，超过任务数 100人的两倍');
    expect(await count()).toBe(before);
    // Exactly twice is still accepted.
    expect((await app.say('王芳', 'south', 'pay 50')).status).toBe('ok');
    const admin = await app.say('admin', 'south', 'pay 1');
    expect(admin.status).toBe('ok');
    expect(admin.text).toContain('注意：城南街道累计 201人，已超过任务数 100人的两倍，请核实。');
  });

  it("checks a village's own target and its township's", async () => {
    const refused = await app.say('王芳', 'south', 'pay 21 in 城南街道/和平村');
    expect(refused.status).toBe('refused');
    expect(refused.text).toContain('和平村累计将达 21人');
  });

  it('refuses an amount below the floor a person, suggests 万 when that fits, and follows campaign floor', async () => {
    const before = await count();
    const slip = await app.say('admin', 'south', 'pay 1 0.04');
    expect(slip.text).toContain('低于 1 人的最低金额 40元（每人至少 40元）');
    expect(slip.text).toContain('请写 0.04万');
    expect((await app.say('admin', 'south', 'pay 1 0')).text).toContain('金额不能为 0');
    expect(await count()).toBe(before);

    expect((await app.say('admin', 'console', 'campaign')).text).toContain('每人最低金额：40元（默认为标准保费的十分之一）');
    expect((await app.say('admin', 'console', 'campaign floor 500')).text).toContain('不能高于标准保费 400元');
    expect((await app.say('admin', 'console', 'campaign floor 10')).text).toContain('已把每人最低金额改为 10元');
    expect((await app.say('admin', 'console', 'campaign')).text).toContain('每人最低金额：10元');
    expect((await app.say('admin', 'south', 'pay 1 10')).status).toBe('ok');
    expect((await app.say('admin', 'south', 'pay 1 9.99')).status).toBe('refused');
    const audit = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.set').execute();
    expect(audit.at(-1)?.detail).toContain('floor');
  });

  it('keeps a note of 200 characters and refuses a longer one', async () => {
    const ok = await app.say('admin', 'south', `pay 1 400 ${'备'.repeat(200)}`);
    expect(ok.status).toBe('ok');
    const long = await app.say('admin', 'south', `pay 1 400 ${'备'.repeat(201)}`);
    expect(long.text).toContain('备注太长（201 个字），最多 200 个字');
  });
});
