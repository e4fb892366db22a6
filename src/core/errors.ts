/**
 * Coded errors, as in bolt-js: callers switch on `code`, never on message text.
 * Messages here are for operators (logs, CLI), not chat users: chat users get
 * localized refusals (see `Refusal`).
 */
export type ErrorCode =
  | 'config_invalid'
  | 'migration_failed'
  | 'schedule_invalid'
  | 'platform_error'
  /** The platform asked to wait before the next message (see `RateLimited`). */
  | 'rate_limited'
  | 'import_invalid'
  /** A lapse screening of a month whose contributions were never imported (it would open a case for everyone). */
  | 'lapse_month_not_imported'
  /** The database has no campaign: it was never migrated and seeded. */
  | 'not_set_up'
  /** A command's declaration cannot work (a clash of words, a name a platform refuses): found at start. */
  | 'command_definition'
  /** Stored data does not read back (a sealed value cut short, not sealed at all). */
  | 'data_corrupt'
  /** A broken invariant: a bug, never the user's doing. */
  | 'internal';

export class EnrollbotError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnrollbotError';
    this.code = code;
  }
}
