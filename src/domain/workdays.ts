/**
 * Working days in mainland China and the lapse schedule built on them.
 *
 * Public holidays and make-up working days (调休上班) come from the State
 * Council General Office's yearly notices:
 * - 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12);
 * - 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, Xinhua).
 * Years not listed fall back to Monday–Friday; add a year's notice here when it is published.
 */
import { addDays, businessDate, zonedInstant, zonedParts, daysBetween } from './calendar.ts';

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Days off that would otherwise be working days (and the holidays themselves). */
const HOLIDAYS = new Set<string>([
  // 2025
  '2025-01-01',
  ...range('2025-01-28', '2025-02-04'),
  ...range('2025-04-04', '2025-04-06'),
  ...range('2025-05-01', '2025-05-05'),
  ...range('2025-05-31', '2025-06-02'),
  ...range('2025-10-01', '2025-10-08'),
  // 2026
  ...range('2026-01-01', '2026-01-03'),
  ...range('2026-02-15', '2026-02-23'),
  ...range('2026-04-04', '2026-04-06'),
  ...range('2026-05-01', '2026-05-05'),
  ...range('2026-06-19', '2026-06-21'),
  ...range('2026-09-25', '2026-09-27'),
  ...range('2026-10-01', '2026-10-07'),
]);

/** Weekend days that are working days (调休上班). */
const MAKEUP_WORKDAYS = new Set<string>([
  '2025-01-26',
  '2025-02-08',
  '2025-04-27',
  '2025-09-28',
  '2025-10-11',
  '2026-01-04',
  '2026-02-14',
  '2026-02-28',
  '2026-05-09',
  '2026-09-20',
  '2026-10-10',
]);

/** The years the holiday table covers. */
export const HOLIDAY_YEARS = [2025, 2026] as const;

/** True when `YYYY-MM-DD` is a working day. */
export function isWorkday(date: string): boolean {
  if (MAKEUP_WORKDAYS.has(date)) return true;
  if (HOLIDAYS.has(date)) return false;
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
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
