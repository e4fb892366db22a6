/** Applying the static migration registry. */
import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import { EnrollbotError } from '../core/errors.ts';
import type { Database } from './schema.ts';

/**
 * Brings the schema to the latest migration or throws, naming the migration
 * that failed. Safe to call at every start: applied migrations are skipped.
 */
export async function migrateToLatestOrThrow(db: Kysely<Database>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new EnrollbotError('migration_failed', `migration ${failed} failed: ${String((error as Error).message ?? error)}`, {
      cause: error,
    });
  }
  return results ?? [];
}
