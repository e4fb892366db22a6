/**
 * Slack over HTTP, end to end on loopback: the real Bolt App behind our
 * verifying, acknowledging receiver, the real dispatcher on a real SQLite file, and a fake
 * Slack Web API that records what the bot sends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import type { SlackPlatform } from '../../../src/platforms/slack/slack-platform.ts';
import { slackSignature } from '../../../src/platforms/slack/signature.ts';
import { directAddress, RateLimited } from '../../../src/core/platform-port.ts';
import { createOutboxWorker } from '../../../src/outbox/worker.ts';
import { buttonBody, mentionBody, sendToApp, slashBody, startFakeSlack, startSlackHttp, type FakeCall, type FakeSlack } from './fake-slack.ts';
import { until } from '../../helpers/until.ts';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded' as const;

let fake: FakeSlack;
let app: TestApp;
let slack: SlackPlatform;
let trigger = 0;
/** The server's clock, frozen per test: a request's age is exactly what the test says. */
let clockMs: number;

beforeEach(async () => {
  fake = await startFakeSlack();
  fake.users.set('UADMIN', { name: '李管理' });
  fake.users.set('UWANG', { name: '王芳' });
  fake.users.set('UEMMA', { name: 'Emma', locale: 'en-US' });
  fake.channels.set('CSOUTH', '城南工作群');
  app = await openTestApp({ env: { ENROLLBOT_ADMINS: 'slack:UADMIN' } });
  clockMs = Date.now();
  expect((await app.say('admin', 'console', 'township add 城南街道 target 1000')).status).toBe('ok');
  slack = await startSlackHttp(fake, app, SECRET, { nowMs: () => clockMs });
});

afterEach(async () => {
  // Nothing in these scenarios is an error: a failed delivery or listener would log one.
  const errors = app.log.lines.filter((l) => l.includes('"level":"error"'));
  await slack.stop();
  await app.close();
  await fake.close();
  expect(errors).toEqual([]);
});

async function responseTo(url: string): Promise<FakeCall> {
  const path = new URL(url).pathname;
  const hit = () => fake.of('response').find((c) => c.path === path);
  await until(() => hit() !== undefined, () => `a response at ${path}; calls: ${fake.calls.map((c) => c.method).join(', ')}`, 5000);
  return hit()!;
}

/** Log lines carrying a message (the receiver's and the app's own account of what they did). */
const logged = (msg: string) => app.log.lines.filter((l) => l.includes(`"msg":"${msg}"`));

/** Sends `/enroll <text>` and returns the HTTP answer and what arrived at its response_url. */
async function slash(userId: string, channelId: string, text: string) {
  const responseUrl = fake.responseUrl();
  const body = slashBody({ text, userId, channelId, triggerId: `trig.${++trigger}`, responseUrl });
  const res = await sendToApp(slack.port!, body, FORM, { secret: SECRET });
  expect(res.status).toBe(200);
  const response = await responseTo(responseUrl);
  return { res, response: response.body as { response_type: string; text: string; blocks: { type: string }[] } };
}

const ledgerCount = async () =>
  Number((await app.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** The admin binds CSOUTH to 城南街道 and makes 王芳 its coordinator, all from Slack. */
async function setUpSouth() {
  expect((await slash('UADMIN', 'CSOUTH', 'bind 城南街道')).response.response_type).toBe('in_channel');
  const granted = await slash('UADMIN', 'CSOUTH', 'grant <@UWANG|wangfang> coordinator 城南街道');
  expect(granted.response.text).toContain('王芳');
}

describe('request signatures', () => {
  it("matches the worked example in Slack's documentation", () => {
    // docs.slack.dev "Verifying requests from Slack": example secret, timestamp, body and signature.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('refuses forged, stale, future-dated and unsigned requests with 401 and changes nothing', async () => {
    const now = Math.floor(clockMs / 1000);
    const body = slashBody({ text: 'bind 城南街道', userId: 'UADMIN', channelId: 'CSOUTH', triggerId: 'trig.bad', responseUrl: fake.responseUrl() });
    const attempts = [
      { signature: slackSignature('not-the-secret', now, body) },
      { signature: slackSignature(SECRET, now, `${body}&x=1`) },
      { timestamp: now - 301 },
      { timestamp: now + 301 },
      { signature: null },
    ];
    for (const attempt of attempts) {
      const res = await sendToApp(slack.port!, body, FORM, { secret: SECRET, ...attempt });
      expect(res.status, JSON.stringify(attempt)).toBe(401);
    }
    // An unsigned event with a mention is refused the same way.
    const event = mentionBody({ eventId: 'EvForged', userId: 'UADMIN', channelId: 'CSOUTH', text: '<@UBOT> bind 城南街道' });
    expect((await sendToApp(slack.port!, event, 'application/json', { secret: SECRET, signature: null })).status).toBe(401);
    // Each was refused before anything read it, and said so before answering.
    expect(logged('slack request refused')).toHaveLength(attempts.length + 1);
    const db = app.database.db;
    expect(await db.selectFrom('channel_binding').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('inbound_message').selectAll().where('source_key', 'like', 'slack:%').execute()).toEqual([]);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    // A genuine request on the same server still works.
    expect((await slash('UADMIN', 'CSOUTH', 'bind 城南街道')).response.response_type).toBe('in_channel');
  });

  it("answers Slack's signed URL check with its challenge, an unreadable signed event with 400, and runs no unreadable interaction", async () => {
    const check = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
    const res = await sendToApp(slack.port!, check, 'application/json', { secret: SECRET });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'c-123' });
    expect((await sendToApp(slack.port!, check, 'application/json', { secret: SECRET, signature: null })).status).toBe(401);
    expect((await sendToApp(slack.port!, '{not json', 'application/json', { secret: SECRET })).status).toBe(400);
    // A form is acknowledged before it is read: a broken interaction payload is answered 200, then dropped.
    expect((await sendToApp(slack.port!, 'payload=%7Bnot-json', FORM, { secret: SECRET })).status).toBe(200);
    await until(() => logged('slack request body unreadable, dropped').length > 0, () => 'the broken payload dropped');
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it("answers Slack's unsigned SSL probe with 200 and dispatches nothing", async () => {
    const res = await sendToApp(slack.port!, 'ssl_check=1&token=x', FORM, { secret: SECRET, signature: null });
    expect(res.status).toBe(200);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });
});

describe('/enroll', () => {
  it('records a payment from the coordinator once and shows it in the channel', async () => {
    await setUpSouth();
    const { res, response } = await slash('UWANG', 'CSOUTH', 'pay 12 4800');
    expect(res.text).toBe('');
    expect(response.response_type).toBe('in_channel');
    expect(response.text).toContain('城南街道');
    expect(response.text).toContain('4,800');
    expect(await ledgerCount()).toBe(1);
    const entry = await app.database.db.selectFrom('ledger_entry').selectAll().executeTakeFirstOrThrow();
    expect(entry.people).toBe(12);
    expect(Number(entry.amount_fen)).toBe(480_000);
    expect(entry.platform).toBe('slack');
    // The binding carries the channel's name as Slack gave it.
    const binding = await app.database.db.selectFrom('channel_binding').selectAll().executeTakeFirstOrThrow();
    expect(binding.channel_id).toBe('CSOUTH');
  });

  it('records a replayed slash command (same trigger_id) once', async () => {
    await setUpSouth();
    const responseUrl = fake.responseUrl();
    const body = slashBody({ text: 'pay 3 1200', userId: 'UWANG', channelId: 'CSOUTH', triggerId: 'trig.same', responseUrl });
    expect((await sendToApp(slack.port!, body, FORM, { secret: SECRET })).status).toBe(200);
    await responseTo(responseUrl);
    expect((await sendToApp(slack.port!, body, FORM, { secret: SECRET })).status).toBe(200);
    await until(() => logged('slack command already handled').length > 0, () => 'the replay handled');
    expect(await ledgerCount()).toBe(1);
    expect(fake.of('response').filter((c) => c.path === new URL(responseUrl).pathname)).toHaveLength(1);
  });

  it('shows a refusal only to the person who asked', async () => {
    await setUpSouth();
    const { response } = await slash('UWANG', 'CSOUTH', 'pay abc');
    expect(response.response_type).toBe('ephemeral');
    expect(response.text).toContain('abc');
    const { response: denied } = await slash('UEMMA', 'CSOUTH', 'pay 1 400');
    expect(denied.response_type).toBe('ephemeral');
    // Emma's Slack locale is en-US: her refusal is in English.
    expect(denied.text).toMatch(/coordinator/i);
    expect(await ledgerCount()).toBe(0);
  });

  it('acknowledges at once, before the work is done', async () => {
    await setUpSouth();
    const started = performance.now();
    const responseUrl = fake.responseUrl();
    const res = await sendToApp(slack.port!, slashBody({ text: 'pay 1 400', userId: 'UWANG', channelId: 'CSOUTH', triggerId: 'trig.fast', responseUrl }), FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(3000);
    await responseTo(responseUrl);
    expect(await ledgerCount()).toBe(1);
  });
});

describe('mentions', () => {
  it('records a retried event (same event_id, X-Slack-Retry-Num: 1) once and answers once', async () => {
    await setUpSouth();
    const body = mentionBody({ eventId: 'Ev0PAY1', userId: 'UWANG', channelId: 'CSOUTH', text: '<@UBOT> pay 12 4800' });
    expect((await sendToApp(slack.port!, body, 'application/json', { secret: SECRET })).status).toBe(200);
    await fake.waitFor('chat.postMessage', 1);
    const retry = await sendToApp(slack.port!, body, 'application/json', {
      secret: SECRET,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await until(() => logged('slack event already handled').length > 0, () => 'the retry handled');
    expect(await ledgerCount()).toBe(1);
    const posts = fake.of('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.channel).toBe('CSOUTH');
    expect(String(posts[0]!.body.text)).toContain('4,800');
  });

  it("runs a mention's words, in the user's Slack locale, and refuses privately", async () => {
    const body = mentionBody({ eventId: 'Ev0HELP', userId: 'UEMMA', channelId: 'CSOUTH', text: '<@UBOT> help' });
    expect((await sendToApp(slack.port!, body, 'application/json', { secret: SECRET })).status).toBe(200);
    const [post] = await fake.waitFor('chat.postMessage', 1);
    expect(JSON.stringify(post!.body.blocks)).toContain('Commands');
    const refused = mentionBody({ eventId: 'Ev0BAD', userId: 'UEMMA', channelId: 'CSOUTH', text: '<@UBOT> pay 1 400' });
    await sendToApp(slack.port!, refused, 'application/json', { secret: SECRET });
    const [ephemeral] = await fake.waitFor('chat.postEphemeral', 1);
    expect(ephemeral!.body.user).toBe('UEMMA');
    expect(ephemeral!.body.channel).toBe('CSOUTH');
    expect(fake.of('chat.postMessage')).toHaveLength(1);
  });
});

describe('buttons', () => {
  it('runs the pressed button’s command as the pressing user', async () => {
    await setUpSouth();
    const responseUrl = fake.responseUrl();
    // The coordinator may work the township's cases: the command runs, and finds no case L99.
    const body = buttonBody({ userId: 'UWANG', channelId: 'CSOUTH', value: 'lapse done L99 paid', actionId: 'enroll_cmd_0', triggerId: 'trig.btn', responseUrl });
    expect((await sendToApp(slack.port!, body, FORM, { secret: SECRET })).status).toBe(200);
    const response = await responseTo(responseUrl);
    expect(response.body.response_type).toBe('ephemeral');
    expect(response.body.text).toBe('没有断缴 L99。');
  });

  it('refuses a button privately when the presser may not run its command', async () => {
    await setUpSouth();
    const responseUrl = fake.responseUrl();
    const body = buttonBody({ userId: 'UEMMA', channelId: 'CSOUTH', value: 'lapse done L99 paid', actionId: 'enroll_cmd_0', triggerId: 'trig.btn2', responseUrl });
    await sendToApp(slack.port!, body, FORM, { secret: SECRET });
    const response = await responseTo(responseUrl);
    expect(response.body.response_type).toBe('ephemeral');
    expect(response.body.text).not.toBe('没有断缴 L99。');
  });
});

describe('outbound posts', () => {
  it("sends a direct message (a cadre's own lapse list) to the user's id", async () => {
    await slack.post(directAddress('UCADRE'), { status: 'ok', title: '刘网格：你负责的断缴人员', text: 'L4' });
    expect(fake.of('chat.postMessage').at(-1)!.body.channel).toBe('UCADRE');
  });

  it('turns a 429 with Retry-After into RateLimited with that delay, and posts once when tried again', async () => {
    fake.rateLimit('chat.postMessage', 7);
    const reply = { status: 'ok' as const, title: '排行', text: '今日进度' };
    const err = await slack.post('CLEAD', reply).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect((err as RateLimited).retryAfterMs).toBe(7000);
    expect(fake.of('chat.postMessage')).toHaveLength(0);
    await slack.post('CLEAD', reply);
    const posts = fake.of('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.channel).toBe('CLEAD');
    expect(fake.of('chat.postMessage:429')).toHaveLength(1);
  });

  it('uploads a chart through getUploadURLExternal → upload → completeUploadExternal, shared with the blocks', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('chart-bytes-for-test')]);
    await slack.post('CLEAD', {
      status: 'ok',
      title: '城南区排行',
      text: '截至今日',
      table: { columns: [{ header: '乡镇', align: 'left' }, { header: '完成率', align: 'right' }], rows: [['城南街道', '75.00%']] },
      image: { png, filename: 'board.png', alt: '完成率柱状图' },
    });
    const steps = fake.calls.filter((c) => c.method !== 'auth.test').map((c) => c.method);
    expect(steps).toEqual(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    const [url] = fake.of('files.getUploadURLExternal');
    expect(url!.body.filename).toBe('board.png');
    expect(Number(url!.body.length)).toBe(png.length);
    expect(url!.body.alt_text).toBe('完成率柱状图');
    expect(fake.of('upload')[0]!.raw.includes(png)).toBe(true);
    const [complete] = fake.of('files.completeUploadExternal');
    expect(complete!.body.channel_id).toBe('CLEAD');
    expect(complete!.body.files).toEqual([{ id: 'F1', title: '城南区排行' }]);
    expect(JSON.stringify(complete!.body.blocks)).toContain('城南街道');
  });

  it('reports a 429 during the upload as RateLimited, with nothing shared yet', async () => {
    fake.rateLimit('files.getUploadURLExternal', 3);
    const err = await slack
      .post('CLEAD', { status: 'ok', text: 'x', image: { png: new Uint8Array([1, 2, 3]), filename: 'c.png', alt: 'c' } })
      .catch((e: unknown) => e);
    expect((err as RateLimited).retryAfterMs).toBe(3000);
    expect(fake.of('files.completeUploadExternal')).toHaveLength(0);
  });
});

describe('board post', () => {
  it("posts the numbered board to the bound leaders' channel through the outbox and uploads the chart, once, after a 429", async () => {
    fake.channels.set('CLEAD', '领导群');
    expect((await slash('UADMIN', 'CLEAD', 'bind leaders')).response.text).toContain('领导群');
    const posted = await slash('UADMIN', 'CLEAD', 'board post');
    expect(posted.response.text).toContain('第1期');
    fake.rateLimit('files.getUploadURLExternal', 1);
    const worker = createOutboxWorker({ db: app.database.db, platforms: [slack], log: app.log, pollMs: 50 });
    worker.start();
    expect(await worker.idle(20_000)).toBe(true);
    await worker.stop();
    expect(fake.of('files.getUploadURLExternal:429')).toHaveLength(1);
    const uploads = fake.of('files.getUploadURLExternal');
    expect(uploads).toHaveLength(1);
    expect(String(uploads[0]!.body.filename)).toMatch(/\.png$/);
    const [complete] = fake.of('files.completeUploadExternal');
    expect(complete!.body.channel_id).toBe('CLEAD');
    expect(JSON.stringify(complete!.body.blocks)).toMatch(/第1期 本区城乡居民医保征缴进度通报/);
    expect(JSON.stringify(complete!.body.blocks)).toContain('城南街道');
    expect(fake.of('files.completeUploadExternal')).toHaveLength(1);
  });
});
