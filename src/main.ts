/**
 * `npm start`: the bot. With no platform credentials it runs the console;
 * with Slack or Discord credentials it runs those (and the console only with
 * `--console`).
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
  for (const p of platforms) await p.start();
  if (!wantsConsole) {
    await untilSignal();
    for (const p of platforms) await p.stop();
    await app.close();
    return 0;
  }
  const consolePlatform = createConsolePlatform({
    dispatcher: app.dispatcher,
    input: process.stdin,
    output: process.stdout,
    interactive,
    imageDir: join(dirname(app.database.file ?? 'data/x'), 'images'),
  });
  await consolePlatform.start();
  await consolePlatform.finished;
  for (const p of platforms) await p.stop();
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
