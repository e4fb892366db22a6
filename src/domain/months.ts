/** Contribution months, `YYYY-MM`, and the arithmetic screening needs. */

function valid(y: number, m: number): boolean {
  return y >= 1990 && y <= 2100 && m >= 1 && m <= 12;
}

function fmt(y: number, m: number): string {
  return `${y}-${String(m).padStart(2, '0')}`;
}

/**
 * Reads a month as exports write it: `2025-10`, `2025-1`, `202510`,
 * `2025年10月`, `2025/10`, `2025.10`; null when it is not a real month.
 */
export function parseMonth(text: string): string | null {
  const t = text.normalize('NFKC').trim();
  const m = /^(\d{4})(?:[-/.](\d{1,2})|年(\d{1,2})月?|(\d{2}))$/.exec(t);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2] ?? m[3] ?? m[4]);
  return valid(y, mo) ? fmt(y, mo) : null;
}

function index(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** `2025-12` + 1 → `2026-01`. */
export function addMonths(month: string, n: number): string {
  const i = index(month) + n;
  return fmt(Math.floor(i / 12), (i % 12) + 1);
}

/** Months from `from` to `to`: `2025-11` → `2026-02` is 3. */
export function monthsBetween(from: string, to: string): number {
  return index(to) - index(from);
}

/** The month before the one a `YYYY-MM-DD` date falls in. */
export function previousMonth(date: string): string {
  return addMonths(date.slice(0, 7), -1);
}
