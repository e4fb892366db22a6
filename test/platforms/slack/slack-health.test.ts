/**
 * `/healthz` with Slack. In HTTP mode the Slack server itself answers it,
 * unsigned, beside `/slack/events` (whose answers do not change), and a
 * closed database turns it into a 503 that names the database. In Socket
 * Mode the platform reports its socket: connected after Slack's hello,
 * connecting after the socket drops until the reconnect, disconnected after stop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import { probe } from '../../helpers/health.ts';
import { createSlackPlatform, type SlackPlatform } from '../../../src/platforms/slack/slack-platform.ts';
import type { Platform } from '../../../src/core/platform-port.ts';
import { botHealth } from '../../../src/ops/health.ts';
import { healthRoute } from '../../../src/ops/health-server.ts';
import { sendToApp, startFakeSlack, type FakeSlack } from './fake-slack.ts';
import { until } from '../../helpers/until.ts';

const SECRET = 'test-signing-secret';

let fake: FakeSlack;
let app: TestApp;
let slack: SlackPlatform;

beforeEach(async () => {
  fake = await startFakeSlack();
  app = await openTestApp();
});

afterEach(async () => {
  await slack?.stop();
  await app.close();
  await fake.close();
});

/** Starts Slack with `/healthz` on its HTTP server, as `npm start` does. */
async function startSlack(appToken: string | null): Promise<SlackPlatform> {
  const platforms: Platform[] = [];
  slack = createSlackPlatform({
    slack: { botToken: 'xoxb-test', appToken, signingSecret: appToken ? null : SECRET, port: 0, apiUrl: fake.apiUrl },
    dispatcher: app.dispatcher,
    log: app.log,
    host: '127.0.0.1',
    otherPaths: healthRoute(botHealth({ db: app.database.db, platforms, log: app.log }), app.log),
  });
  platforms.push(slack);
  await slack.start();
  return slack;
}

const fetchStatus = async (port: number, path: string, method = 'GET') => (await fetch(`http://127.0.0.1:${port}${path}`, { method })).status;

describe('/healthz in Slack HTTP mode', () => {
  it('answers GET /healthz unsigned with 200: database ok, slack connected, and no run yet', async () => {
    const { port } = await startSlack(null);
    const { status, body } = await probe(port!);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      problems: [],
      database: { ok: true },
      platforms: { slack: 'connected' },
      lastRuns: { board: null, lapseScan: null, lapseReminder: null, backup: null },
    });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    // HEAD gets the status without the body.
    const head = await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('keeps every other answer: 405 for other methods, 404 elsewhere, 401 for an unsigned Slack request', async () => {
    const { port } = await startSlack(null);
    expect(await fetchStatus(port!, '/healthz', 'POST')).toBe(405);
    expect(await fetchStatus(port!, '/slack/events')).toBe(405);
    expect(await fetchStatus(port!, '/')).toBe(404);
    expect(await fetchStatus(port!, '/healthz/x')).toBe(404);
    expect((await sendToApp(port!, '{"type":"event_callback"}', 'application/json', { secret: SECRET, signature: null })).status).toBe(401);
  });

  it('does not count a probe as Slack traffic: command work is not held back behind it', async () => {
    const { port } = await startSlack(null);
    await probe(port!);
    expect(slack.bolt.receiver!.busy()).toBe(false);
  });

  it('answers 503 naming the database when the database is closed, slack still connected', async () => {
    const { port } = await startSlack(null);
    await app.database.close();
    const { status, body } = await probe(port!);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'unhealthy',
      problems: ['database: unreachable'],
      database: { ok: false, error: 'unreachable' },
      platforms: { slack: 'connected' },
    });
    // The operator finds the reason in the log, not in the response.
    expect(app.log.lines.some((l) => l.includes('health: database check failed'))).toBe(true);
  });
});

describe('Slack Socket Mode status', () => {
  it('is connected after Slack’s hello, connecting after the socket drops, connected after the reconnect, disconnected after stop', async () => {
    await startSlack('xapp-test');
    const socket = await fake.waitForSocket();
    expect(slack.status()).toBe('connected');
    const report = botHealth({ db: app.database.db, platforms: [slack], log: app.log });
    expect((await report()).status).toBe('ok');

    fake.socket = null;
    socket.terminate();
    await until(() => slack.status() !== 'connected', () => `the drop seen; status ${slack.status()}`, 5000);
    expect(slack.status()).toBe('connecting');
    expect(await report()).toMatchObject({ status: 'unhealthy', problems: ['slack: connecting'] });

    // The client reconnects by itself (after its ping timeout) through apps.connections.open.
    await fake.waitForSocket(20_000);
    await until(() => slack.status() === 'connected', () => `connected again; status ${slack.status()}`, 5000);

    await slack.stop();
    expect(slack.status()).toBe('disconnected');
  });
});
