/**
 * `npm start`: the bot. With no platform credentials it runs the console;
 * with Slack or Discord credentials it runs those (and the console only with
 * `--console`). Beside the chat run the outbox worker and the schedules.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from './config.ts';
import { openApp } from './app.ts';
import { jsonLogger } from './core/logger.ts';
import { createConsolePlatform } from './platforms/console/console-platform.ts';
import { commands } from '../commands/index.ts';
import { createDiscordPlatform } from './platforms/discord/discord-platform.ts';
import { createSlackPlatform } from './platforms/slack/slack-platform.ts';
import type { Platform } from './platforms/platform.ts';
import { startBackground, type Background } from './background.ts';

/** Settles on the first SIGINT or SIGTERM. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve(sig));
  });
}

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const wantsConsole = process.argv.includes('--console') || (!config.slack && !config.discord);
  const interactive = process.stdin.isTTY === true;
  // In the console the chat is on stdout; logs below warn would drown it.
  const log = jsonLogger(wantsConsole && config.logLevel === 'info' ? 'warn' : config.logLevel);
  const app = await openApp({ config, log, seedDemo: wantsConsole, consoleAdmin: wantsConsole });
  const platforms: Platform[] = [];
  if (config.slack) platforms.push(createSlackPlatform({ slack: config.slack, dispatcher: app.dispatcher, log }));
  if (config.discord) platforms.push(createDiscordPlatform({ ...config.discord, dispatcher: app.dispatcher, commands, log }));
  const consolePlatform = wantsConsole
    ? createConsolePlatform({
        dispatcher: app.dispatcher,
        input: process.stdin,
        output: process.stdout,
        interactive,
        imageDir: join(dirname(app.database.file ?? 'data/x'), 'images'),
      })
    : null;
  if (consolePlatform) platforms.push(consolePlatform);
  const started: Platform[] = [];
  let background: Background | undefined;
  try {
    // The outbox worker and the board schedule run in the console too, so
    // scheduled and late posts print there with their channel's name.
    background = await startBackground({ app, config, platforms, log });
    for (const platform of platforms) {
      await platform.start();
      started.push(platform);
    }
    // The console ends the process when its input ends; chat platforms run until a signal.
    await (consolePlatform ? Promise.race([consolePlatform.finished, shutdownSignal()]) : shutdownSignal());
    // Deliver what is already due (a late board, a `board post`) before exiting.
    await background.stop({ drain: true, timeoutMs: 15_000 });
    background = undefined;
  } finally {
    await background?.stop().catch(() => {});
    for (const platform of started.reverse()) await platform.stop().catch(() => {});
    await app.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`enrollbot: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
