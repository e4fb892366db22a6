/**
 * Test harness: a real app on a real database: a SQLite file in a temp folder,
 * or a fresh PostgreSQL database when ENROLLBOT_TEST_DATABASE_URL is set
 * (see `database.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config.ts';
import { openApp, type App } from '../../src/app.ts';
import { memoryLogger } from '../../src/core/logger.ts';
import { consoleMessage, createConsolePlatform } from '../../src/platforms/console/console-platform.ts';
import type { Reply } from '../../src/core/reply.ts';
import { dropTestDatabase, testDatabaseUrl } from './database.ts';

export interface TestApp extends App {
  dir: string;
  /** The app's DATABASE_URL (for a second process on the same database). */
  databaseUrl: string;
  log: ReturnType<typeof memoryLogger>;
  /** Sends a line as a console user in a channel; a fresh message id unless given. */
  say(user: string, channel: string, text: string, messageId?: string): Promise<Reply>;
  /** Moves the clock. */
  setNow(d: Date): void;
}

let counter = 0;

export async function makeDir(): Promise<string> {
  return mkdtempSync(join(tmpdir(), 'enrollbot-test-'));
}

/**
 * Opens an app; by default an empty (non-demo) database at 2026-11-23 10:00
 * Asia/Shanghai, of its own, removed on close, its boards read on the
 * event loop (`boardThread: true`: on the board thread, as the bot does). Apps given the same `dir`
 * share one database, which outlives them (the test removes `dir`).
 */
export async function openTestApp(
  opts: { env?: Record<string, string>; now?: Date; dir?: string; demo?: boolean; boardThread?: boolean } = {},
): Promise<TestApp> {
  const dir = opts.dir ?? (await makeDir());
  let now = opts.now ?? new Date('2026-11-23T02:00:00Z');
  const databaseUrl = await testDatabaseUrl(dir);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ENROLLBOT_DEMO: opts.demo ? '1' : '0',
    // The test worker's key folder (test/setup.ts), apart from every database: keys are named by fingerprint, so apps share it.
    ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR!,
    ...opts.env,
  });
  const log = memoryLogger();
  // The board thread only where a test asks for it: each start compiles the board's code anew (about a second).
  const app = await openApp({ config, log, now: () => now, seedDemo: true, consoleAdmin: true, boardThread: opts.boardThread ?? false });
  return {
    ...app,
    dir,
    databaseUrl,
    log,
    setNow: (d) => (now = d),
    say: (user, channel, text, messageId) =>
      app.dispatcher.handle(consoleMessage({ user, channel, text, messageId: messageId ?? `test:${++counter}` })),
    close: async () => {
      await app.close();
      if (!opts.dir) {
        await dropTestDatabase(databaseUrl);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs a script through the console platform with injected streams; returns what it printed. */
export async function runConsoleScript(app: App, script: string, imageDir = tmpdir()): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString('utf8')));
  const platform = createConsolePlatform({ dispatcher: app.dispatcher, input, output, interactive: false, imageDir });
  await platform.start();
  input.end(script);
  await platform.finished;
  return printed;
}
