/**
 * `npm start` (console mode, piped stdin) stops cleanly on SIGTERM and SIGINT,
 * and warns when node was not given the app's flags;
 * with `PORT` set it answers `/healthz` (on a server of its own in the console,
 * on Slack's own server in Slack HTTP mode) until it stops.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDir, openTestApp } from './helpers/app.ts';
import { testDatabaseUrl } from './helpers/database.ts';
import { probe } from './helpers/health.ts';
import { SLACK_LISTENING, slackPort, startBot, type BotProcess } from './helpers/bot-process.ts';
import { startFakeSlack } from './platforms/slack/fake-slack.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const confirmations = (bot: BotProcess) => bot.stdout.filter((l) => /已登记 #\d+/.test(l)).length;

describe('npm start in console mode', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: stops taking commands, finishes the one in flight, closes the database, exits 0`, async () => {
      dir = await makeDir();
      const url = await testDatabaseUrl(dir);
      const bot = await startBot({ env: { DATABASE_URL: url } });
      bot.child.stdin.write('township add 甲镇 target 100\npay 3 in 甲镇\n');
      await bot.waitForLine(/已登记 #\d+/);
      // One more command, and the signal right behind it: it is either done
      // in full (and confirmed) or not at all, never half.
      bot.child.stdin.write('pay 2 in 甲镇\n');
      bot.kill(signal);
      const { code } = await bot.exited;
      // Nothing but the holiday calendar's warning, which depends on today's
      // date (from December the lapse schedule reaches into next year).
      expect(bot.stderr.filter((l) => !l.includes('"msg":"holiday calendar does not cover a campaign or schedule year"')).join('\n')).toBe('');
      expect(code).toBe(0);
      const confirmed = confirmations(bot);
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
    const bot = await startBot({ env: { DATABASE_URL: await testDatabaseUrl(dir), PORT: '0', LOG_LEVEL: 'debug' } });
    try {
      const port = Number((await bot.waitForLog('health listening')).port);
      const { status, body } = await probe(port);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ok', database: { ok: true }, platforms: {}, lastRuns: { board: null } });
    } finally {
      bot.kill('SIGTERM');
    }
    const { code } = await bot.exited;
    expect(code).toBe(0);
    expect(bot.logs().filter((l) => l.level === 'error')).toEqual([]);
  });

  it('in Slack HTTP mode, answers /healthz on the Slack server itself, with slack connected', async () => {
    dir = await makeDir();
    const fake = await startFakeSlack();
    try {
      const bot = await startBot({ env: slackEnv(await testDatabaseUrl(dir), fake.apiUrl), readyWhen: SLACK_LISTENING });
      try {
        const { status, body } = await probe(await slackPort(bot));
        expect(status).toBe(200);
        expect(body).toMatchObject({ status: 'ok', database: { ok: true }, platforms: { slack: 'connected' } });
        expect(bot.logs().map((l) => l.msg)).not.toContain('health listening');
        expect(bot.logs().map((l) => l.msg)).not.toContain('this database holds the demo district');
      } finally {
        bot.kill('SIGTERM');
      }
      const { code } = await bot.exited;
      expect(code).toBe(0);
    } finally {
      await fake.close();
    }
  });
});

describe('npm start with a platform on the demo database', () => {
  it('warns that the boards will say 【演示数据】 and points at a new database', async () => {
    dir = await makeDir();
    const url = await testDatabaseUrl(dir);
    // The README's first step: the console seeds the demo into the database.
    const seeded = await openTestApp({ dir, demo: true });
    await seeded.close();
    const fake = await startFakeSlack();
    try {
      const bot = await startBot({ env: slackEnv(url, fake.apiUrl), readyWhen: SLACK_LISTENING });
      const warning = await bot.waitForLog('this database holds the demo district');
      expect(warning).toMatchObject({ level: 'warn' });
      expect(String(warning.hint)).toContain('Going live');
      expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await fake.close();
    }
  });
});

describe("npm start's node flags", () => {
  it('started as npm start starts it, answers without a warning about V8', async () => {
    dir = await makeDir();
    const bot = await startBot({ env: { DATABASE_URL: await testDatabaseUrl(dir) } });
    bot.child.stdin.write('township add 甲镇 target 100\npay 3 in 甲镇\n');
    await bot.waitForLine(/已登记 #\d+/);
    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(bot.logs().filter((e) => e.msg === 'node runs V8 with its default background threads')).toEqual([]);
  });

  it('started by plain node (a unit file of its own), warns and says how to start it', async () => {
    dir = await makeDir();
    const bot = await startBot({ env: { DATABASE_URL: await testDatabaseUrl(dir) }, nodeFlags: [] });
    const warning = await bot.waitForLog('node runs V8 with its default background threads');
    expect(warning).toMatchObject({ level: 'warn' });
    expect(String(warning.hint)).toContain('npm start');
    expect(String(warning.hint)).toContain('--v8-pool-size=1');
    // It still runs: the warning is advice, not a refusal.
    bot.child.stdin.write('township add 甲镇 target 100\npay 3 in 甲镇\n');
    await bot.waitForLine(/已登记 #\d+/);
    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

function slackEnv(databaseUrl: string, apiUrl: string): Record<string, string> {
  return { DATABASE_URL: databaseUrl, SLACK_BOT_TOKEN: 'xoxb-main', SLACK_SIGNING_SECRET: 'main-secret', SLACK_API_URL: apiUrl, PORT: '0' };
}
