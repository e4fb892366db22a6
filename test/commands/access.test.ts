/**
 * Access that can be taken back: `revoke`, `unbind`, `who`, each audited;
 * ENROLLBOT_ADMINS admins losing the role at the next start once unlisted
 * (a chat-granted admin keeping it); what the leader role gives; and lists
 * of named people shown only in their area's channel or privately.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { makeDir, openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';
import type { InboundMessage } from '../../src/core/dispatcher.ts';
import type { Reply } from '../../src/core/reply.ts';
import { renderText } from '../../src/render/text.ts';

let apps: TestApp[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const a of apps) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  apps = [];
  dirs = [];
});

async function open(opts: Parameters<typeof openTestApp>[0] = {}): Promise<TestApp> {
  const app = await openTestApp(opts);
  apps.push(app);
  return app;
}

async function ok(app: TestApp, user: string, channel: string, line: string): Promise<Reply> {
  const r = await app.say(user, channel, line);
  expect(r.status, `${line}: ${r.text}`).toBe('ok');
  return r;
}

/** A Slack user's message, as the Slack adapter hands it to the dispatcher. */
function slack(userId: string, userName: string, channelId: string, text: string, mentions: Record<string, string> = {}): InboundMessage {
  return {
    platform: 'slack',
    channelId,
    channelName: channelId,
    userId,
    userName,
    messageId: `slack:${Math.random()}`,
    direct: channelId.startsWith('D'),
    text,
    resolveUser: (token) => {
      const m = /^<@([A-Z0-9]+)>$/.exec(token);
      return m ? { platform: 'slack', externalId: m[1]!, displayName: mentions[m[1]!] ?? m[1]! } : null;
    },
  };
}

const count = async (app: TestApp, table: 'ledger_entry' | 'audit_log' | 'role_grant' | 'channel_binding' | 'outbox') =>
  Number((await app.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function audits(app: TestApp, action: string) {
  const rows = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

async function memberId(app: TestApp, platform: string, externalId: string): Promise<number> {
  const row = await app.database.db
    .selectFrom('identity')
    .select('member_id')
    .where('platform', '=', platform)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.member_id;
}

/** 城南街道 (villages 和平村, 新华村) bound to channel 城南, 城北街道 to 城北, leaders' channel `leaders`. */
async function district(app: TestApp): Promise<void> {
  for (const line of [
    'township add 城南街道 target 100',
    'township add 城北街道 target 100',
    'township add 和平村 target 40 under 城南街道',
    'township add 新华村 target 60 under 城南街道',
    'grant 王芳 coordinator 城南街道',
    'grant 李娜 coordinator 城北街道',
  ]) {
    await ok(app, 'admin', 'console', line);
  }
  await ok(app, 'admin', 'leaders', 'bind leaders');
  await ok(app, 'admin', '城南', 'bind 城南街道');
  await ok(app, 'admin', '城北', 'bind 城北街道');
}

describe('revoke', () => {
  it('takes a coordinator role back at once: no more pay or undo, audited with who, when, where and what', async () => {
    const app = await open();
    await district(app);
    await ok(app, '王芳', '城南', 'pay 2');
    const revoked = await ok(app, 'admin', 'setup', 'revoke 王芳 coordinator 城南街道');
    expect(revoked.text).toBe('已撤销 王芳 的城南街道联络员角色。');

    const ledger = await count(app, 'ledger_entry');
    expect((await app.say('王芳', '城南', 'pay 1')).text).toBe('只有乡镇联络员或管理员可以登记缴费。请管理员用 grant 授权。');
    expect((await app.say('王芳', '城南', 'undo')).status).toBe('refused');
    expect(await count(app, 'ledger_entry')).toBe(ledger);

    const [row] = await audits(app, 'role.revoke');
    expect(row).toMatchObject({
      member_id: await memberId(app, 'console', 'admin'),
      platform: 'console',
      channel_id: 'setup',
      at: '2026-11-23T02:00:00.000Z',
      detail: { member: await memberId(app, 'console', '王芳'), user: '王芳', role: 'coordinator', name: '城南街道', origin: 'chat' },
    });
  });

  it('refuses a role the user does not hold, says what they hold, and writes nothing', async () => {
    const app = await open();
    await district(app);
    const before = [await count(app, 'role_grant'), await count(app, 'audit_log')];
    expect((await app.say('admin', 'setup', 'revoke 王芳 coordinator 城北街道')).text).toBe(
      '王芳 不是城北街道联络员，未作改动。现有角色：城南街道联络员。',
    );
    expect((await app.say('admin', 'setup', '撤销授权 陌生人 leader')).text).toBe('陌生人 不是本区领导，未作改动。此人没有任何角色。');
    expect((await app.say('admin', 'setup', 'revoke 王芳 coordinator')).text).toContain('缺少乡镇。');
    expect((await app.say('admin', 'setup', 'revoke 王芳 boss')).text).toContain('“boss”不对');
    expect((await app.say('王芳', '城南', 'revoke 李娜 coordinator 城北街道')).text).toBe('只有管理员可以这样做。');
    expect([await count(app, 'role_grant'), await count(app, 'audit_log')]).toEqual(before);
    // the Chinese alias, on a leader
    await ok(app, 'admin', 'setup', 'grant 周局长 leader');
    expect((await ok(app, 'admin', 'setup', '撤销授权 周局长 领导')).text).toBe('已撤销 周局长 的本区领导角色。');
  });

  it('takes an admin role back, but never the last one', async () => {
    const app = await open();
    await ok(app, 'admin', 'setup', 'grant 李四 admin');
    await ok(app, '李四', 'setup', 'revoke admin admin');
    expect((await app.say('admin', 'setup', 'township add 甲镇')).text).toBe('只有管理员可以这样做。');
    expect((await app.say('李四', 'setup', 'revoke 李四 admin')).text).toBe('李四 是最后一位管理员，不能撤销。请先授权另一位管理员。');
    expect((await ok(app, '李四', 'setup', 'township add 甲镇')).text).toContain('甲镇');
  });
});

describe('unbind', () => {
  it('stops the board going to an unbound leaders’ channel, and cancels what was still queued for it', async () => {
    const app = await open();
    await district(app);
    await ok(app, 'admin', 'leaders-2', 'bind leaders');
    await ok(app, 'admin', 'console', 'board post');
    const queued = async () =>
      (await app.database.db.selectFrom('outbox').select('channel_id').where('delivered_at', 'is', null).orderBy('id').execute()).map((r) => r.channel_id);
    expect(await queued()).toEqual(['leaders', 'leaders-2']);

    const unbound = await ok(app, 'admin', 'leaders-2', '解绑');
    expect(unbound.text).toBe('本频道已不再是本区的领导群：不再收到每日通报和督办提醒。尚未发出的 1 条消息已取消。');
    expect(await queued()).toEqual(['leaders']);
    app.setNow(new Date('2026-11-23T02:05:00Z'));
    await ok(app, 'admin', 'console', 'board post');
    expect(await queued()).toEqual(['leaders', 'leaders']);

    const [row] = await audits(app, 'channel.unbind');
    expect(row).toMatchObject({
      platform: 'console',
      channel_id: 'leaders-2',
      member_id: await memberId(app, 'console', 'admin'),
      detail: { kind: 'leaders', name: '本区', cancelled: 1 },
    });
  });

  it('makes a township channel an ordinary one: payments there must name the township; unbinding twice is refused', async () => {
    const app = await open();
    await district(app);
    await ok(app, 'admin', '城南', 'pay 1');
    expect((await ok(app, 'admin', '城南', 'unbind')).text).toBe('本频道已不再是城南街道的工作群：不再收到断缴提醒，在这里登记须注明乡镇。');
    expect((await app.say('admin', '城南', 'pay 1')).text).toBe('本频道没有绑定乡镇，请注明乡镇：pay 12 4800 in <乡镇>，或请管理员在乡镇群里发送 bind 乡镇名。');
    // a coordinator of two townships is shown one of their own to copy
    await ok(app, 'admin', 'console', 'grant 王芳 coordinator 城北街道');
    expect((await app.say('王芳', '城南', 'pay 1')).text).toMatch(/pay 12 4800 in 城[南北]街道，/);
    expect((await app.say('王芳', '城南', 'lapse')).text).toMatch(/lapse in 城[南北]街道。/);
    await ok(app, 'admin', '城南', 'pay 1 in 城南街道');
    const audited = await count(app, 'audit_log');
    expect((await app.say('admin', '城南', 'unbind')).text).toBe('本频道没有绑定，无需解绑。');
    expect((await app.say('王芳', '城北', 'unbind')).text).toBe('只有管理员可以这样做。');
    expect(await count(app, 'audit_log')).toBe(audited);
    expect(await count(app, 'channel_binding')).toBe(2);
  });
});

describe('who', () => {
  it('lists the leaders and coordinators of an area by name and role, with no personal data or platform id', async () => {
    const app = await open({ env: { ENROLLBOT_ADMINS: 'slack:UADMIN' } });
    await district(app);
    await ok(app, 'admin', 'console', 'grant 周局长 leader');
    await ok(app, 'admin', 'console', 'grant 陈书记 leader 城南街道');
    await ok(app, 'admin', 'console', 'grant 小李 coordinator 和平村');
    await ok(app, 'admin', 'console', 'grant 赵六13812345678 coordinator 城南街道');
    // Slack users granted by mention are listed by name, never by their Slack id
    for (const line of ['grant <@UQSUN7> coordinator 新华村', 'grant <@UQIAN8> leader']) {
      const r = await app.dispatcher.handle(slack('UADMIN', 'a', 'CX', line, { UQSUN7: '孙七', UQIAN8: '钱八' }));
      expect(r.status, r.text).toBe('ok');
    }

    const who = await ok(app, '路人', '城南', 'who');
    expect(who.title).toBe('城南街道的领导和联络员');
    expect(who.private).toBeUndefined();
    expect(who.table!.rows).toEqual([
      ['领导', '周局长', '本区'],
      ['领导', '钱八', '本区'],
      ['领导', '陈书记', '城南街道'],
      ['联络员', '王芳', '城南街道'],
      ['联络员', '赵六138****5678', '城南街道'],
      ['联络员', '小李', '和平村'],
      ['联络员', '孙七', '新华村'],
    ]);
    const text = renderText(who);
    expect(text).not.toMatch(/13812345678|UQIAN8|UQSUN7/);
    expect(text).not.toContain('李娜'); // 城北街道's coordinator is not 城南街道's
    // the Chinese alias, and a village named
    expect((await ok(app, '路人', '城南', '谁 和平村')).table!.rows.map((r) => r[1])).toEqual(['周局长', '钱八', '陈书记', '小李']);
    // the leaders' channel of the district may ask about a township under it
    expect((await ok(app, '周局长', 'leaders', 'who 城北街道')).table!.rows.map((r) => r[1])).toEqual(['周局长', '钱八', '李娜']);
    // a township with nobody of its own still has the district's leaders
    await ok(app, 'admin', 'console', 'township add 空镇');
    expect((await ok(app, '路人', 'leaders', 'who 空镇')).table!.rows).toEqual([
      ['领导', '周局长', '本区'],
      ['领导', '钱八', '本区'],
    ]);
  });

  it('is refused in another channel with where to ask, and answered privately in a direct message', async () => {
    const app = await open();
    await district(app);
    expect((await app.say('王芳', '城北', 'who 城南街道')).text).toBe('这里不显示城南街道的人员名单。请到城南街道的群（#城南）里查询，或私信机器人查询。');
    expect((await app.say('路人', 'random', 'who')).text).toBe('这里不显示本区的人员名单。请到本区的群（#leaders）里查询，或私信机器人查询。');
    await ok(app, 'admin', 'console', 'township add 新镇');
    expect((await app.say('路人', 'random', 'who 新镇')).text).toBe(
      '这里不显示新镇的人员名单。新镇还没有绑定群：请私信机器人查询，或请管理员在新镇的群里发送 bind。',
    );
    const empty = await ok(app, '路人', '@bot', 'who 新镇');
    expect([empty.text, empty.private]).toEqual(['新镇还没有领导或联络员。管理员可用 grant 授权。', true]);
    const direct = await ok(app, '王芳', '@bot', 'who 城南街道');
    expect(direct.private).toBe(true);
    expect(direct.table!.rows).toEqual([['联络员', '王芳', '城南街道']]);
    // the console labels a private answer; a public one is not labelled
    const out = await runConsoleScript(app, ':user 王芳\n:channel @bot\nwho 城南街道\n:channel 城南\nwho\n');
    expect(out).toContain('王芳@@bot> who 城南街道\n【仅你可见】 城南街道的领导和联络员');
    expect(out).toContain('王芳@城南> who\n城南街道的领导和联络员');
  });
});

describe('ENROLLBOT_ADMINS', () => {
  it('an admin removed from it loses the role at the next start; an admin granted in chat keeps it', async () => {
    const dir = await makeDir();
    dirs.push(dir);
    const first = await openTestApp({ dir, env: { ENROLLBOT_ADMINS: 'slack:UA,slack:UB' } });
    expect((await first.dispatcher.handle(slack('UB', 'b', 'C1', 'township add 甲镇'))).status).toBe('ok');
    await ok(first, 'admin', 'console', 'grant 王芳 admin');
    // a config admin who is also granted in chat stays the config's to take back
    expect((await ok(first, 'admin', 'console', 'grant <@UB> admin')).text).toBeTruthy();
    await first.close();

    const second = await openTestApp({ dir, env: { ENROLLBOT_ADMINS: 'slack:UA' } });
    apps.push(second);
    expect((await second.dispatcher.handle(slack('UB', 'b', 'C1', 'township add 乙镇'))).text).toBe('只有管理员可以这样做。');
    expect((await second.dispatcher.handle(slack('UA', 'a', 'C1', 'township add 乙镇'))).status).toBe('ok');
    expect((await second.say('王芳', 'console', 'township add 丙镇')).status).toBe('ok');
    expect((await second.say('admin', 'console', 'township add 丁镇')).status).toBe('ok');
    const [removed] = await audits(second, 'role.revoke');
    expect(removed).toMatchObject({
      platform: 'config',
      channel_id: 'ENROLLBOT_ADMINS',
      member_id: null,
      detail: { member: await memberId(second, 'slack', 'UB'), role: 'admin', origin: 'config' },
    });
    expect(second.log.lines.some((l) => l.includes('lost the admin role') && l.includes('UB'))).toBe(true);
    // listed again: admin again, audited as a grant from the configuration
    await second.close();
    apps.pop();
    const third = await openTestApp({ dir, env: { ENROLLBOT_ADMINS: 'slack:UA,slack:UB' } });
    apps.push(third);
    expect((await third.dispatcher.handle(slack('UB', 'b', 'C1', 'township add 戊镇'))).status).toBe('ok');
    expect((await audits(third, 'role.grant')).filter((a) => a.platform === 'config').map((a) => a.detail.user)).toEqual(['slack:UA', 'slack:UB', 'slack:UB']);
  });

  it('revoking a config admin in chat works now and says the list will grant it again', async () => {
    const app = await open({ env: { ENROLLBOT_ADMINS: 'slack:UA' } });
    const r = await app.dispatcher.handle(slack('UA', 'a', 'C1', 'revoke <@UA> admin', { UA: '李管理' }));
    expect(r.text).toBe('已撤销 李管理 的管理员角色。\n注意：李管理 列在 ENROLLBOT_ADMINS 中，下次启动时会重新成为管理员；请同时从该设置中删除。');
    expect((await app.dispatcher.handle(slack('UA', 'a', 'C1', 'township add 甲镇'))).status).toBe('refused');
  });
});

describe('the leader role', () => {
  it('gives a leader the board of the area they lead outside a bound channel', async () => {
    const app = await open();
    await district(app);
    await ok(app, 'admin', 'console', 'grant 陈书记 leader 城南街道');
    const own = await ok(app, '陈书记', 'somewhere', 'board');
    expect(own.title).toContain('城南街道');
    expect(own.table!.rows.map((r) => r[1])).toEqual(expect.arrayContaining(['和平村', '新华村']));
    const anyone = await ok(app, '路人', 'somewhere', 'board');
    expect(anyone.title).toContain('本区');
    expect(anyone.table!.rows.map((r) => r[1])).toEqual(expect.arrayContaining(['城南街道', '城北街道']));
    // in a bound channel the channel's area wins
    expect((await ok(app, '陈书记', 'leaders', 'board')).title).toContain('本区');
    // a leader is staff for lapse (counts) but logs nothing and binds nothing
    expect((await app.say('陈书记', '城南', 'pay 1')).status).toBe('refused');
    expect((await app.say('陈书记', 'x', 'bind 城南街道')).status).toBe('refused');
    expect((await app.say('路人', '城南', 'lapse')).text).toBe('只有乡镇联络员、包户干部（只看自己负责的人）或管理员可以查看和跟进断缴名单（领导可以查看断缴人数）。请管理员用 grant 授权。');
  });
});
