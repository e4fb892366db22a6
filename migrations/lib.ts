/**
 * Helpers shared by migrations. Frozen like the migrations themselves: change
 * behaviour only by adding a new helper, never by editing one in use.
 */
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** True when the migration runs against PostgreSQL. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * An integer surrogate key: SQLite's rowid alias, PostgreSQL's identity column.
 */
export function idColumn(db: Kysely<any>, c: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  const key = c.primaryKey();
  return isPostgres(db) ? key.generatedByDefaultAsIdentity() : key;
}
