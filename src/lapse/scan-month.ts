/**
 * Which months a `lapse scan` may screen. A scan treats everyone whose latest
 * contribution is before the month as lapsed, so a month the contributions do
 * not cover would open a case for nearly everyone, and its digests would go
 * out at once: such a month is refused before anything is written.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import { contributionMonths } from '../store/lapse-people.ts';
import { getSetting } from '../store/settings.ts';
import { latestCaseScanMonth } from '../store/lapse-cases.ts';

/** The settings lapse work keeps its progress in (the health report reads them too). */
export const LAST_SCAN = 'lapse.last_scan_month';
export const LAST_REMINDER = 'lapse.last_reminder_at';

/** Why a month cannot be screened; null when it can. */
export type ScanMonthProblem =
  /** After the current month in the campaign's zone. */
  | { kind: 'future'; current: string }
  /** No contributions were ever imported. */
  | { kind: 'no_contributions' }
  /** Before the earliest month contributions were imported for. */
  | { kind: 'before_first'; first: string; last: string }
  /** Within the imported range, but that month itself was never imported. */
  | { kind: 'not_imported'; last: string }
  /** Older than the month the latest scan screened: it would resend stale reminders. */
  | { kind: 'older_than_latest'; latest: string };

/** The month the latest scan (scheduled or an admin's) screened, if any. */
export async function latestScanMonth(db: Kysely<Database>): Promise<string | null> {
  const kept = (await getSetting(db, LAST_SCAN)) ?? null;
  // Scans made before admins' scans were kept in the setting left their month on the cases only.
  const onCases = await latestCaseScanMonth(db);
  if (kept === null) return onCases;
  return onCases !== null && onCases > kept ? onCases : kept;
}

/** Checks a month before it is screened. */
export async function scanMonthProblem(
  db: Kysely<Database>,
  input: { month: string; now: Date; timeZone: string },
): Promise<ScanMonthProblem | null> {
  const { month } = input;
  const current = businessDate(input.now, input.timeZone).slice(0, 7);
  if (month > current) return { kind: 'future', current };
  const months = await contributionMonths(db);
  if (months.length === 0) return { kind: 'no_contributions' };
  const first = months[0]!;
  const last = months.at(-1)!;
  if (month < first) return { kind: 'before_first', first, last };
  if (!months.includes(month)) return { kind: 'not_imported', last };
  const latest = await latestScanMonth(db);
  if (latest !== null && month < latest) return { kind: 'older_than_latest', latest };
  return null;
}
