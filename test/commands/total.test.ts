/** `total`: a township reports its cumulative figure once; the bot records the difference. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { writeCsv } from '../helpers/lapse-files.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function district(): Promise<TestApp> {
  app = await openTestApp();
  for (const line of ['township add 城南街道 target 1000', 'bind 城南街道', 'grant 王芳 coordinator 城南街道']) {
    expect((await app.say('admin', line === 'bind 城南街道' ? '城南街道' : 'console', line)).status, line).toBe('ok');
  }
  return app;
}

/** The township's running total and its entries, as stored. */
async function stored(a: TestApp) {
  const db = a.database.db;
  const total = await db.selectFrom('area_total as t').innerJoin('area as a', 'a.id', 't.area_id').select(['t.people', 't.amount_fen']).where('a.name', '=', '城南街道').executeTakeFirst();
  const entries = await db.selectFrom('ledger_entry').select(['kind', 'people', 'amount_fen']).orderBy('id').execute();
  return {
    people: Number(total?.people ?? 0),
    amountFen: Number(total?.amount_fen ?? 0),
    entries: entries.map((e) => `${e.kind} ${Number(e.people)} ${Number(e.amount_fen)}`),
  };
}

describe('total', () => {
  it('records the difference from the running total, up or down, and shows the change', async () => {
    const a = await district();
    expect((await a.say('王芳', '城南街道', 'pay 12 4800')).status).toBe('ok');
    const up = await a.say('王芳', '城南街道', 'total 100');
    // 88 more people at the standard 400 元: 35,200 元.
    expect(up.text).toBe('已上报 #2：城南街道累计 100人（+88人，+35,200元），完成率 10.00%，累计收缴 40,000元。');
    const down = await a.say('王芳', '城南街道', '累计90人 36000元 “核对后更正”');
    expect(down.text).toBe('已上报 #3：城南街道累计 90人（-10人，-4,000元），完成率 9.00%，累计收缴 36,000元，备注“核对后更正”。');
    expect(await stored(a)).toEqual({ people: 90, amountFen: 3_600_000, entries: ['payment 12 480000', 'total 88 3520000', 'total -10 -400000'] });
    // The same figure again: nothing recorded.
    expect((await a.say('王芳', '城南街道', '上报 90 3.6万')).text).toBe('城南街道累计已经是 90人，金额也相同，未记录。');
    expect((await stored(a)).entries).toHaveLength(3);
    // 0 is a total; below 0 is refused in words, and so is an amount above the full premium.
    expect((await a.say('admin', 'console', 'total 0 in 城南街道')).text).toContain('累计 0人（-90人，-36,000元）');
    const negative = await a.say('王芳', '城南街道', 'total -5');
    expect(negative).toMatchObject({ status: 'refused' });
    expect(negative.text).toContain('累计人数不能小于 0');
    expect((await a.say('王芳', '城南街道', 'total 10 40000')).text).toContain('超过 10 人的全额保费 4,000元');
    // A slip of a digit past twice the target is refused for a coordinator.
    expect((await a.say('王芳', '城南街道', 'total 20001')).status).toBe('refused');
    // Above one entry's 10,000 people is fine for a cumulative figure.
    expect((await a.say('admin', 'console', 'total 1500 in 城南街道')).text).toContain('城南街道累计 1,500人（+1,500人，+600,000元）');
    expect((await stored(a)).people).toBe(1500);
    // A wrong total is put right by the right total: undo and void refuse it, in words, writing nothing;
    // undo never passes over it to reverse an older payment.
    const last = (await a.database.db.selectFrom('ledger_entry').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    expect((await a.say('admin', 'console', `void #${last} 录错`)).text).toBe(`#${last} 是上报累计数（total）记下的差额，不能撤销或作废：请再发一次 total <正确的累计数> 更正。`);
    expect((await a.say('王芳', '城南街道', 'total 95')).status).toBe('ok');
    expect((await a.say('王芳', '城南街道', 'undo')).text).toContain('不能撤销或作废');
    expect((await stored(a)).people).toBe(95);
  });

  it('is idempotent on the message id, as pay is', async () => {
    const a = await district();
    const first = await a.say('王芳', '城南街道', 'total 50', 'same-message');
    const replay = await a.say('王芳', '城南街道', 'total 50', 'same-message');
    expect(replay.text).toBe(first.text);
    expect((await stored(a)).entries).toEqual(['total 50 2000000']);
  });

  it('answers a coordinator that figures come from the system once the source is official; an admin can still correct', async () => {
    const a = await district();
    const file = join(await makeDir(), 'official.csv');
    writeCsv(file, [['乡镇', '已缴费人数', '日期'], ['城南街道', 40, '2026-11-22']]);
    expect((await a.say('admin', 'console', `official import ${file}`)).status).toBe('ok');
    for (const line of ['pay 5', 'total 50']) {
      const r = await a.say('王芳', '城南街道', line);
      expect(r, line).toMatchObject({ status: 'refused', code: 'wrong_place' });
      expect(r.text).toContain('以医保信息平台导入的数据为准');
    }
    expect((await stored(a)).entries).toEqual([]);
    const admin = await a.say('admin', 'console', 'total 45 in 城南街道');
    expect(admin.text).toContain('提示：排行按系统数据计，这条只改自报数。');
    // Reported again: the coordinator reports as before.
    await a.say('admin', 'console', 'campaign source reported');
    expect((await a.say('王芳', '城南街道', 'total 50')).text).toContain('（+5人，+2,000元）');
  });
});
