/** The logging port: structured lines, never personal data in clear. */
import { redact } from '../domain/mask.ts';

/** Where operational events go. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

/** JSON lines on a stream (stderr by default), at or above a level. */
export function jsonLogger(level: LogLevel = 'info', out: { write(s: string): unknown } = process.stderr): Logger {
  const min = LEVELS[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    // Redacted as a whole line, so an ID inside an error message or a field is masked too.
    out.write(`${redact(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }))}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that keeps its lines in memory (tests scan them). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = jsonLogger('debug', { write: (s: string) => lines.push(s) });
  return Object.assign(logger, { lines });
}
