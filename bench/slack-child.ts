/**
 * The process under test for bench/slack.ts: enrollbot's Slack platform over
 * HTTP on a temp SQLite file, and beside it a bare node:http server for the
 * reference. Prints `{"slackPort":…,"barePort":…}` once listening, its CPU time
 * when sent a `cpu` line; stops when its standard input ends. Kept apart from the load generator and the fake
 * Slack so that they do not share its event loop.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { jsonLogger } from '../src/core/logger.ts';
import { createSlackPlatform } from '../src/platforms/slack/slack-platform.ts';
import { createSlackApp } from '../src/platforms/slack/slack-app.ts';

const [apiUrl, signingSecret, door = 'front-door', databaseUrl] = process.argv.slice(2);
if (!apiUrl || !signingSecret) throw new Error('usage: slack-child <apiUrl> <signingSecret> [front-door|bolt] [<DATABASE_URL>]');

const dir = mkdtempSync(join(tmpdir(), 'enrollbot-bench-slack-'));
const log = jsonLogger('warn');
const config = loadConfig({ DATABASE_URL: databaseUrl ?? `sqlite:${join(dir, 'bench.db')}`, ENROLLBOT_DEMO: '0', ENROLLBOT_ADMINS: 'slack:UADMIN' });
// A fixed day inside the default season, so that `pay` records.
const app = await openApp({ config, log, now: () => new Date('2026-11-23T02:00:00Z'), seedDemo: false, consoleAdmin: false });
const say = (userId: string, text: string, id: string) =>
  app.dispatcher.handle({
    platform: 'slack',
    channelId: 'CSOUTH',
    channelName: 'south',
    userId,
    userName: userId,
    messageId: id,
    text,
    resolveUser: (t) => (t === '<@UCOORD>' ? { platform: 'slack', externalId: 'UCOORD', displayName: '王芳' } : null),
  });
await say('UADMIN', 'township add 城南街道 target 100000', 'setup-1');
await say('UADMIN', 'bind 城南街道', 'setup-2');
await say('UADMIN', 'grant <@UCOORD> coordinator 城南街道', 'setup-3');

const slackOptions = { slack: { botToken: 'xoxb-bench', appToken: null, signingSecret, port: 0, apiUrl }, dispatcher: app.dispatcher, log, host: '127.0.0.1' };
// `bolt`: Bolt's own HTTPReceiver with the same handlers, to weigh the front door against it.
const slack =
  door === 'bolt'
    ? await (async () => {
        const bolt = createSlackApp({ ...slackOptions, boltHttpReceiver: true });
        await bolt.app.init();
        const server = (await bolt.app.start({ port: 0, host: '127.0.0.1' })) as import('node:http').Server;
        return { port: (server.address() as AddressInfo).port, stop: () => bolt.app.stop() };
      })()
    : await (async () => {
        const platform = createSlackPlatform(slackOptions);
        await platform.start();
        return platform;
      })();
const bare = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
process.stdout.write(`${JSON.stringify({ slackPort: slack.port, barePort: (bare.address() as AddressInfo).port })}\n`);

// A `cpu` line asks for the process's CPU time so far (µs), which the bench reads around each burst.
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMicros: user + system })}\n`);
  }
});
process.stdin.on('end', async () => {
  await slack.stop();
  await new Promise<void>((r) => bare.close(() => r()));
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
