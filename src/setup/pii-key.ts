/**
 * The personal-data key: the secret that keys the ID hash and, through
 * HKDF, seals roster names and phones. It is kept apart from the data, so
 * a copied database or backup gives back nothing:
 * - `ENROLLBOT_PII_KEY` (at least 32 characters), or else
 * - a generated key in a file of `ENROLLBOT_KEY_DIR` (default
 *   `~/.config/enrollbot/`), named by its fingerprint, owner-only; never
 *   beside the database and never in a backup.
 * The database keeps the key's fingerprint (HKDF of the key, which tells
 * nothing of it) and refuses to start with another key: a copy started
 * without its key would otherwise make a new one and hold every person twice
 * after the next import. A key file that older versions kept beside the
 * database is moved into the key folder at start.
 */
import { randomBytes, hkdfSync } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { EnrollbotError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { piiHasher, type PiiHasher } from '../domain/pii-hash.ts';
import { deriveSealKeys, piiSealer, type PiiSealer, type SealKeys } from '../domain/pii-seal.ts';
import { deriveKey } from '../domain/secret-box.ts';

/** HKDF's info for the robot secrets' key: a key of its own, derived from the same secret. */
const ROBOT_KEY_INFO = 'enrollbot robot secrets v1';
import { getSetting } from '../store/settings.ts';
import { ensurePrivateDir, FILE_MODE, makePrivate } from '../db/private-files.ts';

/** The setting that holds the key's fingerprint. */
export const PII_KEY_FINGERPRINT = 'pii_key_fingerprint';

/** The least a key may be: `ENROLLBOT_PII_KEY` is refused when shorter. */
export const PII_KEY_MIN_LENGTH = 32;

/** The key and what is derived from it. */
export interface PiiKeys {
  /** Names the key without revealing it (32 hex characters). */
  fingerprint: string;
  hasher: PiiHasher;
  sealer: PiiSealer;
  /** For an import's checking thread, which builds a sealer of its own. */
  sealKeys: SealKeys;
  /** The key group robots' webhook URLs and secrets are sealed with (`domain/secret-box`). */
  robotKey: Uint8Array;
}

/** The key's fingerprint: HKDF-SHA256 of the key for this one use, 128 bits in hex. */
export function piiKeyFingerprint(secret: string): string {
  return Buffer.from(hkdfSync('sha256', secret, 'enrollbot personal data', 'key fingerprint v1', 16)).toString('hex');
}

/** Everything derived from a key. */
export function piiKeys(secret: string): PiiKeys {
  const sealKeys = deriveSealKeys(secret);
  return {
    fingerprint: piiKeyFingerprint(secret),
    hasher: piiHasher(secret),
    sealer: piiSealer(sealKeys),
    sealKeys,
    robotKey: deriveKey(secret, ROBOT_KEY_INFO),
  };
}

/** `ENROLLBOT_KEY_DIR`, else `~/.config/enrollbot`. */
export function defaultKeyDir(): string {
  return join(homedir(), '.config', 'enrollbot');
}

/** The file of a generated key in the key folder, named by the key's fingerprint. */
export function keyFileIn(keyDir: string, fingerprint: string): string {
  return join(keyDir, `pii-${fingerprint}.key`);
}

/** Where versions before the key folder kept a generated key: beside the database (`data/enrollbot.pii-key`). */
export function legacyKeyFile(databaseFile: string): string {
  return join(dirname(databaseFile), `${basename(databaseFile, extname(databaseFile))}.pii-key`);
}

/** Why the key cannot be used: with what to do about it. */
export class PiiKeyError extends EnrollbotError {
  constructor(message: string) {
    super('config_invalid', message);
    this.name = 'PiiKeyError';
  }
}

function readKeyFile(file: string): string {
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < PII_KEY_MIN_LENGTH) throw new PiiKeyError(`${file} does not hold a usable key (expected 64 hex characters)`);
  return key;
}

function mismatch(stored: string, found: string, where: string): PiiKeyError {
  return new PiiKeyError(
    `this database's personal data is protected with the key of fingerprint ${stored}, but ${where} has fingerprint ${found}. ` +
      `Nothing was changed. Start it with its own key: set ENROLLBOT_PII_KEY to the key it was used with, or put the key file ` +
      `pii-${stored}.key back into ENROLLBOT_KEY_DIR (from where your keys are backed up). A new key would not match the people already imported.`,
  );
}

export interface OpenPiiKeyInput {
  db: Kysely<Database>;
  /** `ENROLLBOT_PII_KEY`. */
  configured: string | null;
  keyDir: string;
  /** The SQLite file, when the database is one (where an older version may have left its key). */
  databaseFile?: string;
  /** Folders that must never hold the key (the nightly backups'). */
  forbiddenDirs?: readonly string[];
  log: Logger;
}

/**
 * The database's key: checked against its stored fingerprint (a different
 * key is refused with how to restore the right one), generated into the key
 * folder for a new database, or moved there from beside the database.
 */
export async function openPiiKey(input: OpenPiiKeyInput): Promise<PiiKeys> {
  const { db, log } = input;
  const stored = (await getSetting(db, PII_KEY_FINGERPRINT)) ?? null;
  if (input.configured) {
    if (input.configured.length < PII_KEY_MIN_LENGTH) throw new PiiKeyError(`ENROLLBOT_PII_KEY must be at least ${PII_KEY_MIN_LENGTH} characters`);
    const keys = piiKeys(input.configured);
    if (stored && stored !== keys.fingerprint) throw mismatch(stored, keys.fingerprint, 'ENROLLBOT_PII_KEY');
    if (!stored) await claimFingerprint(db, keys.fingerprint);
    return keys;
  }
  const keyDir = resolve(input.keyDir);
  const near = [input.databaseFile ? dirname(input.databaseFile) : null, ...(input.forbiddenDirs ?? [])].filter((d): d is string => d !== null);
  if (near.some((d) => resolve(d) === keyDir)) {
    throw new PiiKeyError(`ENROLLBOT_KEY_DIR (${keyDir}) must not be the database's or the backups' folder: the key is kept apart from the data`);
  }
  const legacy = input.databaseFile ? legacyKeyFile(input.databaseFile) : null;
  if (legacy && existsSync(legacy)) {
    const secret = readKeyFile(legacy);
    const keys = piiKeys(secret);
    if (stored && stored !== keys.fingerprint) throw mismatch(stored, keys.fingerprint, `the key file ${legacy}`);
    const file = keyFileIn(keyDir, keys.fingerprint);
    writeKey(keyDir, file, secret);
    rmSync(legacy, { force: true });
    const copies = removeKeyCopies(input.forbiddenDirs ?? [], secret);
    log.warn('moved the personal-data key out of the database folder into the key folder; back it up apart from the database', {
      from: legacy,
      to: file,
      fingerprint: keys.fingerprint,
      removedCopies: copies,
    });
    if (!stored) await claimFingerprint(db, keys.fingerprint);
    return keys;
  }
  if (stored) {
    const file = keyFileIn(keyDir, stored);
    if (!existsSync(file)) {
      throw new PiiKeyError(
        `this database's personal data is protected with the key of fingerprint ${stored}, and ${file} is not there. ` +
          `Nothing was changed. Restore that file from where your keys are backed up (or set ENROLLBOT_PII_KEY to the key): ` +
          `a new key would not match the people already imported.`,
      );
    }
    const keys = piiKeys(readKeyFile(file));
    if (keys.fingerprint !== stored) throw mismatch(stored, keys.fingerprint, `the key file ${file}`);
    makePrivate(file);
    return keys;
  }
  // No fingerprint yet. People hashed by an older version whose key is gone cannot be matched by a new key.
  const people = await db.selectFrom('lapse_person').select('id').limit(1).executeTakeFirst();
  if (people) {
    throw new PiiKeyError(
      'this database holds imported people but its key is neither set nor beside it (an older version kept it as ' +
        `${legacy ?? '<database>.pii-key'}). Put that key file back beside the database, or set ENROLLBOT_PII_KEY to the key: ` +
        'a new key would not match the people already imported.',
    );
  }
  const secret = randomBytes(32).toString('hex');
  const keys = piiKeys(secret);
  const file = keyFileIn(keyDir, keys.fingerprint);
  writeKey(keyDir, file, secret);
  const claimed = await claimFingerprint(db, keys.fingerprint);
  if (claimed !== keys.fingerprint) {
    // Another process made the first key a moment ago: use that one.
    rmSync(file, { force: true });
    return openPiiKey(input);
  }
  // Info, not warn: every new database makes one (the console's demo too); the README says to back it up.
  log.info('ENROLLBOT_PII_KEY is not set: generated the personal-data key; back it up apart from the database (backups do not hold it)', {
    file,
    fingerprint: keys.fingerprint,
  });
  return keys;
}

/** Stores the fingerprint unless one is there; returns the one that is. */
async function claimFingerprint(db: Kysely<Database>, fingerprint: string): Promise<string> {
  await db
    .insertInto('setting')
    .values({ key: PII_KEY_FINGERPRINT, value: fingerprint })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getSetting(db, PII_KEY_FINGERPRINT))!;
}

function writeKey(keyDir: string, file: string, secret: string): void {
  ensurePrivateDir(keyDir, { own: true });
  if (existsSync(file)) {
    if (readKeyFile(file) !== secret) throw new PiiKeyError(`${file} holds another key than its name says: move it aside and start again`);
    makePrivate(file);
    return;
  }
  // 'wx': never overwrite a key another process wrote a moment ago.
  try {
    writeFileSync(file, `${secret}\n`, { mode: FILE_MODE, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  makePrivate(file);
}

/** Older versions copied the key beside each backup: those copies go once the key is in its folder. */
function removeKeyCopies(dirs: readonly string[], secret: string): number {
  let removed = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.pii-key')) continue;
      const path = join(dir, f);
      try {
        if (readFileSync(path, 'utf8').trim() === secret) {
          rmSync(path, { force: true });
          removed++;
        }
      } catch {
        // unreadable: not ours to judge
      }
    }
  }
  return removed;
}
