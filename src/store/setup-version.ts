/**
 * The setup version: a value changed in the same transaction as any change
 * of roles, bindings, areas, targets or the campaign, so every process's
 * cached setup (src/core/setup-cache.ts) sees the change at its next check.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { getSetting, putSetting } from './settings.ts';

const VERSION_KEY = 'setup_version';

/** Marks the setup as changed; run in the same transaction as the change. */
export async function bumpSetupVersion(db: Kysely<Database>): Promise<void> {
  await putSetting(db, VERSION_KEY, randomUUID());
}

/** The current setup version ('' before any change). */
export async function setupVersion(db: Kysely<Database>): Promise<string> {
  return (await getSetting(db, VERSION_KEY)) ?? '';
}
