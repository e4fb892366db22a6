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

/** How log lines look: JSON lines for collectors, or plain text for a person at a terminal. */
export type LogFormat = 'json' | 'text';

const LEVELS: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

/** A field's value in a text line: text as it is, anything else as JSON. */
function fieldText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.message;
  return JSON.stringify(v) ?? String(v);
}

/**
 * Plain lines for a person (the CLI's default): `warn: <message> (key: value, …)`,
 * at or above a level, personal data masked as in the JSON lines.
 */
export function textLogger(level: LogLevel = 'info', out: { write(s: string): unknown } = process.stderr): Logger {
  const at = LEVELS[level];
  const line = (name: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[name] < at) return;
    const rest = Object.entries(fields ?? {}).map(([k, v]) => `${k}: ${fieldText(v)}`);
    out.write(redact(`${name}: ${msg}${rest.length ? ` (${rest.join(', ')})` : ''}\n`));
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** The logger a program asked for, in its format (`LOG_FORMAT`, or the program's own default). */
export function createLogger(format: LogFormat, level: LogLevel, out?: { write(s: string): unknown }): Logger {
  return format === 'json' ? jsonLogger(level, out) : textLogger(level, out);
}

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
