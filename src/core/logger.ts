/**
 * The logging port: structured JSON lines (pino), never personal data in
 * clear. Code logs through `Logger` only, so the implementation can change.
 */
import pino from 'pino';
import { redact, redactFields } from '../domain/mask.ts';

/** Where operational events go. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * JSON lines on a stream (stderr by default), at or above a level (from
 * `LOG_LEVEL`). Each line has `time` (ISO-8601), `level` (its name, so a
 * reader needs no table of numbers), `msg`, pid and hostname (which replica),
 * then the fields. Writes are synchronous, so nothing is lost at exit.
 */
export function jsonLogger(level: LogLevel = 'info', out: { write(s: string): unknown } = process.stderr): Logger {
  const p = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The whole line once more, IDs and phones only: a last net for what
      // pino adds itself. Bank-card-length runs are masked field by field
      // below, where a channel's snowflake can be told from a card number.
      hooks: { streamWrite: (line) => redact(line, { cards: false }) },
    },
    out as pino.DestinationStream,
  );
  // Fields are redacted only for a line that is written: debug chatter below the level costs nothing.
  const at = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (p.isLevelEnabled(lvl)) p[lvl](fields ? redactFields(fields) : {}, redact(msg));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that keeps its lines in memory (tests scan them). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = jsonLogger('debug', { write: (s: string) => lines.push(s) });
  return Object.assign(logger, { lines });
}
