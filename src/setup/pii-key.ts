/**
 * The key for hashing ID numbers: `ENROLLBOT_PII_KEY`, or else a key
 * generated once and kept in a file beside the SQLite database
 * (`data/enrollbot.pii-key` for `data/enrollbot.db`). Losing the key means
 * imported people no longer match, so its creation is logged loudly.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { EnrollbotError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/** Where the generated key of a database file lives. */
export function piiKeyFile(databaseFile: string): string {
  return join(dirname(databaseFile), `${basename(databaseFile, extname(databaseFile))}.pii-key`);
}

/**
 * The key to hash ID numbers with, without writing anything: the configured
 * one, the database's key file, or a new key with `save` to keep it (call it
 * only once the data hashed with it is kept: a refused import leaves no file).
 */
export function piiKeyForImport(input: { configured: string | null; databaseFile: string | undefined; log: Logger }): {
  key: string;
  save: (() => void) | null;
} {
  if (input.configured) return { key: input.configured, save: null };
  if (!input.databaseFile) {
    throw new EnrollbotError('config_invalid', 'ENROLLBOT_PII_KEY must be set when the database is not a SQLite file');
  }
  const file = piiKeyFile(input.databaseFile);
  if (existsSync(file)) return { key: readKeyFile(file), save: null };
  const key = randomBytes(32).toString('hex');
  const save = () => {
    try {
      writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process made a key meanwhile: ours hashed this import, so it must not be kept.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new EnrollbotError('config_invalid', `${file} was created by another process during this import: nothing was imported; import again`);
      }
      throw e;
    }
    input.log.warn('ENROLLBOT_PII_KEY is not set: generated a key for hashing ID numbers; back it up with the database', { file });
  };
  return { key, save };
}

function readKeyFile(file: string): string {
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new EnrollbotError('config_invalid', `${file} does not hold a usable key (expected 64 hex characters)`);
  return key;
}

/** The key to hash ID numbers with; creates the key file when there is neither. */
export function loadPiiKey(input: { configured: string | null; databaseFile: string | undefined; log: Logger }): string {
  if (input.configured) return input.configured;
  if (!input.databaseFile) {
    throw new EnrollbotError('config_invalid', 'ENROLLBOT_PII_KEY must be set when the database is not a SQLite file');
  }
  const file = piiKeyFile(input.databaseFile);
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length < 32) throw new EnrollbotError('config_invalid', `${file} does not hold a usable key (expected 64 hex characters)`);
    return key;
  }
  const key = randomBytes(32).toString('hex');
  // 'wx': never overwrite a key another process wrote a moment ago.
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw e;
  }
  input.log.warn('ENROLLBOT_PII_KEY is not set: generated a key for hashing ID numbers; back it up with the database', { file });
  return key;
}
