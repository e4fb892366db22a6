/**
 * `robot add|list|remove|test` in the chat and on the CLI, against fake
 * WeCom, DingTalk and Feishu webhooks on loopback: a robot is tested before
 * it is saved, a wrong key, secret or keyword is refused at once with what
 * to do, keys and secrets are sealed at rest and never shown, logged or
 * audited whole, and bad input writes nothing.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { startFakeRobots, type FakeRobots } from './fake-robots.ts';

const PII = { ENROLLBOT_PII_KEY: 'robot-test-pii-secret-0123456789abcdef' };
const WECOM_KEY = '693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa';
const DING_TOKEN = 'c0ffee1234567890deadbeefcafebabe';
const DING_SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';
const FEISHU_TOKEN = '2f1c8a3e-5b7d-4e2a-9c6f-1a2b3c4d5e6f';
const FEISHU_SECRET = 'feishuSignSecret123456';

let app: TestApp;
const fakes: FakeRobots[] = [];
beforeEach(async () => {
  app = await openTestApp({ env: PII });
  for (const line of ['township add 城南街道 target 1000', 'township add 城北街道 target 1000']) expect((await app.say('admin', 'console', line)).status).toBe('ok');
});
afterEach(async () => {
  await app.close();
  for (const f of fakes.splice(0)) await f.close();
});

async function fake(kind: 'wecom' | 'dingtalk' | 'feishu') {
  const f = await startFakeRobots(kind);
  fakes.push(f);
  return f;
}

const robotRows = () => app.database.db.selectFrom('robot').selectAll().execute();

/** Everything the bot keeps or says where a key could leak: the database's robot and audit rows, and every log line. */
async function everythingStored(): Promise<string> {
  const robots = await robotRows();
  const audit = await app.database.db.selectFrom('audit_log').selectAll().execute();
  const outbox = await app.database.db.selectFrom('outbox').selectAll().execute();
  return JSON.stringify({ robots, audit, outbox }) + app.log.lines.join('\n');
}

describe('robot add', () => {
  it('tests a WeCom robot first, then saves it sealed and answers privately without the whole key', async () => {
    const wecom = await fake('wecom');
    wecom.add({ token: WECOM_KEY });
    const reply = await app.say('admin', 'console', `robot add wecom ${wecom.url(WECOM_KEY)} for leaders`);
    expect(reply.status, reply.text).toBe('ok');
    expect(reply.private).toBe(true);
    expect(reply.text).toContain('R1');
    expect(reply.text).toContain('key=693a…');
    expect(reply.text).not.toContain(WECOM_KEY);
    // The group got the test message before the robot was saved.
    expect(wecom.delivered).toHaveLength(1);
    expect(wecom.delivered[0]!.body.msgtype).toBe('markdown');
    expect(wecom.delivered[0]!.body.markdown.content).toContain('测试消息');
    const [row] = await robotRows();
    expect(row).toMatchObject({ app: 'wecom', kind: 'leaders', status: 'ok', secret_sealed: null });
    expect(row!.url_sealed.startsWith('v1.')).toBe(true);
    const stored = await everythingStored();
    expect(stored).not.toContain(WECOM_KEY);
    expect(stored).not.toContain(WECOM_KEY.slice(0, 12));
    const audit = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'robot.add').execute();
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ robot: 'R1', app: 'wecom', kind: 'leaders', host: `127.0.0.1:${wecom.port}` });
  });

  it('refuses a URL whose key the app does not know, saying so, and saves nothing', async () => {
    const wecom = await fake('wecom');
    const reply = await app.say('admin', 'console', `机器人 添加 企业微信 ${wecom.url(WECOM_KEY)} 给 领导群`);
    expect(reply.status).toBe('refused');
    expect(reply.text).toContain('key 或 access_token 不对');
    expect(reply.text).toContain('未保存');
    expect(reply.text).not.toContain(WECOM_KEY);
    expect(wecom.refused.map((r) => r.code)).toEqual([93000]);
    expect(await robotRows()).toHaveLength(0);
    expect(await everythingStored()).not.toContain(WECOM_KEY);
  });

  it('signs DingTalk with its secret; a wrong secret or a keyword robot is refused with the fix', async () => {
    const ding = await fake('dingtalk');
    ding.add({ token: DING_TOKEN, secret: DING_SECRET });
    const wrong = await app.say('admin', 'console', `robot add dingtalk ${ding.url(DING_TOKEN)} secret SECwrong0000 for 城南街道`);
    expect(wrong.status).toBe('refused');
    expect(wrong.text).toContain('签名不对');
    expect(wrong.text).not.toContain('SECwrong0000');
    expect(ding.refused.map((r) => r.code)).toEqual([310000]);
    expect(await robotRows()).toHaveLength(0);

    const right = await app.say('admin', 'console', `robot add 钉钉 ${ding.url(DING_TOKEN)} 加签 ${DING_SECRET} for 城南街道`);
    expect(right.status, right.text).toBe('ok');
    expect(ding.delivered).toHaveLength(1);
    expect(ding.delivered[0]!.body).toMatchObject({ msgtype: 'markdown', markdown: { title: 'enrollbot 测试消息' } });
    const [row] = await robotRows();
    expect(row).toMatchObject({ app: 'dingtalk', kind: 'township' });
    expect(row!.secret_sealed).not.toBeNull();
    const stored = await everythingStored();
    expect(stored).not.toContain(DING_SECRET);
    expect(stored).not.toContain(DING_TOKEN);

    const keywordOnly = await fake('dingtalk');
    keywordOnly.add({ token: 'kw-token-000000000001', keyword: '医保通报' });
    const kw = await app.say('admin', 'console', `robot add dingtalk ${keywordOnly.url('kw-token-000000000001')} for 城北街道`);
    expect(kw.status).toBe('refused');
    expect(kw.text).toContain('自定义关键词');
    expect(kw.text).toContain('加签');
  });

  it('signs Feishu in the body and refuses a wrong secret', async () => {
    const feishu = await fake('feishu');
    feishu.add({ token: FEISHU_TOKEN, secret: FEISHU_SECRET });
    const wrong = await app.say('admin', 'console', `robot add feishu ${feishu.url(FEISHU_TOKEN)} secret nope for leaders`);
    expect(wrong.status).toBe('refused');
    expect(wrong.text).toContain('签名不对');
    expect(feishu.refused.map((r) => r.code)).toEqual([19021]);
    const right = await app.say('admin', 'console', `robot add 飞书 ${feishu.url(FEISHU_TOKEN)} secret ${FEISHU_SECRET} for leaders`);
    expect(right.status, right.text).toBe('ok');
    expect(feishu.delivered[0]!.body).toMatchObject({ msg_type: 'interactive', card: { header: { title: { content: 'enrollbot 测试消息' } } } });
    expect(typeof feishu.delivered[0]!.body.sign).toBe('string');
  });

  it('refuses bad input with what to write instead, sending and saving nothing', async () => {
    const wecom = await fake('wecom');
    wecom.add({ token: WECOM_KEY });
    const url = wecom.url(WECOM_KEY);
    const cases: [string, string, string][] = [
      ['admin', `robot add wechat ${url} for leaders`, 'wecom'],
      ['admin', `robot add ${url} for leaders`, 'wecom'],
      ['admin', `robot add wecom not-a-url for leaders`, 'https://'],
      ['admin', `robot add wecom ftp://example.com/x for leaders`, 'https://'],
      ['admin', `robot add wecom ${url}`, 'leaders'],
      ['admin', `robot add wecom ${url} secret abc for leaders`, '不用写 secret'],
      ['admin', `robot add wecom ${url} for 不存在镇`, '没有找到'],
      ['admin', `robot add wecom ${url} for 城南街道 城北街道`, '多余'],
      ['王芳', `robot add wecom ${url} for leaders`, '管理员'],
      ['admin', `robot remove 3`, '没有群机器人 R3'],
      ['admin', `robot remove X9`, '不是机器人编号'],
      ['admin', `robot test R7`, '没有群机器人 R7'],
    ];
    for (const [user, line, says] of cases) {
      const reply = await app.say(user, 'console', line);
      expect(reply.status, line).toBe('refused');
      expect(reply.text, line).toContain(says);
      expect(reply.text, line).not.toContain(WECOM_KEY);
    }
    expect(wecom.requests()).toBe(0);
    expect(await robotRows()).toHaveLength(0);
    expect(await everythingStored()).not.toContain(WECOM_KEY);
  });

  it('refuses the same robot twice, lists robots masked, tests and removes them', async () => {
    const wecom = await fake('wecom');
    const feishu = await fake('feishu');
    wecom.add({ token: WECOM_KEY });
    feishu.add({ token: FEISHU_TOKEN });
    expect((await app.say('admin', 'console', `robot add wecom ${wecom.url(WECOM_KEY)} for leaders`)).status).toBe('ok');
    const again = await app.say('admin', 'console', `robot add wecom ${wecom.url(WECOM_KEY)} for 城南街道`);
    expect(again.status).toBe('refused');
    expect(again.text).toContain('R1');
    expect(wecom.delivered).toHaveLength(1);
    const added = await app.say('admin', 'console', `robot add feishu ${feishu.url(FEISHU_TOKEN)} for 城北街道`);
    expect(added.text).toContain('没有加签');

    const list = await app.say('admin', 'console', 'robot list');
    expect(list.private).toBe(true);
    expect(list.table!.rows.map((r) => r.slice(0, 3))).toEqual([
      ['R1', '企业微信', '本区领导群'],
      ['R2', '飞书', '城北街道工作群'],
    ]);
    expect(JSON.stringify(list)).not.toContain(WECOM_KEY);
    expect(JSON.stringify(list)).not.toContain(FEISHU_TOKEN);

    const tested = await app.say('admin', 'console', '机器人 测试 R2');
    expect(tested.status, tested.text).toBe('ok');
    expect(feishu.delivered).toHaveLength(2);

    feishu.remove(FEISHU_TOKEN);
    const broken = await app.say('admin', 'console', 'robot test R2');
    expect(broken.status).toBe('refused');
    expect(broken.text).toContain('key 或 access_token 不对');

    const sendsTo = async (ref: string) => (await app.database.db.selectFrom('outbox_send').select('id').where('channel_id', '=', ref).execute()).length;
    expect(await sendsTo('R2')).toBeGreaterThan(0);
    const removed = await app.say('admin', 'console', 'robot remove R2');
    expect(removed.status).toBe('ok');
    expect((await app.say('admin', 'console', 'robot list')).table!.rows.map((r) => r[0])).toEqual(['R1']);
    // Its send window goes with it, and its number is never handed out again.
    expect(await sendsTo('R2')).toBe(0);
    feishu.add({ token: FEISHU_TOKEN });
    expect((await app.say('admin', 'console', `robot add feishu ${feishu.url(FEISHU_TOKEN)} for 城北街道`)).status).toBe('ok');
    expect((await app.say('admin', 'console', 'robot list')).table!.rows.map((r) => r[0])).toEqual(['R1', 'R3']);
    const actions = (await app.database.db.selectFrom('audit_log').select('action').where('action', 'like', 'robot.%').execute()).map((a) => a.action);
    expect(actions).toEqual(['robot.add', 'robot.add', 'robot.test', 'robot.remove', 'robot.add']);
  });

  it('answers in English', async () => {
    const en = await openTestApp({ env: { ...PII, ENROLLBOT_LOCALE: 'en' } });
    try {
      const wecom = await fake('wecom');
      const reply = await en.say('admin', 'console', `robot add wecom ${wecom.url(WECOM_KEY)} for leaders`);
      expect(reply.text).toContain('WeCom refused the test message: the key or access_token in the URL is wrong');
      expect(reply.text).toContain('Nothing was saved');
      expect((await en.say('admin', 'console', 'robot list')).text).toContain('No group robots yet');
    } finally {
      await en.close();
    }
  });
});

describe('npm run cli -- robot', () => {
  it('runs the same command as an admin on the same database, audited as cli', async () => {
    const wecom = await fake('wecom');
    wecom.add({ token: WECOM_KEY });
    const root = join(import.meta.dirname, '..', '..');
    // Asynchronously: the fake webhook answers from this process.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'robot', ...args], {
          cwd: root,
          env: { PATH: process.env.PATH, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent', ...PII },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const added = await run('add', 'wecom', wecom.url(WECOM_KEY), 'for', '城南街道');
    expect(added.status, added.stdout + added.stderr).toBe(0);
    expect(added.stdout).toContain('R1');
    expect(added.stdout).not.toContain(WECOM_KEY);
    const listed = await run('list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('城南街道工作群');
    const bad = await run('remove', 'R9');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('R9');
    const audit = await app.database.db.selectFrom('audit_log').select(['platform', 'action']).where('action', '=', 'robot.add').execute();
    expect(audit).toEqual([{ platform: 'cli', action: 'robot.add' }]);
    // The chat sees the robot the CLI added.
    expect((await app.say('admin', 'console', 'robot list')).table!.rows[0]![0]).toBe('R1');
  });
});
