/**
 * Recognising database errors the same way on SQLite and PostgreSQL, by
 * their codes (never by message text, which differs by version and locale).
 */

/** A unique constraint refused the row (SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY, PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The transaction lost a race the server resolved by aborting it
 * (PostgreSQL: serialization failure 40001, deadlock 40P01): running the same
 * work again is correct and will usually succeed.
 */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}
