/**
 * Slack in Socket Mode, over real sockets: Bolt's Socket Mode receiver opens
 * its connection through the (fake) Web API at SLACK_API_URL, Slack's envelopes
 * arrive over the WebSocket, each is acknowledged by its envelope id, and the
 * commands run through the same dispatcher as HTTP mode.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import { createSlackPlatform, type SlackPlatform } from '../../../src/platforms/slack/slack-platform.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';
import { until } from '../../helpers/until.ts';

let fake: FakeSlack;
let app: TestApp;
let slack: SlackPlatform;
let socket: WebSocket;
let envelopes = 0;

beforeEach(async () => {
  fake = await startFakeSlack();
  fake.users.set('UADMIN', { name: '李管理' });
  fake.users.set('UWANG', { name: '王芳' });
  fake.channels.set('CSOUTH', '城南工作群');
  app = await openTestApp({ env: { ENROLLBOT_ADMINS: 'slack:UADMIN' } });
  expect((await app.say('admin', 'console', 'township add 城南街道 target 1000')).status).toBe('ok');
  slack = createSlackPlatform({
    slack: { botToken: 'xoxb-test', appToken: 'xapp-test', signingSecret: null, port: 0, apiUrl: fake.apiUrl },
    dispatcher: app.dispatcher,
    log: app.log,
  });
  await slack.start();
  socket = await fake.waitForSocket();
});

afterEach(async () => {
  const errors = app.log.lines.filter((l) => l.includes('"level":"error"'));
  await slack.stop();
  await app.close();
  await fake.close();
  expect(errors).toEqual([]);
});

/** Sends an envelope and waits for the app's acknowledgement of it. */
async function deliver(type: 'slash_commands' | 'events_api', payload: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const id = `env-${++envelopes}`;
  socket.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type === 'slash_commands', ...extra }));
  await until(() => fake.socketFrames.some((f) => f.envelope_id === id), () => `envelope ${id} acknowledged`, 5000);
}

async function slash(userId: string, text: string, channel: { id: string; name: string } = { id: 'CSOUTH', name: 'south' }) {
  const responseUrl = fake.responseUrl();
  await deliver('slash_commands', {
    token: 'x', team_id: 'T1', team_domain: 'fake', channel_id: channel.id, channel_name: channel.name, user_id: userId, user_name: userId,
    command: '/enroll', text, api_app_id: 'A1', response_url: responseUrl, trigger_id: `trig.socket.${envelopes + 1}`,
  });
  const path = new URL(responseUrl).pathname;
  const hit = () => fake.of('response').find((c) => c.path === path);
  await until(() => hit() !== undefined, () => `an answer at ${path}`, 5000);
  return hit()!.body as { response_type: string; text: string };
}

const ledgerCount = async () =>
  Number((await app.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('Socket Mode', () => {
  it('opens the connection through SLACK_API_URL, acknowledges envelopes and runs /enroll through the dispatcher', async () => {
    expect(fake.of('apps.connections.open')).toHaveLength(1);
    expect(fake.of('apps.connections.open')[0]!.headers.authorization).toBe('Bearer xapp-test');
    const bound = await slash('UADMIN', 'bind 城南街道');
    expect(bound.response_type).toBe('in_channel');
    expect(bound.text).toContain('城南街道');
    const refused = await slash('UWANG', 'pay 3');
    expect(refused.response_type).toBe('ephemeral');
    expect(await ledgerCount()).toBe(0);
  });

  it('records a mention once when Slack redelivers its event (retry_attempt 1)', async () => {
    await slash('UADMIN', 'bind 城南街道');
    await slash('UADMIN', 'grant <@UWANG|wangfang> coordinator 城南街道');
    const event = {
      token: 'x', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'EvSocket1', event_time: 1700000000,
      event: { type: 'app_mention', user: 'UWANG', text: '<@UBOT> pay 12 4800', ts: '1700000001.000100', channel: 'CSOUTH', event_ts: '1700000001.000100' },
    };
    await deliver('events_api', event, { retry_attempt: 0, retry_reason: '' });
    await fake.waitFor('chat.postMessage', 1);
    await deliver('events_api', event, { retry_attempt: 1, retry_reason: 'timeout' });
    await until(() => app.log.lines.some((l) => l.includes('"msg":"slack event already handled"')), () => 'the redelivery handled');
    expect(await ledgerCount()).toBe(1);
    const posts = fake.of('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.body.text)).toContain('4,800');
  });

  it('answers a list of people in its township\'s channel, privately in a direct message, and refuses it elsewhere', async () => {
    await slash('UADMIN', 'bind 城南街道');
    await slash('UADMIN', 'grant <@UWANG|wangfang> coordinator 城南街道');
    const inChannel = await slash('UWANG', 'who');
    expect([inChannel.response_type, inChannel.text]).toEqual(['in_channel', expect.stringContaining('城南街道的领导和联络员')]);
    const direct = await slash('UWANG', 'who 城南街道', { id: 'D0WANG', name: 'directmessage' });
    expect(direct.response_type).toBe('ephemeral');
    expect(direct.text).toContain('城南街道的领导和联络员');
    const elsewhere = await slash('UWANG', 'who 城南街道', { id: 'CRANDOM', name: 'random' });
    expect(elsewhere.response_type).toBe('ephemeral');
    expect(elsewhere.text).toBe('这里不显示城南街道的人员名单。请到城南街道的群（#south）里查询，或私信机器人查询。');
  });
});
