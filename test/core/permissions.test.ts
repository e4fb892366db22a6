/** Every role × every command: who may, who is refused, and that a refusal writes nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';

type Who = 'stranger' | 'coordA' | 'coordB' | 'leader' | 'admin';
const WHO: Who[] = ['stranger', 'coordA', 'coordB', 'leader', 'admin'];

// [command line, who may run it]
const MATRIX: [string, Who[]][] = [
  ['pay 1 in 甲镇', ['coordA', 'admin']],
  ['pay 1', ['coordA', 'admin']], // in 甲镇's channel
  ['undo', ['coordA', 'admin']],
  ['void #1 重复', ['admin']],
  ['board', WHO],
  ['progress 甲镇', WHO],
  ['help', WHO],
  ['help pay', WHO],
  ['campaign', ['admin']],
  ['campaign name 测试征缴', ['admin']],
  ['campaign deadline 2026-12-30', ['admin']],
  ['campaign premium 380', ['admin']],
  ['township add 丙镇', ['admin']],
  ['target 甲镇 120', ['admin']],
  ['bind 甲镇', ['admin']],
  ['bind leaders', ['admin']],
  ['grant 新人 coordinator 甲镇', ['admin']],
  ['grant 新人 leader', ['admin']],
  ['grant 新人 admin', ['admin']],
  ['revoke coordB coordinator 乙镇', ['admin']],
  ['revoke leader leader', ['admin']],
  ['unbind', ['admin']],
  ['who', WHO],
  ['谁 甲镇', WHO],
  // a leader gets counts, a coordinator of 甲镇 (this channel's) its list, coordB nothing of 甲镇
  ['lapse', ['coordA', 'leader', 'admin']],
];

async function setUp(): Promise<TestApp> {
  const app = await openTestApp();
  for (const line of [
    'township add 甲镇 target 100',
    'township add 乙镇 target 100',
    'grant coordA coordinator 甲镇',
    'grant coordB coordinator 乙镇',
    'grant leader leader',
    'pay 1 in 甲镇',
  ]) {
    expect((await app.say('admin', 'setup', line)).status).toBe('ok');
  }
  expect((await app.say('admin', 'a', 'bind 甲镇')).status).toBe('ok');
  expect((await app.say('coordA', 'a', 'pay 2')).status).toBe('ok');
  return app;
}

async function counts(app: TestApp) {
  const db = app.database.db;
  const n = async (table: 'ledger_entry' | 'audit_log' | 'area' | 'role_grant' | 'channel_binding' | 'target') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const campaign = await db.selectFrom('campaign').selectAll().executeTakeFirstOrThrow();
  return {
    ledger: await n('ledger_entry'),
    audit: await n('audit_log'),
    areas: await n('area'),
    roles: await n('role_grant'),
    bindings: await n('channel_binding'),
    targets: await n('target'),
    campaign,
  };
}

describe('permission matrix', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await setUp();
  });
  afterAll(() => app.close());

  for (const [line, allowed] of MATRIX) {
    for (const who of WHO) {
      const may = allowed.includes(who);
      it(`${who} ${may ? 'may' : 'may not'}: ${line}`, async () => {
        // Each case runs in a savepoint-like way: on a fresh app when it may write.
        const target = may ? await setUp() : app;
        try {
          const before = await counts(target);
          const reply = await target.say(who, 'a', line);
          if (may) {
            expect(reply.status, reply.text).toBe('ok');
          } else {
            expect(reply.status, reply.text).toBe('refused');
            expect(reply.text).toMatch(/只有|不是.*联络员|没有可撤销/);
            expect(await counts(target)).toEqual(before);
          }
        } finally {
          if (target !== app) await target.close();
        }
      });
    }
  }

  it('a coordinator may log for a village of their township, not of another', async () => {
    expect((await app.say('admin', 'setup', 'township add 甲村 under 甲镇 target 10')).status).toBe('ok');
    expect((await app.say('coordA', 'x', 'pay 1 in 甲村')).text).toContain('已登记');
    expect((await app.say('coordB', 'x', 'pay 1 in 甲村')).text).toContain('你不是甲村的联络员');
  });

  it('undo is the same day only for the author; an admin may void later', async () => {
    const local = await setUp();
    try {
      local.setNow(new Date('2026-11-24T02:00:00Z'));
      const r = await local.say('coordA', 'a', 'undo');
      expect(r.status).toBe('refused');
      expect(r.text).toContain('只能当天撤销');
      expect((await local.say('admin', 'a', 'void #2 次日发现登记错误')).text).toContain('已作废 #2');
      expect((await local.say('admin', 'a', 'void #2 again')).text).toContain('#2 已经被 #3 冲正过了');
      expect((await local.say('admin', 'a', 'void #3 x')).text).toContain('本身是冲正记录');
      expect((await local.say('admin', 'a', 'void #99 x')).text).toContain('没有记录 #99');
    } finally {
      await local.close();
    }
  });
});
