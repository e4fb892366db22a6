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
import { EnrollbotError } from './core/errors.ts';
import { commands } from '../commands/index.ts';
import { createDiscordPlatform } from './platforms/discord/discord-platform.ts';
import type { Platform } from './platforms/platform.ts';
import { startBackground } from './background.ts';

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const wantsConsole = process.argv.includes('--console') || (!config.slack && !config.discord);
  if (config.slack) {
    throw new EnrollbotError('config_invalid', 'the Slack adapter is not available in this version yet; unset its variables to run the console');
  }
  const interactive = process.stdin.isTTY === true;
  // In the console the chat is on stdout; logs below warn would drown it.
  const log = jsonLogger(wantsConsole && config.logLevel === 'info' ? 'warn' : config.logLevel);
  const app = await openApp({ config, log, seedDemo: wantsConsole, consoleAdmin: wantsConsole });
  const platforms: Platform[] = [];
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
  // The outbox worker and the board schedule run in the console too, so
  // scheduled and late posts print there with their channel's name.
  let background;
  try {
    background = await startBackground({ app, config, platforms: consolePlatform ? [...platforms, consolePlatform] : platforms, log });
    for (const p of platforms) await p.start();
  } catch (e) {
    await background?.stop();
    await app.close();
    throw e;
  }
  if (consolePlatform) {
    await consolePlatform.start();
    await consolePlatform.finished;
  } else {
    await untilSignal();
  }
  for (const p of platforms) await p.stop();
  // Deliver what is already due (a late board, a `board post`) before exiting.
  await background.stop({ drain: true, timeoutMs: 15_000 });
  await app.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`enrollbot: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
