/**
 * `/healthz` with Discord and the health-only server (Discord runs with no
 * Slack HTTP server, so `npm start` serves the probe on its own port): the
 * real discord.js client against the fake gateway is 503 until READY, 200
 * once connected, 503 while the gateway is dropped and not yet resumed, and
 * 503 "disconnected" after stop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import { probe, probeUntil } from '../../helpers/health.ts';
import { commands } from '../../../commands/index.ts';
import { createDiscordPlatform } from '../../../src/platforms/discord/discord-platform.ts';
import type { Platform } from '../../../src/core/platform-port.ts';
import { botHealth } from '../../../src/ops/health.ts';
import { healthRoute, startHealthServer, type HealthServer } from '../../../src/ops/health-server.ts';
import { APP_ID, FakeDiscord, GUILD_ID } from './fake-discord.ts';
import { until } from '../../helpers/until.ts';

let fake: FakeDiscord;
let app: TestApp;
let platform: Platform;
let server: HealthServer;

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.listen();
  app = await openTestApp();
  platform = createDiscordPlatform({ token: 'fake-token', appId: APP_ID, guildId: GUILD_ID, apiUrl: fake.apiUrl, dispatcher: app.dispatcher, commands, log: app.log });
  server = await startHealthServer({
    port: 0,
    host: '127.0.0.1',
    handle: healthRoute(botHealth({ db: app.database.db, platforms: [platform], log: app.log }), app.log),
  });
});

afterEach(async () => {
  await server.close();
  await platform.stop();
  await fake.close();
  await app.close();
});

/** Waits (bounded) until the client's gateway connection is held before HELLO. */
async function heldConnection(): Promise<void> {
  await until(() => fake.heldConnections > 0, () => 'the client opened a gateway connection', 10_000);
}

describe('/healthz with Discord', () => {
  it('is 503 "disconnected" before start, 503 "connecting" until READY, then 200 with the database ok', async () => {
    const before = await probe(server.port);
    expect(before.status).toBe(503);
    expect(before.body.platforms).toEqual({ discord: 'disconnected' });

    fake.holdGateway = true;
    const starting = platform.start();
    await heldConnection();
    const connecting = await probe(server.port);
    expect(connecting.status).toBe(503);
    expect(connecting.body).toMatchObject({ status: 'unhealthy', problems: ['discord: connecting'], platforms: { discord: 'connecting' }, database: { ok: true } });

    fake.releaseGateway();
    await starting;
    const ready = await probeUntil(server.port, (p) => p.status === 200);
    expect(ready.body).toMatchObject({ status: 'ok', problems: [], platforms: { discord: 'connected' }, database: { ok: true } });
    expect(ready.body.database.ms).toBeGreaterThanOrEqual(0);
  });

  it('is 503 while the gateway is dropped and not resumed, 200 again once resumed, 503 "disconnected" after stop', async () => {
    await platform.start();
    expect((await probeUntil(server.port, (p) => p.status === 200)).body.platforms).toEqual({ discord: 'connected' });

    fake.holdGateway = true;
    fake.drop(4000);
    const dropped = await probeUntil(server.port, (p) => p.status === 503);
    expect(dropped.body.platforms.discord).not.toBe('connected');
    expect(dropped.body.problems).toEqual([`discord: ${dropped.body.platforms.discord}`]);

    fake.releaseGateway();
    expect((await probeUntil(server.port, (p) => p.status === 200)).body.platforms).toEqual({ discord: 'connected' });

    await platform.stop();
    const stopped = await probe(server.port);
    expect(stopped.status).toBe(503);
    expect(stopped.body.platforms).toEqual({ discord: 'disconnected' });
  });
});
