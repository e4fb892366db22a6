/**
 * `npm start` (console mode, piped stdin) stops cleanly on SIGTERM and SIGINT;
 * with `PORT` set it answers `/healthz` (on a server of its own in the console,
 * on Slack's own server in Slack HTTP mode) until it stops.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDir, openTestApp } from './helpers/app.ts';
import { testDatabaseUrl } from './helpers/database.ts';
import { probe } from './helpers/health.ts';
import { startFakeSlack } from './platforms/slack/fake-slack.ts';

const ROOT = join(import.meta.dirname, '..');
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ENROLLBOT_DEMO: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (pattern: RegExp, count = 1) => {
    for (let i = 0; i < 600; i++) {
      if ((out.match(new RegExp(pattern, 'g')) ?? []).length >= count) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; stdout so far:\n${out}\nstderr:\n${err}`);
  };
  /** The port a log line (JSON on stderr) with `msg` names, once it is logged. */
  const loggedPort = async (msg: string): Promise<number> => {
    for (let i = 0; i < 600; i++) {
      // Whole lines only: the last may still be arriving.
      const line = err.split('\n').slice(0, -1).find((l) => l.includes(`"msg":"${msg}"`));
      if (line) return (JSON.parse(line) as { port: number }).port;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for "${msg}"; stderr so far:\n${err}`);
  };
  return { child, done, waitFor, loggedPort, out: () => out, err: () => err };
}

describe('npm start in console mode', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: stops taking commands, finishes the one in flight, closes the database, exits 0`, async () => {
      dir = await makeDir();
      const url = await testDatabaseUrl(dir);
      const bot = start({ DATABASE_URL: url });
      bot.child.stdin.write('township add 甲镇 target 100\npay 3 in 甲镇\n');
      await bot.waitFor(/已登记 #\d+/);
      // One more command, and the signal right behind it: it is either done
      // in full (and confirmed) or not at all, never half.
      bot.child.stdin.write('pay 2 in 甲镇\n');
      bot.child.kill(signal);
      const { code } = await bot.done;
      expect(bot.err()).toBe('');
      expect(code).toBe(0);
      const confirmed = (bot.out().match(/已登记 #\d+/g) ?? []).length;
      expect(confirmed).toBeGreaterThanOrEqual(1);

      // The database was closed cleanly and holds exactly what was confirmed.
      const app = await openTestApp({ dir });
      try {
        const rows = await app.database.db.selectFrom('ledger_entry').select('people').orderBy('id').execute();
        expect(rows).toHaveLength(confirmed);
        expect((await app.say('admin', 'c', 'progress 甲镇')).text).toContain(`甲镇：已缴 ${confirmed === 1 ? 3 : 5}/100人`);
      } finally {
        await app.close();
      }
    });
  }
});

describe('npm start with PORT: /healthz', () => {
  it('in the console, serves /healthz on a server of its own: 200 with the database ok, then SIGTERM exits 0', async () => {
    dir = await makeDir();
    // PORT=0: any free port, which the (debug) log names.
    const bot = start({ DATABASE_URL: await testDatabaseUrl(dir), PORT: '0', LOG_LEVEL: 'debug' });
    try {
      const port = await bot.loggedPort('health listening');
      const { status, body } = await probe(port);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ok', database: { ok: true }, platforms: {}, lastRuns: { board: null } });
    } finally {
      bot.child.kill('SIGTERM');
    }
    const { code } = await bot.done;
    expect(code).toBe(0);
    expect(bot.err()).not.toContain('"level":"error"');
  });

  it('in Slack HTTP mode, answers /healthz on the Slack server itself, with slack connected', async () => {
    dir = await makeDir();
    const fake = await startFakeSlack();
    try {
      const bot = start({
        DATABASE_URL: await testDatabaseUrl(dir),
        SLACK_BOT_TOKEN: 'xoxb-main',
        SLACK_SIGNING_SECRET: 'main-secret',
        SLACK_API_URL: fake.apiUrl,
        PORT: '0',
      });
      try {
        const port = await bot.loggedPort('slack listening');
        const { status, body } = await probe(port);
        expect(status).toBe(200);
        expect(body).toMatchObject({ status: 'ok', database: { ok: true }, platforms: { slack: 'connected' } });
        expect(bot.err()).not.toContain('health listening');
      } finally {
        bot.child.kill('SIGTERM');
      }
      const { code } = await bot.done;
      expect(code).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
