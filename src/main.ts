/**
 * `npm start`: the bot. With no platform credentials it runs the console;
 * with Slack or Discord credentials it runs those (and the console only with
 * `--console`). Beside the chat run the outbox worker and the schedules.
 * `GET /healthz` answers on Slack's HTTP server, or, when `PORT` is set and
 * Slack does not listen, on a small server of its own.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataFolder, loadConfig } from './config.ts';
import { openApp } from './app.ts';
import { createLogger } from './core/logger.ts';
import { explainError } from './core/explain-error.ts';
import { gateDispatcher } from './core/in-flight.ts';
import { createConsolePlatform } from './platforms/console/console-platform.ts';
import { commands } from '../commands/index.ts';
import { createDiscordPlatform } from './platforms/discord/discord-platform.ts';
import { createSlackPlatform } from './platforms/slack/slack-platform.ts';
import type { Platform } from './core/platform-port.ts';
import { startBackground, type Background } from './background.ts';
import { botHealth } from './ops/health.ts';
import { HEALTH_PATH, healthRoute, startHealthServer, type HealthServer } from './ops/health-server.ts';
import { nightlyBackupDir } from './ops/nightly-backup.ts';
import { catalogue } from './i18n/index.ts';
import { createRobotPlatforms } from './robots/robot-platform.ts';
import { platformLookups } from './store/suggestions.ts';
import { getSetting, putSetting } from './store/settings.ts';
import { APP_NODE_FLAGS, v8PoolSize } from './ops/node-flags.ts';

/**
 * Resolves with the first SIGINT or SIGTERM. A second one finds no handler
 * and ends the process at once (the way to force a stuck shutdown).
 */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

const USAGE = `usage: npm start [-- --console]
  Runs the bot. With no Slack or Discord credentials it runs the local console
  (a chat in the terminal; a script on standard input when that is not a terminal);
  with them, it connects to Slack and Discord.
options:
  --console   run the local console too, beside Slack and Discord
  --help      this text
Configuration comes from the environment and .env (every variable: .env.example).
Logs are JSON lines on stderr (LOG_FORMAT=text for plain lines). Operations: npm run cli -- --help`;

const FLAGS = new Set(['--console', '--help', '-h']);

async function main(argv: string[]): Promise<number> {
  // Checked before anything starts: a mistyped flag must not run the bot without what was meant.
  const unknown = argv.find((a) => !FLAGS.has(a));
  if (unknown !== undefined) {
    process.stderr.write(`enrollbot: unknown ${unknown.startsWith('-') ? 'option' : 'argument'} "${unknown}"\n${USAGE}\n`);
    return 2;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const wantsConsole = argv.includes('--console') || (!config.slack && !config.discord);
  const interactive = process.stdin.isTTY === true;
  // In the console the chat is on stdout; logs below warn would drown it.
  const log = createLogger(config.logFormat ?? 'json', wantsConsole && config.logLevel === 'info' ? 'warn' : config.logLevel);
  if (v8PoolSize(process.execArgv, process.env.NODE_OPTIONS) === null) {
    // Started some other way than `npm start` (a unit file, a container's own command).
    log.warn('node runs V8 with its default background threads', {
      hint: `start the bot with npm start, or pass node ${APP_NODE_FLAGS.join(' ')}: during a board post those threads take the core payments are answered on (docs/operations.md)`,
    });
  }
  const signal = untilSignal();
  const app = await openApp({ config, log, seedDemo: wantsConsole, consoleAdmin: wantsConsole });
  if (app.demo && (config.slack || config.discord)) {
    log.warn('this database holds the demo district', {
      database: app.database.file ?? 'postgres',
      hint: 'its boards say 【演示数据】 with made-up townships; for real work use a new database (README: Going live)',
    });
  }
  // Every platform takes messages through the gate, so a shutdown can stop
  // them all at once and wait for what is in flight.
  const dispatcher = gateDispatcher(app.dispatcher);
  const platforms: Platform[] = [];
  const backupDir = app.database.file && config.backup.keep > 0 ? nightlyBackupDir(config.backup.dir, app.database.file) : null;
  // `/healthz` reports the chat platforms (not the console), read at each probe.
  const health = healthRoute(botHealth({ db: app.database.db, platforms, backupDir, log }), log);
  const lookups = platformLookups(app.database.db);
  const slack = config.slack ? createSlackPlatform({ slack: config.slack, dispatcher, log, otherPaths: health, lookups, locale: config.locale }) : null;
  if (slack) platforms.push(slack);
  if (config.discord) {
    const db = app.database.db;
    const registry = { read: (key: string) => getSetting(db, key), write: (key: string, value: string) => putSetting(db, key, value) };
    platforms.push(createDiscordPlatform({ ...config.discord, dispatcher, commands, log, lookups, registry }));
  }
  const consolePlatform = wantsConsole
    ? createConsolePlatform({
        dispatcher,
        input: process.stdin,
        output: process.stdout,
        interactive,
        // Beside the database (or ENROLLBOT_DATA_DIR), never the folder the bot was started in.
        imageDir: join(dataFolder(config, app.database.file), 'charts'),
      })
    : null;
  // Group robots are outbound only: always there, since an admin may add one at any time.
  let kick = () => {};
  const robots = createRobotPlatforms({
    db: app.database.db,
    key: app.robotKey,
    t: catalogue(config.locale),
    log,
    onQueued: () => kick(),
  });
  const outbound = [...platforms, ...robots, ...(consolePlatform ? [consolePlatform] : [])];
  const started: Platform[] = [];
  let background: Background | undefined;
  let healthServer: HealthServer | undefined;
  try {
    // Up before the platforms connect, so a probe sees them connecting (503) until they are.
    if (config.port !== null && slack?.mode !== 'http') {
      healthServer = await startHealthServer({ port: config.port, handle: health });
      log.info('health listening', { port: healthServer.port, path: HEALTH_PATH });
      // The console hides info logs: say where the probe answers (PORT=0 picks any port).
      if (consolePlatform && interactive) process.stdout.write(`${catalogue(config.locale).consoleHealth({ port: healthServer.port })}\n`);
    }
    // The outbox worker and the board schedule run in the console too, so
    // scheduled and late posts print there with their channel's name.
    background = await startBackground({ app, config, platforms: outbound, log });
    const worker = background.worker;
    kick = () => worker.kick();
    for (const platform of platforms) {
      await platform.start();
      started.push(platform);
    }
    // The board thread once the platforms listen: compiling it (seconds on a
    // busy machine) would slow the start, and a post meanwhile is read on the
    // event loop. Its failures are logged where they happen.
    void app.boardThread?.warm();
    await consolePlatform?.start();
    const ended = await Promise.race([signal, ...(consolePlatform ? [consolePlatform.finished.then(() => 'input ended' as const)] : [])]);
    log.info('shutting down', { reason: ended, inFlight: dispatcher.inFlight });
    // Stop taking commands, let those in flight finish (their replies still go
    // out), deliver what is already due (a late board, a `board post`), then
    // disconnect and close the database: every "recorded" the bot sent is
    // committed, and nothing is left half done.
    dispatcher.close();
    await consolePlatform?.stop();
    await dispatcher.drain();
    await background.stop({ drain: true, timeoutMs: 15_000 });
    background = undefined;
    log.info('stopped', { reason: ended });
  } finally {
    await background?.stop().catch(() => {});
    for (const platform of started.reverse()) await platform.stop().catch(() => {});
    await healthServer?.close();
    await app.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // The problem in words, never a stack or a bare errno.
    process.stderr.write(`enrollbot: ${explainError(e).message}\n`);
    process.exit(1);
  },
);
