/**
 * Completion rates and paces in integer arithmetic, so that rankings and the
 * printed two-decimal rates never disagree through float rounding.
 */

/** enrolled ÷ target in basis points (1/100 of a percent), rounded half up; null without a target. */
export function rateBasisPoints(enrolled: number, target: number): number | null {
  if (target <= 0) return null;
  return Math.floor((enrolled * 20_000 + target) / (2 * target));
}

/** `7500` → `75.00%`; null → `—`. */
export function formatRate(basisPoints: number | null): string {
  if (basisPoints === null) return '—';
  const sign = basisPoints < 0 ? '-' : '';
  const abs = Math.abs(basisPoints);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`;
}

/**
 * Compares two completion ratios exactly (a/b against c/d by cross-multiplying).
 * Returns a negative number when the first is behind. An area without a target
 * ranks below every area with one.
 */
export function compareRatio(aEnrolled: number, aTarget: number, bEnrolled: number, bTarget: number): number {
  if (aTarget <= 0 || bTarget <= 0) return (aTarget > 0 ? 1 : 0) - (bTarget > 0 ? 1 : 0);
  return aEnrolled * bTarget - bEnrolled * aTarget;
}

/** People still needed per day to reach the target by the deadline (rounded up). */
export function dailyPace(enrolled: number, target: number, daysLeft: number): number {
  const remaining = Math.max(0, target - enrolled);
  if (remaining === 0) return 0;
  if (daysLeft <= 0) return remaining;
  return Math.ceil(remaining / daysLeft);
}
