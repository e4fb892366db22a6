/** `npm run cli -- discord deploy` and `npm start` with Discord credentials, as real processes against the fake Discord. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType as T, type APIEmbed } from 'discord.js';
import { commands } from '../../../commands/index.ts';
import { buildSlashCommands } from '../../../src/platforms/discord/slash-commands.ts';
import { APP_ID, FakeDiscord, GUILD_ID } from './fake-discord.ts';
import { testDatabaseUrl } from '../../helpers/database.ts';
import { until } from '../../helpers/until.ts';

const ROOT = join(import.meta.dirname, '../../..');

function run(
  script: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', HOME: process.env.HOME!, ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { child, done, stderr: () => err };
}

describe('Discord entry points', () => {
  let fake: FakeDiscord;
  let dir: string;

  beforeAll(async () => {
    fake = new FakeDiscord();
    await fake.listen();
    dir = mkdtempSync(join(tmpdir(), 'enrollbot-discord-'));
  });

  afterAll(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cli discord deploy overwrites the global commands when no guild is set', async () => {
    const { done } = run('src/cli.ts', ['discord', 'deploy'], {
      DATABASE_URL: await testDatabaseUrl(dir, 'cli'),
      DISCORD_TOKEN: 'cli-token',
      DISCORD_APP_ID: APP_ID,
      DISCORD_API_URL: fake.apiUrl,
    });
    const r = await done;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('registered /enroll, /enroll-admin globally');
    const put = fake.requests.find((q) => q.method === 'PUT');
    expect(put?.path).toBe(`/applications/${APP_ID}/commands`);
    expect(put?.body).toEqual(JSON.parse(JSON.stringify(buildSlashCommands(commands))));
  });

  it('cli discord deploy without credentials says what to set', async () => {
    const r = await run('src/cli.ts', ['discord', 'deploy'], { DATABASE_URL: await testDatabaseUrl(dir, 'cli') }).done;
    expect(r.code).toBe(2);
    expect(r.err).toContain('DISCORD_TOKEN');
  });

  it('npm start with Discord credentials registers in the guild, answers /enroll and stops on SIGTERM', async () => {
    const from = fake.requests.length;
    const { child, done, stderr } = run('src/main.ts', [], {
      DATABASE_URL: await testDatabaseUrl(dir, 'main'),
      DISCORD_TOKEN: 'main-token',
      DISCORD_APP_ID: APP_ID,
      DISCORD_GUILD_ID: GUILD_ID,
      DISCORD_API_URL: `${fake.apiUrl}/`,
      LOG_LEVEL: 'info',
    });
    try {
      const put = await fake.waitFor((q) => q.method === 'PUT', from, 20_000);
      expect(put.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
      // The bot says when its gateway session is ready (READY received).
      await until(() => stderr().includes('"msg":"discord: connected"'), () => `the bot connected; it logged: ${stderr().slice(-500)}`, 20_000);
      expect(fake.frames.some((f) => f.op === 2 && (f.d as { token: string }).token === 'main-token')).toBe(true);
      const { id } = fake.slash({ id: '800000000000000009', username: 'guest' }, [{ type: T.Subcommand, name: 'help', options: [] }], { locale: 'en-US' });
      const cb = await fake.waitFor((q) => q.path.startsWith(`/interactions/${id}/`), from, 20_000);
      const embed = (cb.body as { data: { embeds: APIEmbed[] } }).data.embeds[0]!;
      expect(embed.description).toContain('• board');
    } finally {
      child.kill('SIGTERM');
    }
    const r = await done;
    expect(r.code).toBe(0);
  });
});
