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
  | 'import_invalid'
  | 'internal';

export class EnrollbotError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnrollbotError';
    this.code = code;
  }
}
