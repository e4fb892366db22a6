/**
 * Composition: open and migrate the database, make sure the baseline exists,
 * seed the demo when asked, and build the dispatcher. Shared by `npm start`,
 * the CLI, the tests and the bench, so they all run the same code.
 */
import type { Config } from './config.ts';
import { seedTimeZone } from './domain/calendar.ts';
import { findCurrentCampaign } from './store/campaigns.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatestOrThrow } from './db/migrate.ts';
import { ensureBaseline } from './setup/baseline.ts';
import { seedDemoDistrict } from './demo/demo-district.ts';
import { getSetting } from './store/settings.ts';
import { createDispatcher, type Dispatcher } from './core/dispatcher.ts';
import { validateCommands } from './core/registry.ts';
import { commands } from '../commands/index.ts';
import type { Logger } from './core/logger.ts';
import type { PiiKeys } from './setup/pii-key.ts';
import { openPersonalData } from './setup/personal-data.ts';
import { startBoardThread, type BoardThread } from './board/plan-thread.ts';

export interface App {
  database: DatabaseHandle;
  dispatcher: Dispatcher;
  demo: boolean;
  /** The personal-data key (checked against the database's fingerprint) and what is derived from it. */
  pii: PiiKeys;
  /** The key group robots' URLs and secrets are sealed with, derived from the personal-data key. */
  robotKey(): Uint8Array;
  /** The thread a post's boards are read on (null: read on the event loop; see `AppOptions.boardThread`). */
  boardThread: BoardThread | null;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  log: Logger;
  now?: () => Date;
  /** Seed the demo district into a new database (console mode, unless ENROLLBOT_DEMO=0). */
  seedDemo: boolean;
  /** Make the console user `admin` an admin (console mode). */
  consoleAdmin: boolean;
  /**
   * Read the boards of a post (`board post`, the schedule) on a thread of
   * their own with a read-only connection, off the event loop that answers
   * payments (default on). The tests turn it off where they do not test it:
   * starting the thread costs about a second of compiling.
   */
  boardThread?: boolean;
}

export async function openApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  validateCommands(commands);
  const database = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatestOrThrow(database.db);
    const { created, adminsAdded, adminsRemoved } = await ensureBaseline(database.db, {
      areaName: config.areaName,
      areaKind: config.areaKind,
      timeZone: seedTimeZone(config),
      now: now(),
      admins: config.admins,
      consoleAdmin: options.consoleAdmin,
    });
    // ENROLLBOT_TZ only seeds a new database: once the campaign exists its own
    // zone governs, and a setting that says otherwise is a mistake to point out.
    const zone = (await findCurrentCampaign(database.db))?.time_zone;
    if (config.timeZone !== null && zone !== undefined && zone !== config.timeZone) {
      log.warn('ENROLLBOT_TZ differs from the campaign\'s time zone, which is the one used; change it with: campaign zone <IANA zone>', {
        configured: config.timeZone,
        campaign: zone,
      });
    }
    if (adminsAdded.length) log.info('admins granted from ENROLLBOT_ADMINS', { admins: adminsAdded });
    if (adminsRemoved.length) log.warn('admins no longer in ENROLLBOT_ADMINS lost the admin role', { admins: adminsRemoved });
    if (created && options.seedDemo && config.demo) {
      await seedDemoDistrict(database.db, now());
      log.info('new database seeded with the demo district', { database: database.file ?? 'postgres' });
    }
    // The key before anything else touches personal data: a database started
    // with another key than its own stops here, changed in nothing.
    const pii = await openPersonalData({ db: database.db, file: database.file, dialect: database.dialect, config, log });
    const demo = (await getSetting(database.db, 'demo')) === '1';
    const robotKey = () => pii.robotKey;
    const dispatcher = createDispatcher({
      db: database.db,
      now,
      commands,
      defaultLocale: config.locale,
      settings: { demo, robotKey, sealer: () => pii.sealer },
      log,
    });
    const boardThread =
      options.boardThread === false
        ? null
        : startBoardThread({
            db: database.db,
            url: config.databaseUrl,
            onError: (message) => log.warn('the board thread could not read a post; it was read on the main thread', { err: message }),
          });
    return {
      database,
      dispatcher,
      demo,
      pii,
      robotKey,
      boardThread,
      close: async () => {
        await boardThread?.close();
        await database.close();
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}
