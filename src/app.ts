/**
 * Composition: open and migrate the database, make sure the baseline exists,
 * seed the demo when asked, and build the dispatcher. Shared by `npm start`,
 * the CLI, the tests and the bench, so they all run the same code.
 */
import type { Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatestOrThrow } from './db/migrate.ts';
import { ensureBaseline } from './setup/baseline.ts';
import { seedDemoDistrict } from './demo/demo-district.ts';
import { getSetting } from './store/settings.ts';
import { createDispatcher, type Dispatcher } from './core/dispatcher.ts';
import { validateCommands } from './core/registry.ts';
import { commands } from '../commands/index.ts';
import type { Logger } from './core/logger.ts';
import { loadPiiKey } from './setup/pii-key.ts';
import { deriveKey } from './domain/secret-box.ts';

export interface App {
  database: DatabaseHandle;
  dispatcher: Dispatcher;
  demo: boolean;
  /**
   * The key group robots' URLs and secrets are sealed with: derived from the
   * PII secret, loaded on first use (a deployment without robots never
   * needs it); throws `config_invalid` when there is no secret.
   */
  robotKey(): Uint8Array;
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
      timeZone: config.timeZone,
      now: now(),
      admins: config.admins,
      consoleAdmin: options.consoleAdmin,
    });
    if (adminsAdded.length) log.info('admins granted from ENROLLBOT_ADMINS', { admins: adminsAdded });
    if (adminsRemoved.length) log.warn('admins no longer in ENROLLBOT_ADMINS lost the admin role', { admins: adminsRemoved });
    if (created && options.seedDemo && config.demo) {
      await seedDemoDistrict(database.db, now());
      log.info('new database seeded with the demo district', { database: database.file ?? 'postgres' });
    }
    const demo = (await getSetting(database.db, 'demo')) === '1';
    let sealingKey: Uint8Array | undefined;
    const robotKey = () =>
      (sealingKey ??= deriveKey(loadPiiKey({ configured: config.piiKey, databaseFile: database.file, log }), 'enrollbot robot secrets v1'));
    const dispatcher = createDispatcher({
      db: database.db,
      now,
      commands,
      defaultLocale: config.locale,
      settings: { demo, robotKey },
      log,
    });
    return { database, dispatcher, demo, robotKey, close: () => database.close() };
  } catch (e) {
    await database.close();
    throw e;
  }
}
