/**
 * Monthly screening for lapsed contributions, set-wise: people are grouped
 * by their latest paid month (kept on the person by the contributions
 * import), and each group is one UPDATE and one INSERT … SELECT. A million
 * contributors cost a few dozen statements, never a query per person.
 *
 * A person is lapsed as of month M when they have paid before and their
 * latest contribution on record is before M. The months lapsed (M minus the
 * latest paid month) give the stage against the deployment's back-pay
 * window (`domain/lapse-rules.ts`): 1 first month, 2 within the window, 3 its
 * last month, 4 past it. Only people whose 参保状态 says they should be paying
 * are screened: a retiree, someone moved to resident insurance or insured
 * elsewhere, or a deceased person is not a lapse, and their open case closes.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import { EnrollbotError } from '../core/errors.ts';
import { contributionMonths } from '../store/lapse-people.ts';
import { addMonths, monthsBetween, previousMonth } from '../domain/months.ts';
import { stageOf as stageByRules } from '../domain/lapse-rules.ts';
import { getLapseRules } from '../store/lapse-rules.ts';
import {
  closeCasesNoLongerScreened,
  closeCasesWithContributions,
  lapsedLastPaidMonths,
  openNewCases,
  refreshCaseStatistics,
  unpauseCases,
  updateOpenCases,
  type LapseGroup,
} from '../store/lapse-cases.ts';

/**
 * New cases are opened for lapses of at most this many months: someone who
 * stopped paying years ago is not a reminder, and a first import with a long
 * history must not flood the townships. Open cases keep being updated.
 */
export const MAX_NEW_CASE_MONTHS = 12;

/** Opening this many cases or more changes the case table enough to refresh its statistics (PostgreSQL). */
const REFRESH_STATISTICS_AFTER = 10_000;

export type Stage = 1 | 2 | 3 | 4;

/** The stage of a lapse of `months` months (1 or more), for a back-pay window of `backPayMonths` (default 3). */
export function stageOf(months: number, backPayMonths?: number): Stage {
  return stageByRules(months, backPayMonths);
}

/** The month a scan at this instant is about by default: the previous month in the campaign zone. */
export function defaultScanMonth(now: Date, timeZone: string): string {
  return previousMonth(businessDate(now, timeZone));
}

export interface ScanResult {
  month: string;
  opened: number;
  updated: number;
  closed: number;
}

/**
 * Screens every roster person as of `month`; call inside a transaction.
 * Throws (writing nothing) for a month whose contributions were never
 * imported: everyone would look lapsed and get a case. The commands and the
 * schedule refuse such a month in the user's words first (`scanMonthProblem`);
 * this is the guard for every other caller.
 */
export async function screenLapses(db: Kysely<Database>, input: { month: string; now: Date }): Promise<ScanResult> {
  const { month, now } = input;
  if (!(await contributionMonths(db)).includes(month)) {
    throw new EnrollbotError('lapse_month_not_imported', `lapse screening of ${month}: no contributions were imported for that month`);
  }
  const closed = (await closeCasesWithContributions(db, now)) + (await closeCasesNoLongerScreened(db, now));
  const rules = await getLapseRules(db);
  await unpauseCases(db, month);
  let opened = 0;
  let updated = 0;
  for (const lastPaid of await lapsedLastPaidMonths(db, month)) {
    const monthsLapsed = monthsBetween(lastPaid, month);
    const group: LapseGroup = {
      lastPaidMonth: lastPaid,
      firstMissingMonth: addMonths(lastPaid, 1),
      monthsLapsed,
      stage: stageOf(monthsLapsed, rules.backPayMonths),
      scanMonth: month,
    };
    updated += await updateOpenCases(db, group, now);
    if (monthsLapsed <= MAX_NEW_CASE_MONTHS) opened += await openNewCases(db, group, now);
  }
  if (opened >= REFRESH_STATISTICS_AFTER) await refreshCaseStatistics(db);
  return { month, opened, updated, closed };
}
