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
import { startBackground } from './background.ts';

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const wantsConsole = process.argv.includes('--console') || (!config.slack && !config.discord);
  if (config.slack || config.discord) {
    throw new EnrollbotError('config_invalid', 'Slack and Discord adapters are not available in this version yet; unset their variables to run the console');
  }
  const interactive = process.stdin.isTTY === true;
  // In the console the chat is on stdout; logs below warn would drown it.
  const log = jsonLogger(wantsConsole && config.logLevel === 'info' ? 'warn' : config.logLevel);
  const app = await openApp({ config, log, seedDemo: wantsConsole, consoleAdmin: wantsConsole });
  const consolePlatform = createConsolePlatform({
    dispatcher: app.dispatcher,
    input: process.stdin,
    output: process.stdout,
    interactive,
    imageDir: join(dirname(app.database.file ?? 'data/x'), 'images'),
  });
  // The outbox worker and the board schedule run in the console too, so
  // scheduled and late posts print there with their channel's name.
  let background;
  try {
    background = await startBackground({ app, config, platforms: [consolePlatform], log });
  } catch (e) {
    await app.close();
    throw e;
  }
  await consolePlatform.start();
  await consolePlatform.finished;
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
