/**
 * `undo` reverses the author's latest entry, and only that: when it is
 * reversed already it says so and how to name an older one (`undo #31`);
 * `undo #N` takes the author's own entry (an admin's: anyone's), same day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function ledger(a: TestApp) {
  const rows = await a.database.db.selectFrom('ledger_entry').select(['id', 'kind', 'reverses_id', 'member_id']).orderBy('id').execute();
  return rows.map((r) => [r.id, r.kind, r.reverses_id]);
}

async function setup(env: Record<string, string> = {}): Promise<TestApp> {
  const a = await openTestApp({ env });
  for (const line of ['township add 城南街道 target 100', 'grant 王芳 coordinator 城南街道', 'grant 张伟 coordinator 城南街道', 'grant 周局长 leader']) {
    expect((await a.say('admin', 'setup', line)).status).toBe('ok');
  }
  expect((await a.say('admin', '城南', 'bind 城南街道')).status).toBe('ok');
  return a;
}

describe('undo', () => {
  it('reverses the latest entry once, then names the older one instead of walking back to it', async () => {
    app = await setup();
    const out = await runConsoleScript(
      app,
      [':user 王芳', ':channel 城南', 'pay 2', 'pay 3', 'undo', 'undo', 'undo #1', 'undo', ':user 张伟', 'pay 1', 'undo #1', 'undo #9'].join('\n'),
    );
    expect(out).toContain('已撤销 #2（冲正记录 #3）：城南街道 -3人，-1,200元。');
    // the second undo does not reverse #1 behind the author's back
    expect(out).toContain('你最近一条登记 #2 已经被 #3 冲正，未再撤销。要撤销更早的一条，请写明编号：undo #1。');
    expect(out).toContain('已撤销 #1（冲正记录 #4）：城南街道 -2人，-800元。');
    expect(out).toContain('你最近一条登记 #2 已经被 #3 冲正，未再撤销。你在这里没有其他未撤销的登记。');
    // another coordinator's entry is not theirs to undo
    expect(out).toContain('#1 不是你登记的，只能撤销自己的登记。如需作废，请管理员发送 void #1 原因。');
    expect(out).toContain('没有记录 #9。');
    expect(await ledger(app)).toEqual([
      [1, 'payment', null],
      [2, 'payment', null],
      [3, 'reversal', 2],
      [4, 'reversal', 1],
      [5, 'payment', null],
    ]);
  });

  it('keeps the same-day rule for a named entry; an admin may undo anyone\'s, any day', async () => {
    app = await setup();
    expect((await app.say('王芳', '城南', 'pay 2')).status).toBe('ok');
    expect((await app.say('王芳', '城南', 'pay 3')).status).toBe('ok');
    app.setNow(new Date('2026-11-24T02:00:00Z'));
    expect((await app.say('王芳', '城南', 'undo #1')).text).toBe('#1 不是今天登记的，只能当天撤销。请管理员用 void #1 原因 作废。');
    expect((await app.say('admin', 'x', 'undo 1')).text).toContain('已撤销 #1（冲正记录 #3）');
    expect((await app.say('admin', 'x', 'undo #1')).text).toBe('#1 已经被 #3 冲正过了。');
    expect((await app.say('admin', 'x', 'undo #3')).text).toContain('#3 本身是冲正记录');
    expect((await app.say('王芳', '城南', 'undo abc')).text).toContain('“abc”不是记录编号：请写 #12 或 12。');
    expect(await ledger(app)).toHaveLength(3);
  });

  it('tells someone without the role what undo and lapse need, not how to log payments', async () => {
    app = await setup();
    expect((await app.say('周局长', '城南', 'undo')).text).toBe('只有乡镇联络员或管理员可以撤销登记（联络员撤销自己当天的登记）。请管理员用 grant 授权。');
    expect((await app.say('周局长', '城南', 'undo #1')).status).toBe('refused');
    expect((await app.say('路人', '城南', '断缴')).text).toBe('只有乡镇联络员、包户干部（只看自己负责的人）或管理员可以查看和跟进断缴名单（领导可以查看断缴人数）。请管理员用 grant 授权。');
    expect((await app.say('路人', '城南', 'lapse done L1 paid')).text).toBe('只有乡镇联络员、包户干部（只看自己负责的人）或管理员可以查看和跟进断缴名单（领导可以查看断缴人数）。请管理员用 grant 授权。');
    expect((await app.say('路人', '城南', 'pay 1')).text).toBe('只有乡镇联络员或管理员可以登记缴费。请管理员用 grant 授权。');
  });

  it('says it in English', async () => {
    app = await setup({ ENROLLBOT_LOCALE: 'en' });
    await app.say('王芳', '城南', 'pay 2');
    await app.say('王芳', '城南', 'pay 3');
    await app.say('王芳', '城南', 'undo');
    expect((await app.say('王芳', '城南', 'undo')).text).toBe('Your latest entry #2 was already reversed by #3; nothing was undone. To undo an older one, name it: undo #1.');
    expect((await app.say('周局长', '城南', 'undo')).text).toContain('Only a township coordinator or an admin can undo entries');
    expect((await app.say('周局长', '城南', 'lapse done L1 paid')).text).toContain('can see and work lapse cases');
  });
});
