/**
 * Working days in mainland China and the lapse schedule built on them.
 *
 * Public holidays and make-up working days (调休上班) come from the
 * `chinese-days` package, which carries the State Council's yearly notices
 * (国务院办公厅关于部分节假日安排的通知); `npm update chinese-days` brings a
 * newly published year. A year it does not cover yet (the notice comes out
 * in November for the next year) still keeps the statutory days of the
 * holiday regulation (全国年节及纪念日放假办法, as amended in 2024): without them
 * a scan could land in the Spring Festival. That year's bridging days and
 * make-up days are unknown until the notice, so the start log and `/healthz`
 * name every campaign or schedule year that is not covered.
 */
import { createRequire } from 'node:module';
import { addDays, businessDate, zonedInstant, zonedParts, daysBetween } from './calendar.ts';

interface DayTable {
  /** Days off (holidays and the days bridged to them), `YYYY-MM-DD` → name. */
  holidays: Record<string, string>;
  /** Weekend days that are working days, `YYYY-MM-DD` → name. */
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);
// A UMD bundle: Node's ESM loader sees none of its named exports.
const { getSolarDateFromLunar, getSolarTermDate } = require('chinese-days') as typeof import('chinese-days');
// The package's prebuilt table rather than its functions: its `isWorkday`
// reads a date string as UTC midnight and formats it in the server's zone,
// so on a server west of UTC every answer would be a day off.
const TABLE = require('chinese-days/dist/chinese-days.json') as DayTable;

/** The years the holiday table covers, ascending. */
export const HOLIDAY_YEARS: readonly number[] = [...new Set(Object.keys(TABLE.holidays).map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
const COVERED = new Set(HOLIDAY_YEARS);

/** True when the holiday table has the State Council's notice for `year`. */
export function isHolidayYearCovered(year: number): boolean {
  return COVERED.has(year);
}

/** The package's `getSolarTermDate` formats a UTC midnight in the server's zone: a day early west of UTC. */
const SERVER_BEHIND_UTC = new Date(Date.UTC(2000, 0, 1)).getDate() !== 1;

const statutoryCache = new Map<number, Set<string>>();

/**
 * The days off the holiday regulation fixes for a year (13 days since 2025):
 * New Year's Day, the Spring Festival's eve and first three days, Qingming,
 * 1–2 May, the Dragon Boat Festival, the Mid-Autumn Festival and 1–3 October.
 */
function statutoryHolidays(year: number): Set<string> {
  let days = statutoryCache.get(year);
  if (days) return days;
  // A local-noon Date: the package reads its local fields, alike in any server zone.
  const lunar = (month: number, day: number) => getSolarDateFromLunar(new Date(year, month - 1, day, 12)).date;
  const springFestival = lunar(1, 1);
  const qingming = getSolarTermDate(year, 4, 'pure_brightness');
  days = new Set([
    `${year}-01-01`,
    addDays(springFestival, -1),
    springFestival,
    addDays(springFestival, 1),
    addDays(springFestival, 2),
    SERVER_BEHIND_UTC ? addDays(qingming, 1) : qingming,
    `${year}-05-01`,
    `${year}-05-02`,
    lunar(5, 5),
    lunar(8, 15),
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`,
  ]);
  statutoryCache.set(year, days);
  return days;
}

/** True when `YYYY-MM-DD` is a working day. */
export function isWorkday(date: string): boolean {
  if (isHolidayYearCovered(Number(date.slice(0, 4)))) {
    if (TABLE.workdays[date] !== undefined) return true;
    if (TABLE.holidays[date] !== undefined) return false;
  } else if (statutoryHolidays(Number(date.slice(0, 4))).has(date)) {
    return false;
  }
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

/**
 * The years that the campaign (start to deadline) and the lapse schedule
 * (this month, and next month's scan) reach and the holiday table does not
 * cover, ascending; empty when all are covered.
 */
export function uncoveredHolidayYears(input: { start: string; deadline: string; now: Date; timeZone: string }): number[] {
  const years = new Set<number>();
  const first = Number(input.start.slice(0, 4));
  const last = Number(input.deadline.slice(0, 4));
  for (let y = first; y <= last; y++) years.add(y);
  const today = businessDate(input.now, input.timeZone);
  years.add(Number(today.slice(0, 4)));
  if (today.slice(5, 7) === '12') years.add(Number(today.slice(0, 4)) + 1);
  return [...years].filter((y) => !isHolidayYearCovered(y)).sort((a, b) => a - b);
}

/** The date itself when it is a working day, else the next working day. */
export function nextWorkday(date: string): string {
  let d = date;
  while (!isWorkday(d)) d = addDays(d, 1);
  return d;
}

/** The monthly scan's day and time: the 5th at 09:00, moved to the next working day. */
export const MONTHLY_SCAN = { day: 5, hour: 9, minute: 0 } as const;

/** The date of the monthly scan in a month (`YYYY-MM`). */
export function monthlyScanDate(month: string): string {
  return nextWorkday(`${month}-${String(MONTHLY_SCAN.day).padStart(2, '0')}`);
}

/** The instant of the monthly scan in a month, in a zone. */
export function monthlyScanInstant(month: string, timeZone: string): Date {
  return zonedInstant(monthlyScanDate(month), MONTHLY_SCAN.hour, MONTHLY_SCAN.minute, timeZone);
}

/** The first monthly scan strictly after an instant. */
export function nextMonthlyScanAt(after: Date, timeZone: string): Date {
  const month = businessDate(after, timeZone).slice(0, 7);
  const here = monthlyScanInstant(month, timeZone);
  if (here.getTime() > after.getTime()) return here;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return monthlyScanInstant(next, timeZone);
}

/** Reminders go out on working days between 08:30 and 20:30 only. */
export const REMINDER_WINDOW = { from: 8 * 60 + 30, to: 20 * 60 + 30 } as const;

/** True when a reminder may be sent at this instant. */
export function isReminderTime(instant: Date, timeZone: string): boolean {
  const p = zonedParts(instant, timeZone);
  const minutes = p.hour * 60 + p.minute;
  return isWorkday(p.date) && minutes >= REMINDER_WINDOW.from && minutes < REMINDER_WINDOW.to;
}

/**
 * True when the periodic re-reminder of open cases is due: in the reminder
 * window, and at least `intervalDays` calendar days after the last one.
 */
export function reminderDue(now: Date, last: Date | null, timeZone: string, intervalDays = 7): boolean {
  if (!isReminderTime(now, timeZone)) return false;
  if (!last) return true;
  return daysBetween(businessDate(last, timeZone), businessDate(now, timeZone)) >= intervalDays;
}
