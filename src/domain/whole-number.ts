/** Whole numbers as people write them: `28000`, `28,000`, `２８０００`, `28000人`. */

/** The largest whole number taken (a target or a count, never near it in practice). */
export const MAX_WHOLE_NUMBER = 1_000_000_000;

/**
 * A whole number ≥ 0 from text already NFKC-normalized (full-width digits and
 * commas folded): digits, or digits in groups of three with commas, and an
 * optional `人`. Null when it is anything else or above `MAX_WHOLE_NUMBER`.
 */
export function parseWholeNumber(token: string): number | null {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:人)?$/.exec(token);
  if (!m) return null;
  const n = Number(m[1]!.replace(/,/g, ''));
  return Number.isSafeInteger(n) && n <= MAX_WHOLE_NUMBER ? n : null;
}
