/**
 * Reconciling what townships report with what the information platform
 * says was paid, and the bulletin's benchmarks: pure and exact (integers,
 * cross-multiplied), so a mark on the board and the figures beside it never
 * disagree through rounding.
 */
import { addDays, daysBetween } from './calendar.ts';
import { rateBasisPoints } from './rates.ts';

/** Where a board's figures come from: the information platform's import, or what townships report in chat. */
export type FigureSource = 'official' | 'reported';

/** A stored official figure of one area on one date (the newest row of that date). */
export interface OfficialPoint {
  asOf: string;
  people: number;
  amountFen: number | null;
}

/** The official figure a board shows for an area, with the one of the day before it to measure the increase. */
export interface OfficialFigure extends OfficialPoint {
  /** People the day before `asOf`, when that day was imported too. */
  previousPeople: number | null;
}

/** The three days a board's official figures come from: today, yesterday, and the day before (for yesterday's increase). */
export interface OfficialWindow {
  today: string;
  yesterday: string;
  dayBefore: string;
}

/** The window of a board of `today` (computed once per board, not per line). */
export function officialWindow(today: string): OfficialWindow {
  return { today, yesterday: addDays(today, -1), dayBefore: addDays(today, -2) };
}

/**
 * The official figure for a board: the one as of today, else as of
 * yesterday (the platform's export usually runs a day behind); older
 * figures are stale and not shown. `points` may come in any order.
 */
export function pickOfficial(points: readonly OfficialPoint[], w: OfficialWindow): OfficialFigure | null {
  let today: OfficialPoint | undefined;
  let yesterday: OfficialPoint | undefined;
  let dayBefore: OfficialPoint | undefined;
  for (const p of points) {
    if (p.asOf === w.today) today = p;
    else if (p.asOf === w.yesterday) yesterday = p;
    else if (p.asOf === w.dayBefore) dayBefore = p;
  }
  const latest = today ?? yesterday;
  if (!latest) return null;
  const previous = today ? yesterday : dayBefore;
  return { ...latest, previousPeople: previous?.people ?? null };
}

/** The time-elapsed benchmark (序时进度): whole days from the start through `today`, over the campaign's days. */
export interface TimeElapsed {
  elapsed: number;
  days: number;
  /** elapsed ÷ days in basis points, rounded half up. */
  bp: number;
}

/** 序时进度 on `today`: 0 before the start, 100 % from the deadline on; the day itself counts as elapsed. */
export function timeElapsed(start: string, deadline: string, today: string): TimeElapsed {
  const days = Math.max(1, daysBetween(start, deadline) + 1);
  const elapsed = Math.min(days, Math.max(0, daysBetween(start, today) + 1));
  return { elapsed, days, bp: rateBasisPoints(elapsed, days) ?? 0 };
}

/** Whether `enrolled / target` is behind the benchmark (exactly, not by the rounded rates). A row without a target is not judged. */
export function behindTime(enrolled: number, target: number, time: TimeElapsed): boolean {
  if (target <= 0) return false;
  return enrolled * time.days < time.elapsed * target;
}

/** Whether `enrolled / target` is at least `points` percentage points above the benchmark. */
export function aheadOfTimeBy(enrolled: number, target: number, time: TimeElapsed, points: number): boolean {
  if (target <= 0) return false;
  // enrolled/target ≥ elapsed/days + points/100, multiplied out by 100·target·days.
  return enrolled * 100 * time.days >= time.elapsed * 100 * target + points * target * time.days;
}

/** The default margin: a report more than 2 % and more than 50 people above the official figure is to be checked. */
export const DEFAULT_VERIFY_MARGIN_BP = 200;
export const DEFAULT_VERIFY_MARGIN_PEOPLE = 50;

/** The margin a campaign sets, its defaults filled in. */
export function verifyMargin(campaign: { verify_margin_bp: number | null; verify_margin_people: number | null }): { bp: number; people: number } {
  return {
    bp: campaign.verify_margin_bp === null ? DEFAULT_VERIFY_MARGIN_BP : Number(campaign.verify_margin_bp),
    people: campaign.verify_margin_people === null ? DEFAULT_VERIFY_MARGIN_PEOPLE : Number(campaign.verify_margin_people),
  };
}

/**
 * 待核实: the report exceeds the official figure by more than the margin's
 * share of the official figure and by more than its people, both. A report
 * below the official figure is a township that has not caught up with its
 * typing, not one to check.
 */
export function needsCheck(reported: number, official: number, margin: { bp: number; people: number }): boolean {
  const over = reported - official;
  return over > margin.people && over * 10_000 > official * margin.bp;
}

/** Which figures rank the board: as chosen, else official once any official figure was imported. */
export function figureSource(campaign: { source: FigureSource | null }): FigureSource {
  return campaign.source ?? 'reported';
}
