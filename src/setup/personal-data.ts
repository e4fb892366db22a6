/**
 * Opening a database's personal data: its key (checked against the stored
 * fingerprint, generated or moved into the key folder) and, once, the sealing
 * of anything an older version kept in clear. Every process that touches
 * people (the bot, a CLI import) starts here, the same way.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../core/logger.ts';
import { nightlyBackupDir } from '../ops/nightly-backup.ts';
import { openPiiKey, type PiiKeys } from './pii-key.ts';
import { protectStoredData } from './protect-at-rest.ts';

/** The database's personal-data keys; a database started with another key than its own stops here, changed in nothing. */
export async function openPersonalData(input: {
  db: Kysely<Database>;
  /** The SQLite file, when the database is one. */
  file: string | undefined;
  dialect: 'sqlite' | 'postgres';
  config: Pick<Config, 'piiKey' | 'keyDir' | 'backup'>;
  log: Logger;
}): Promise<PiiKeys> {
  const { db, file, config, log } = input;
  const pii = await openPiiKey({
    db,
    configured: config.piiKey,
    keyDir: config.keyDir,
    databaseFile: file,
    forbiddenDirs: file ? [nightlyBackupDir(config.backup.dir, file)] : [],
    log,
  });
  await protectStoredData(db, { sealer: pii.sealer, sqlite: input.dialect === 'sqlite', log });
  return pii;
}
