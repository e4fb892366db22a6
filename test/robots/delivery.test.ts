/**
 * Boards and notices reach group robots through the outbox, as each app
 * shows them best and within its limits, against fake WeCom, DingTalk and
 * Feishu webhooks on loopback: rate-limit answers wait and retry, an answer
 * that the robot is wrong holds its posts (the admins are told once,
 * `/healthz` shows it) until `robot test` finds it fixed, and a worker that
 * dies mid-send is resumed by another without a message lost or doubled.
 * Pacing runs 100 times faster than the apps' (timeScale).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';
import { startFakeRobots, type Delivery, type FakeRobots } from './fake-robots.ts';
import { createOutboxWorker, type OutboxWorker } from '../../src/outbox/worker.ts';
import { createRobotPlatforms } from '../../src/robots/robot-platform.ts';
import { catalogue } from '../../src/i18n/index.ts';
import type { PlatformOutbound } from '../../src/core/platform-port.ts';
import type { Reply } from '../../src/core/reply.ts';
import { botHealth } from '../../src/ops/health.ts';
import { WECOM_MARKDOWN_MAX_BYTES } from '../../src/robots/render.ts';

const PII = { ENROLLBOT_PII_KEY: 'robot-test-pii-secret-0123456789abcdef' };
const SCALE = 100;
/** Townships enough for the board to need several WeCom messages. */
const TOWNSHIPS = Array.from({ length: 120 }, (_, i) => `东${i + 1}镇`);

const apps: TestApp[] = [];
const fakes: FakeRobots[] = [];
const workers: OutboxWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop({ timeoutMs: 200 });
  for (const a of apps.splice(0)) await a.close();
  for (const f of fakes.splice(0)) await f.close();
});

/** A district with its leaders' channel in the console, and townships with figures that rank them apart. */
async function district(townships = TOWNSHIPS): Promise<TestApp> {
  const app = await openTestApp({ env: PII, now: new Date() });
  apps.push(app);
  const ok = async (line: string, channel = 'console') => expect((await app.say('admin', channel, line)).status, line).toBe('ok');
  for (const [i, name] of townships.entries()) {
    await ok(`township add ${name} target 1000`);
    await ok(`pay ${(i * 7) % 97 + 1} in ${name}`);
  }
  await ok('bind leaders', 'leaders');
  return app;
}

async function fake(kind: 'wecom' | 'dingtalk' | 'feishu', token: string, secret?: string): Promise<FakeRobots> {
  const f = await startFakeRobots(kind, { timeScale: SCALE });
  fakes.push(f);
  f.add({ token, ...(secret ? { secret } : {}) });
  return f;
}

/** The console's posts, recorded. */
function recorder(): PlatformOutbound & { sent: { channel: string; text: string }[] } {
  const sent: { channel: string; text: string }[] = [];
  return {
    name: 'console',
    sent,
    async post(channel: string, reply: Reply) {
      sent.push({ channel, text: `${reply.title ?? ''}\n${reply.text}` });
    },
  };
}

function startWorker(app: TestApp, chat: PlatformOutbound, extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {}, scale = SCALE) {
  const kick = { now: () => {} };
  const robots = createRobotPlatforms({ db: app.database.db, key: app.robotKey, t: catalogue('zh-CN'), log: app.log, timeScale: scale, onQueued: () => kick.now() });
  const worker = createOutboxWorker({ db: app.database.db, platforms: [chat, ...robots], log: app.log, pollMs: 20, baseBackoffMs: 20, channelIntervalMs: 20, ...extra });
  kick.now = () => worker.kick();
  workers.push(worker);
  worker.start();
  return worker;
}

const markdownOf = (d: Delivery): string => d.body.markdown?.content ?? d.body.markdown?.text ?? '';
const undelivered = (app: TestApp) => app.database.db.selectFrom('outbox').select(['id', 'platform', 'channel_id', 'last_error']).where('delivered_at', 'is', null).execute();

describe('boards to group robots', () => {
  it('renders the board for each app within its limits, one township a line, signed, each message delivered once', async () => {
    const app = await district();
    const wecom = await fake('wecom', 'wk-board-0000000001');
    const ding = await fake('dingtalk', 'dt-board-0000000001', 'SECdingsecret0001');
    const feishu = await fake('feishu', 'fs-board-0000000001', 'feishusecret0001');
    const township = await fake('wecom', 'wk-township-000001');
    for (const line of [
      `robot add wecom ${wecom.url('wk-board-0000000001')} for leaders`,
      `robot add dingtalk ${ding.url('dt-board-0000000001')} secret SECdingsecret0001 for leaders`,
      `robot add feishu ${feishu.url('fs-board-0000000001')} secret feishusecret0001 for leaders`,
      `robot add wecom ${township.url('wk-township-000001')} for 东1镇`,
    ]) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    for (const f of [wecom, ding, feishu, township]) f.delivered.splice(0); // the test messages
    expect((await app.say('admin', 'console', 'board post')).status).toBe('ok');
    const chat = recorder();
    const worker = startWorker(app, chat);
    // The worker draws each chart as it sends: slow on a loaded machine (over a minute at a load of 16 on 2 cores), so a wide bound (an event is awaited, not a time).
    expect(await worker.idle(150_000)).toBe(true);
    expect(await undelivered(app)).toEqual([]);

    // WeCom: the chart as an image, then the board in markdown parts of at most 4096 bytes.
    const wecomText = wecom.delivered.filter((d) => d.body.msgtype === 'markdown');
    const images = wecom.delivered.filter((d) => d.body.msgtype === 'image');
    expect(wecomText.length).toBeGreaterThan(1);
    expect(images).toHaveLength(1);
    expect(wecom.delivered[0]!.body.msgtype).toBe('image');
    for (const d of wecomText) expect(Buffer.byteLength(markdownOf(d), 'utf8')).toBeLessThanOrEqual(WECOM_MARKDOWN_MAX_BYTES);
    expect(markdownOf(wecomText[1]!)).toMatch(new RegExp(`^\\*\\*.*\\(2/${wecomText.length}\\)\\*\\*`));
    const lines = wecomText.flatMap((d) => markdownOf(d).split('\n'));
    // Every township exactly once, on a whole line: rank, name, done/target, rate, today.
    for (const name of TOWNSHIPS) {
      const own = lines.filter((l) => new RegExp(`^(<font color="\\w+">)?\\d+\\. ${name} [\\d,]+/[\\d,]+ \\d+\\.\\d\\d% [+-][\\d,]+(</font>)?$`).test(l));
      expect(own, name).toHaveLength(1);
    }
    const ranked = lines.filter((l) => /^(<font color="\w+">)?\d+\. /.test(l));
    expect(ranked.slice(-3).every((l) => l.startsWith('<font color="warning">'))).toBe(true);
    expect(ranked.slice(0, 3).every((l) => l.startsWith('<font color="info">'))).toBe(true);
    expect(ranked.slice(3, -3).some((l) => l.includes('<font'))).toBe(false);
    // No space-aligned columns.
    expect(lines.some((l) => / {2,}/.test(l))).toBe(false);

    // DingTalk: markdown with a title, signed; no image (a custom robot cannot upload one).
    expect(ding.delivered.length).toBeGreaterThanOrEqual(1);
    expect(ding.delivered.every((d) => d.body.msgtype === 'markdown' && d.body.markdown.title)).toBe(true);
    expect(ding.delivered.flatMap((d) => markdownOf(d).split('\n\n')).filter((l) => l.includes('东77镇 '))).toHaveLength(1);

    // Feishu: interactive cards within 20 KB, signed in the body.
    expect(feishu.delivered.length).toBeGreaterThanOrEqual(1);
    for (const d of feishu.delivered) {
      expect(d.body.msg_type).toBe('interactive');
      expect(typeof d.body.sign).toBe('string');
      expect(Buffer.byteLength(JSON.stringify(d.body))).toBeLessThanOrEqual(20 * 1024);
    }
    // Each app refused nothing: signatures, sizes and rates were right.
    expect([...wecom.refused, ...ding.refused, ...feishu.refused]).toEqual([]);
    // The township's robot is not the leaders': it got no board.
    expect(township.delivered).toEqual([]);
    // The chat channel got its board too; nothing twice anywhere.
    expect(chat.sent.filter((s) => s.channel === 'leaders')).toHaveLength(1);
    const rows = await app.database.db.selectFrom('outbox').select(['platform', 'channel_id']).execute();
    expect(rows.filter((r) => r.platform === 'wecom-robot')).toHaveLength(wecom.delivered.length);
    expect(rows.filter((r) => r.platform === 'dingtalk-robot')).toHaveLength(ding.delivered.length);
    expect(rows.filter((r) => r.platform === 'feishu-robot')).toHaveLength(feishu.delivered.length);
  }, 200_000);

  it('waits on rate-limit answers (errcode and HTTP 429) and server errors, then delivers every part once, in order, paced', async () => {
    const app = await district(TOWNSHIPS.slice(0, 110));
    const wecom = await fake('wecom', 'wk-rate-0000000001');
    expect((await app.say('admin', 'console', `robot add wecom ${wecom.url('wk-rate-0000000001')} for leaders`)).status).toBe('ok');
    wecom.delivered.splice(0);
    wecom.answerNext(2, { body: { errcode: 45009, errmsg: 'api freq out of limit' } });
    wecom.answerNext(1, { status: 429, body: { errcode: -1, errmsg: 'too many' }, headers: { 'retry-after': '1' } });
    wecom.answerNext(1, { status: 502, body: { errcode: -1, errmsg: 'bad gateway' } });
    expect((await app.say('admin', 'console', 'board post')).status).toBe('ok');
    const worker = startWorker(app, recorder());
    expect(await worker.idle(60_000)).toBe(true);
    expect(wecom.refused.map((r) => r.code)).toEqual([45009, 45009, 'HTTP 429', 'HTTP 502']);
    const rows = await app.database.db.selectFrom('outbox').select(['id']).where('platform', '=', 'wecom-robot').orderBy('id').execute();
    expect(wecom.delivered).toHaveLength(rows.length);
    // Parts in order: the image, then the numbered titles.
    expect(wecom.delivered[0]!.body.msgtype).toBe('image');
    const titles = wecom.delivered.filter((d) => d.body.msgtype === 'markdown').map((d) => /\((\d+)\/\d+\)\*\*/.exec(markdownOf(d))?.[1]);
    expect(titles).toEqual(titles.map((_, i) => String(i + 1)));
    // A refusal waits what it asks: a 45009 the time a full window frees one
    // message (3 s / SCALE), a 429 its Retry-After (1 s / SCALE), not a
    // doubling backoff; by arrival, never over the app's 20 in 60 s.
    const requests = [...wecom.refused.map((r) => ({ at: r.at, code: r.code })), ...wecom.delivered.map((d) => ({ at: d.at, code: 0 }))].sort((x, y) => x.at - y.at);
    for (let i = 1; i < requests.length; i++) {
      const gap = requests[i]!.at - requests[i - 1]!.at;
      if (requests[i - 1]!.code === 45009) expect(gap, `after a 45009`).toBeGreaterThanOrEqual(3000 / SCALE - 2);
      if (requests[i - 1]!.code === 'HTTP 429') expect(gap, `after a 429`).toBeGreaterThanOrEqual(1000 / SCALE - 2);
    }
    const at = wecom.delivered.map((d) => d.at);
    for (let i = 20; i < at.length; i++) expect(at[i]! - at[i - 20]!).toBeGreaterThanOrEqual(60_000 / SCALE);
  });

  it('holds a robot the app refuses, tells the leaders once, shows it in /healthz, and resumes after robot test', async () => {
    const app = await district(TOWNSHIPS.slice(0, 110));
    const wecom = await fake('wecom', 'wk-broken-00000001');
    expect((await app.say('admin', 'console', `robot add wecom ${wecom.url('wk-broken-00000001')} for leaders`)).status).toBe('ok');
    wecom.delivered.splice(0);
    wecom.remove('wk-broken-00000001'); // deleted in the group: its key is refused
    const before = wecom.requests();
    expect((await app.say('admin', 'console', 'board post')).status).toBe('ok');
    const chat = recorder();
    startWorker(app, chat);
    // A minute: the board's chart is drawn as it is sent, over 20 s on a loaded machine.
    await until(
      () => chat.sent.some((s) => s.text.includes('R1') && s.text.includes('被拒收')),
      () => `a notice in ${JSON.stringify(chat.sent.map((s) => s.channel))}`,
      60_000,
    );
    const health = botHealth({ db: app.database.db, platforms: [], log: app.log });
    expect((await health()).robots.failing).toMatchObject([{ robot: 'R1', app: 'wecom', problem: expect.stringContaining('93000') }]);
    expect((await health()).status).toBe('ok');
    // Held, not retried: only the first part reached the app; the others wait.
    expect(wecom.requests() - before).toBe(1);
    const held = (await undelivered(app)).filter((r) => r.platform === 'wecom-robot');
    expect(held.length).toBeGreaterThan(1);
    expect(chat.sent.filter((s) => s.text.includes('被拒收'))).toHaveLength(1);
    expect((await app.say('admin', 'console', 'robot list')).table!.rows[0]![5]).toContain('暂停');

    // Fixed (the robot is back): robot test releases the held posts, all delivered once.
    wecom.add({ token: 'wk-broken-00000001' });
    const tested = await app.say('admin', 'console', 'robot test R1');
    expect(tested.status, tested.text).toBe('ok');
    expect(tested.text).toContain(`${held.length} 条消息`);
    await until(async () => (await undelivered(app)).length === 0, () => `all delivered (${wecom.delivered.length})`);
    expect(wecom.delivered.filter((d) => d.body.msgtype === 'markdown' && !markdownOf(d).includes('测试消息'))).toHaveLength(held.length - 1);
    expect(wecom.delivered.filter((d) => d.body.msgtype === 'image')).toHaveLength(1);
    expect((await health()).robots.failing).toEqual([]);
    expect(chat.sent.filter((s) => s.text.includes('被拒收'))).toHaveLength(1);
  });

  it("tells the admins once when DingTalk's quota is used up, and delivers when it returns", async () => {
    const app = await district(TOWNSHIPS.slice(0, 6));
    const ding = await fake('dingtalk', 'dt-quota-000000001');
    expect((await app.say('admin', 'console', `robot add dingtalk ${ding.url('dt-quota-000000001')} for leaders`)).status).toBe('ok');
    ding.delivered.splice(0);
    ding.answerNext(2, { body: { errcode: 90030, errmsg: 'webhook over limit' } });
    expect((await app.say('admin', 'console', 'board post')).status).toBe('ok');
    const chat = recorder();
    // An hour's wait, 10,000 times faster.
    const worker = startWorker(app, chat, {}, 10_000);
    expect(await worker.idle(60_000)).toBe(true);
    expect(ding.refused.map((r) => r.code)).toEqual([90030, 90030]);
    expect(ding.delivered).toHaveLength(1);
    expect(chat.sent.filter((s) => s.text.includes('调用次数已用完'))).toHaveLength(1);
  });

  it('a worker that dies mid-send is resumed by another after its lease: nothing lost, nothing doubled', async () => {
    const app = await district(TOWNSHIPS.slice(0, 110));
    const wecom = await fake('wecom', 'wk-crash-000000001');
    expect((await app.say('admin', 'console', `robot add wecom ${wecom.url('wk-crash-000000001')} for leaders`)).status).toBe('ok');
    wecom.delivered.splice(0);
    expect((await app.say('admin', 'console', 'board post')).status).toBe('ok');
    const parts = (await undelivered(app)).filter((r) => r.platform === 'wecom-robot').length;
    expect(parts).toBeGreaterThan(2);
    const held = wecom.holdNext();
    const first = startWorker(app, recorder(), { leaseMs: 400 });
    const request = await held;
    // The process dies: its worker stops without recording, the connection drops, the app never showed the message.
    await first.stop({ timeoutMs: 10 });
    request.drop();
    const second = startWorker(app, recorder(), { leaseMs: 400 });
    expect(await second.idle(60_000)).toBe(true);
    expect(wecom.delivered).toHaveLength(parts);
    const bodies = wecom.delivered.map((d) => JSON.stringify(d.body));
    expect(new Set(bodies).size).toBe(parts);
    expect(await undelivered(app)).toEqual([]);
  });
});
