/**
 * Resident ID numbers (居民身份证号码, GB 11643-1999): 6-digit region code,
 * 8-digit birth date, 3-digit sequence, and a check digit (0–9 or X) over the
 * first 17 digits (ISO 7064 MOD 11-2).
 */

/** Why a text is not an ID number. */
export type IdNumberProblem =
  /** Empty cell. */
  | 'empty'
  /** Stored as a number by a spreadsheet: `1.10105E+17`, `430602199001011234.0`. */
  | 'number_format'
  /** Not 17 digits and a digit or X. */
  | 'format'
  /** Positions 7–14 are not a real birth date between 1900 and today. */
  | 'birth_date'
  /** The last character is not the GB 11643 check digit. */
  | 'check_digit';

export type IdNumberResult = { ok: true; id: string } | { ok: false; problem: IdNumberProblem };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

const SCIENTIFIC = /^[+-]?\d+(\.\d+)?[eE][+-]?\d+$/;
const DECIMAL = /^\d+\.\d*$/;
const SHAPE = /^[1-9]\d{16}[\dX]$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

// Arithmetic, not a Date per call: this runs once per row of a million-row import.
function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}

/**
 * Normalizes and checks an ID number: full-width digits and `Ｘ` fold to
 * ASCII (NFKC), a lower-case `x` to `X`, spaces are dropped. `today`
 * (`YYYY-MM-DD`) bounds the birth date when given.
 */
export function parseIdNumber(raw: string, today?: string): IdNumberResult {
  // Most cells are already clean: skip normalization for them (a million rows per import).
  const text = SHAPE.test(raw) ? raw : raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (!text) return { ok: false, problem: 'empty' };
  if (!SHAPE.test(text)) {
    if (SCIENTIFIC.test(text) || DECIMAL.test(text)) return { ok: false, problem: 'number_format' };
    return { ok: false, problem: 'format' };
  }
  const y = Number(text.slice(6, 10));
  const m = Number(text.slice(10, 12));
  const d = Number(text.slice(12, 14));
  const birth = text.slice(6, 14);
  if (y < 1900 || !realDate(y, m, d) || (today !== undefined && birth > today.replace(/-/g, ''))) {
    return { ok: false, problem: 'birth_date' };
  }
  if (idCheckDigit(text) !== text[17]) return { ok: false, problem: 'check_digit' };
  return { ok: true, id: text };
}
