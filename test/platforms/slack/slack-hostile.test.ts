/**
 * Slack over HTTP under attack, against the real endpoint on loopback (the
 * real Bolt app behind our front door, the real dispatcher on a real SQLite
 * file, a fake Slack Web API): huge and trickled bodies, a crowd of idle
 * connections, a message with a thousand mentions, a rate-limited users.info,
 * and button values the bot never made.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import { until } from '../../helpers/until.ts';
import type { SlackPlatform } from '../../../src/platforms/slack/slack-platform.ts';
import { slackSignature } from '../../../src/platforms/slack/signature.ts';
import { BODY_LIMIT_BYTES, MAX_CONNECTIONS, REQUEST_TIMEOUT_MS } from '../../../src/platforms/slack/http-server.ts';
import { MAX_MENTION_LOOKUPS } from '../../../src/platforms/slack/slack-app.ts';
import { catalogue } from '../../../src/i18n/index.ts';
import { buttonBody, sendToApp, slashBody, startFakeSlack, startSlackHttp, type FakeCall, type FakeSlack } from './fake-slack.ts';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded' as const;

let fake: FakeSlack;
let app: TestApp;
let slack: SlackPlatform;
let trigger = 0;
const sockets: Socket[] = [];

beforeEach(async () => {
  fake = await startFakeSlack();
  fake.users.set('UADMIN', { name: '李管理' });
  fake.users.set('UWANG', { name: '王芳' });
  fake.users.set('UEMMA', { name: 'Emma' });
  fake.channels.set('CSOUTH', '城南工作群');
  app = await openTestApp({ env: { ENROLLBOT_ADMINS: 'slack:UADMIN' } });
  expect((await app.say('admin', 'console', 'township add 城南街道 target 1000')).status).toBe('ok');
  slack = await startSlackHttp(fake, app, SECRET);
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await slack.stop();
  await app.close();
  await fake.close();
});

/** A raw connection to the endpoint: what the server answered (status line) and when it closed. */
interface Raw {
  socket: Socket;
  /** The status code of the first response, once it arrived. */
  status: Promise<number>;
  /** performance.now() when the server closed the connection. */
  closed: Promise<number>;
  /** How many bytes the client managed to hand to the socket. */
  written: () => number;
}

function raw(head: string): Raw {
  const socket = connect(slack.port!, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  let written = 0;
  socket.setNoDelay(true);
  socket.on('error', () => {});
  const status = new Promise<number>((resolve) => {
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (m) resolve(Number(m[1]));
    });
  });
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
  socket.write(head);
  written += Buffer.byteLength(head);
  return { socket, status, closed, written: () => written };
}

function signedHead(contentLength: number | 'chunked', body = ''): string {
  const ts = Math.floor(Date.now() / 1000);
  const length = contentLength === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${contentLength}`;
  return (
    `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${FORM}\r\n${length}\r\n` +
    `x-slack-request-timestamp: ${ts}\r\nx-slack-signature: ${slackSignature(SECRET, ts, body)}\r\n\r\n`
  );
}

async function responseTo(url: string): Promise<FakeCall> {
  const path = new URL(url).pathname;
  let hit: FakeCall | undefined;
  await until(
    () => !!(hit = fake.of('response').find((c) => c.path === path)),
    () => `a response at ${path}; calls: ${fake.calls.map((c) => c.method).join(', ')}`,
    10_000,
  );
  return hit!;
}

async function slash(userId: string, channelId: string, text: string) {
  const responseUrl = fake.responseUrl();
  const body = slashBody({ text, userId, channelId, triggerId: `trig.${++trigger}`, responseUrl });
  const sent = performance.now();
  expect((await sendToApp(slack.port!, body, FORM, { secret: SECRET })).status).toBe(200);
  const response = await responseTo(responseUrl);
  return { body: response.body as { response_type: string; text: string }, ms: performance.now() - sent };
}

const ledgerCount = async () =>
  Number((await app.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const handled = async () => app.database.db.selectFrom('inbound_message').select('source_key').where('source_key', 'like', 'slack:%').execute();
const lookupsOf = (ids: (id: string) => boolean) => fake.calls.filter((c) => c.method.startsWith('users.info') && ids(String(c.body.user))).length;

async function setUpSouth() {
  expect((await slash('UADMIN', 'CSOUTH', 'bind 城南街道')).body.response_type).toBe('in_channel');
  expect((await slash('UADMIN', 'CSOUTH', 'grant <@UWANG|wangfang> coordinator 城南街道')).body.response_type).toBe('in_channel');
}

describe('bodies', () => {
  it('refuses a 2 GB unsigned body from its headers alone, before reading it, and closes the connection', async () => {
    const head = `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${FORM}\r\ncontent-length: ${2 * 1024 ** 3}\r\n\r\n`;
    const c = raw(head);
    // Only the first 64 KB are ever sent: the answer cannot wait for the rest.
    c.socket.write(Buffer.alloc(64 * 1024, 0x61));
    expect(await c.status).toBe(413);
    await c.closed;
  });

  it('refuses an unsigned or stale request from its headers, before reading its body', async () => {
    const stale = Math.floor(Date.now() / 1000) - 600;
    const heads = [
      `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 900000\r\n\r\n`,
      `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${FORM}\r\ncontent-length: 900000\r\n` +
        `x-slack-request-timestamp: ${stale}\r\nx-slack-signature: v0=${'0'.repeat(64)}\r\n\r\n`,
    ];
    for (const head of heads) {
      const c = raw(head);
      // 1 KB of the 900 KB declared: the answer comes without the rest.
      c.socket.write(Buffer.alloc(1024, 0x61));
      expect(await c.status).toBe(401);
      await c.closed;
    }
    expect(app.log.lines.filter((l) => l.includes('slack request refused')).map((l) => JSON.parse(l).problem)).toEqual(['missing', 'stale']);
  });

  it('refuses a 2 GB signed-looking body with 413 from its Content-Length, before reading it', async () => {
    const c = raw(signedHead(2 * 1024 ** 3));
    c.socket.write(Buffer.alloc(64 * 1024, 0x61));
    expect(await c.status).toBe(413);
    await c.closed;
    expect(app.log.lines.some((l) => l.includes('"problem":"too_large"'))).toBe(true);
  });

  it('cuts off a chunked body (no length to check first) at the limit with 413, reading no further', async () => {
    const c = raw(signedHead('chunked'));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    let answered = false;
    void c.status.then(() => (answered = true));
    // Keeps sending until the server answers; the server stops reading at the limit.
    while (!answered && sent < 64 * BODY_LIMIT_BYTES && !c.socket.destroyed) {
      c.socket.write(`${chunk.length.toString(16)}\r\n`);
      c.socket.write(chunk);
      const ok = c.socket.write('\r\n');
      sent += chunk.length;
      if (!ok) await Promise.race([new Promise((r) => c.socket.once('drain', r)), c.status, c.closed]);
    }
    expect(await c.status).toBe(413);
    await c.closed;
    // It was cut off near the limit, not read to the end (TCP buffers let some more through).
    expect(sent).toBeLessThan(32 * BODY_LIMIT_BYTES);
    expect(await handled()).toEqual([]);
  });

  it('gives a trickled body 10 s to arrive, then answers 408 and closes', async () => {
    const body = slashBody({ text: 'pay 1', userId: 'UWANG', channelId: 'CSOUTH', triggerId: 'trig.slow', responseUrl: fake.responseUrl() });
    const began = performance.now();
    const c = raw(signedHead(Buffer.byteLength(body), body));
    let i = 0;
    const drip = setInterval(() => {
      if (i < body.length && !c.socket.destroyed) c.socket.write(body[i++]!);
    }, 250);
    try {
      expect(await c.status).toBe(408);
      const closedAfter = (await c.closed) - began;
      expect(closedAfter).toBeGreaterThan(REQUEST_TIMEOUT_MS - 500);
      expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
    } finally {
      clearInterval(drip);
    }
    expect(await handled()).toEqual([]);
  }, 30_000);
});

describe('connections', () => {
  it(`accepts at most ${MAX_CONNECTIONS} connections; more are closed at once, and service resumes when they go`, async () => {
    const crowd = MAX_CONNECTIONS + 60;
    const closedEarly: number[] = [];
    const conns: Socket[] = [];
    for (let i = 0; i < crowd; i++) {
      const s = connect(slack.port!, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closedEarly.push(i));
      sockets.push(s);
      conns.push(s);
    }
    await Promise.all(conns.map((s) => new Promise((r) => (s.connecting ? s.once('connect', r).once('close', r) : r(null)))));
    // The server closes each connection past the cap as it comes.
    await until(() => closedEarly.length >= crowd - MAX_CONNECTIONS, () => `${crowd - MAX_CONNECTIONS} refused connections; ${closedEarly.length} so far`, 10_000);
    expect(closedEarly.length).toBe(crowd - MAX_CONNECTIONS);
    for (const s of conns) s.destroy();
    // The slow crowd gone (the server counts them out as their closes arrive), a genuine request is served.
    const answers = async () => (await fetch(`http://127.0.0.1:${slack.port!}/elsewhere`).then((r) => r.status, () => 0)) === 404;
    await until(answers, () => 'the server answers again', 10_000);
    expect((await slash('UADMIN', 'CSOUTH', 'bind 城南街道')).body.response_type).toBe('in_channel');
  });
});

describe('mentions', () => {
  const many = Array.from({ length: 1000 }, (_, i) => `<@U${String(i).padStart(4, '0')}>`).join(' ');
  const isCrowd = (id: string) => /^U\d{4}$/.test(id);

  it('a thousand mentions from someone who may not run the command cost no lookup at all', async () => {
    await setUpSouth();
    const r = await slash('UEMMA', 'CSOUTH', `grant ${many} coordinator 城南街道`);
    expect(r.body.response_type).toBe('ephemeral');
    expect(lookupsOf(isCrowd)).toBe(0);
  });

  it('a thousand mentions in a command that takes no user cost no lookup', async () => {
    await setUpSouth();
    // Refused for its note's length (200 characters at most), and not one mention looked up on the way.
    const r = await slash('UWANG', 'CSOUTH', `pay 1 400 ${many}`);
    expect(r.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(r.body)).toContain('备注太长');
    expect(await ledgerCount()).toBe(0);
    expect(lookupsOf(isCrowd)).toBe(0);
  });

  it(`a thousand mentions in a command that takes a user, from an admin, cost at most ${MAX_MENTION_LOOKUPS} lookups`, async () => {
    await setUpSouth();
    const r = await slash('UADMIN', 'CSOUTH', `grant ${many} coordinator 城南街道`);
    expect(r.body.response_type).toBe('ephemeral');
    expect(lookupsOf(isCrowd)).toBeLessThanOrEqual(MAX_MENTION_LOOKUPS);
    expect(lookupsOf(isCrowd)).toBeGreaterThan(0);
  });

  it('keeps a failed lookup: a user Slack does not know is asked for once', async () => {
    await setUpSouth();
    for (let i = 0; i < 3; i++) expect((await slash('UADMIN', 'CSOUTH', 'grant <@UGHOST> coordinator 城南街道')).body.response_type).toBe('in_channel');
    expect(lookupsOf((id) => id === 'UGHOST')).toBe(1);
  });

  it("a 429 on users.info does not hold up payments: nothing is asked until Retry-After, and the pay is recorded at once", async () => {
    fake.rateLimit('users.info', 30, 1000);
    await setUpSouth();
    const paid = await slash('UWANG', 'CSOUTH', 'pay 2 800');
    expect(paid.body.response_type).toBe('in_channel');
    // Bolt's client would have waited out the 30 s Retry-After before the pay could run.
    expect(paid.ms).toBeLessThan(5000);
    expect(await ledgerCount()).toBe(1);
    // One 429, then Slack was left alone for its Retry-After.
    expect(fake.of('users.info:429')).toHaveLength(1);
    expect(fake.of('users.info')).toHaveLength(0);
    // The grant went on with the name Slack put in the mention.
    const member = await app.database.db
      .selectFrom('identity')
      .innerJoin('member', 'member.id', 'identity.member_id')
      .select('member.name')
      .where('identity.external_id', '=', 'UWANG')
      .executeTakeFirstOrThrow();
    expect(member.name).toBe('wangfang');
  });
});

describe('button values', () => {
  const forged = ['pay 2 800', 'grant <@UEMMA> admin', 'lapse done L1 paid\npay 1', 'lapse done L1 paid extra', 'lapse done 1 paid', 'LAPSE DONE L1 PAID', 'lapse done L1 bribed'];

  it('refuses any value but the bot’s own shapes, without running it, and tells the presser', async () => {
    await setUpSouth();
    const before = await handled();
    const roles = async () => app.database.db.selectFrom('role_grant').selectAll().orderBy('id').execute();
    const rolesBefore = await roles();
    for (const [i, value] of forged.entries()) {
      const responseUrl = fake.responseUrl();
      const body = buttonBody({ userId: 'UWANG', channelId: 'CSOUTH', value, actionId: 'enroll_cmd_0', triggerId: `trig.forged.${i}`, responseUrl });
      expect((await sendToApp(slack.port!, body, FORM, { secret: SECRET })).status).toBe(200);
      const response = await responseTo(responseUrl);
      expect(response.body, value).toMatchObject({ response_type: 'ephemeral', text: catalogue('zh-CN').buttonNotOurs() });
    }
    expect(await ledgerCount()).toBe(0);
    // Nothing ran: no message was handled, no role changed.
    expect(await handled()).toEqual(before);
    expect(await roles()).toEqual(rolesBefore);
    expect(app.log.lines.filter((l) => l.includes('slack button refused: not one of ours'))).toHaveLength(forged.length);
  });

  it('runs a value of the bot’s own shape, as the presser', async () => {
    await setUpSouth();
    const responseUrl = fake.responseUrl();
    const body = buttonBody({ userId: 'UWANG', channelId: 'CSOUTH', value: 'lapse done L7 promised', actionId: 'enroll_cmd_1', triggerId: 'trig.ours', responseUrl });
    await sendToApp(slack.port!, body, FORM, { secret: SECRET });
    expect((await responseTo(responseUrl)).body).toMatchObject({ response_type: 'ephemeral', text: '没有断缴 L7。' });
  });
});
