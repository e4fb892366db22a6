/** Starting Slack: which mode the configuration picks, and a bad token failing the start. */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import { createSlackPlatform } from '../../../src/platforms/slack/slack-platform.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';

let app: TestApp | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  await app?.close();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

describe('createSlackPlatform', () => {
  it('uses Socket Mode when an app token is set, HTTP otherwise', async () => {
    app = await openTestApp();
    const base = { botToken: 'xoxb-x', port: 0, apiUrl: 'http://127.0.0.1:9/api/' };
    const socket = createSlackPlatform({ slack: { ...base, appToken: 'xapp-x', signingSecret: 's' }, dispatcher: app.dispatcher, log: app.log });
    expect(socket.mode).toBe('socket');
    expect(socket.port).toBeNull();
    const http = createSlackPlatform({ slack: { ...base, appToken: null, signingSecret: 's' }, dispatcher: app.dispatcher, log: app.log });
    expect(http.mode).toBe('http');
  });

  it('fails the start with Slack’s error when the bot token is refused, and listens on nothing', async () => {
    app = await openTestApp();
    fake = await startFakeSlack();
    fake.authError = 'invalid_auth';
    const slack = createSlackPlatform({
      slack: { botToken: 'xoxb-revoked', appToken: null, signingSecret: 's', port: 0, apiUrl: fake.apiUrl },
      dispatcher: app.dispatcher,
      log: app.log,
      host: '127.0.0.1',
    });
    await expect(slack.start()).rejects.toThrow(/invalid_auth/);
    expect(slack.port).toBeNull();
    await slack.stop();
  });
});
