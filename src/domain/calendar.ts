/**
 * Business dates in the campaign's time zone. "Today" is always computed from
 * an instant and a zone, never from the server's local time.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock parts of an instant in a zone. */
export interface ZonedParts {
  date: string; // YYYY-MM-DD
  hour: number;
  minute: number;
  second: number;
}

export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

// Every zone's offset is a whole number of minutes, so a date cannot change
// within a minute: remembering the last minute per zone is exact, and spares
// Intl's formatter (the slowest step of a `pay`) on nearly every message.
const lastDate = new Map<string, { minute: number; date: string }>();

/** The business date (`YYYY-MM-DD`) of an instant in a zone. */
export function businessDate(instant: Date, timeZone: string): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  const hit = lastDate.get(timeZone);
  if (hit?.minute === minute) return hit.date;
  const date = zonedParts(instant, timeZone).date;
  lastDate.set(timeZone, { minute, date });
  return date;
}

/** True when the zone is one the runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA zone name as the runtime spells it (`asia/shanghai` → `Asia/Shanghai`),
 * or null when it is not one. Offsets (`+08:00`) are refused: a fixed offset
 * would ignore a region's daylight-saving rules, and newer runtimes accept them.
 */
export function canonicalTimeZone(text: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a strict `YYYY-MM-DD` that names a real calendar day. */
export function parseDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [, y, mo, d] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  const back = new Date(t);
  if (back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) {
    return null;
  }
  return text;
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `YYYY-MM-DD` plus n days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Days left to collect, counting today and the deadline day itself: on the
 * deadline one day is left, after it none.
 */
export function daysLeft(today: string, deadline: string): number {
  return Math.max(0, daysBetween(today, deadline) + 1);
}

/**
 * The UTC instant at which a wall-clock time on a date happens in a zone
 * (for zones with DST, the first such instant).
 */
export function zonedInstant(date: string, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
  // Correct the guess by the zone's offset at that moment, twice for DST edges.
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(new Date(t), timeZone);
    const asUtc = Date.parse(`${p.date}T${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}:00Z`);
    t += guess - asUtc;
  }
  return new Date(t);
}

/** The zone a new campaign starts in when `ENROLLBOT_TZ` is not set. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The zone a new database's campaign is seeded with: `ENROLLBOT_TZ`, else Asia/Shanghai. */
export function seedTimeZone(config: { timeZone: string | null }): string {
  return config.timeZone ?? DEFAULT_TIME_ZONE;
}
