/**
 * The rules a lapse is judged by, which differ by area: how many months of
 * missed contributions may be back-paid with continuity kept, and how long a
 * waiting period the local rule sets once payment resumes after that. Each
 * deployment sets its own (`lapse rules`); the defaults follow the national
 * rule: back-pay within 3 months keeps continuity, beyond that a local
 * waiting period of up to 6 months applies.
 */

/** One deployment's lapse rules. */
export interface LapseRules {
  /** Months of lapse that may still be back-paid with continuity kept (1–12). */
  backPayMonths: number;
  /** The local waiting period after payment resumes past the window, in months; 0: none. */
  waitMonths: number;
  /** The deployment's own explanation, shown under every list in place of the default one; null: the default. */
  note: string | null;
}

/** The national defaults. */
export const NATIONAL_LAPSE_RULES: LapseRules = { backPayMonths: 3, waitMonths: 6, note: null };

/** Bounds an admin may set. */
export const BACK_PAY_MAX = 12;
export const WAIT_MAX = 24;
/** Longest explanation kept (a chat line, not a document). */
export const NOTE_MAX = 300;

/**
 * The stage of a lapse of `months` months: 1 first month, 2 within the
 * back-pay window, 3 its last month, 4 past it (back-pay no longer keeps
 * continuity and does not cover the months retroactively).
 */
export function stageOf(months: number, backPayMonths: number = NATIONAL_LAPSE_RULES.backPayMonths): 1 | 2 | 3 | 4 {
  if (months > backPayMonths) return 4;
  if (months === backPayMonths) return 3;
  return months <= 1 ? 1 : 2;
}

/** Rules read back from their stored form; anything unreadable falls back to the national default. */
export function parseLapseRules(text: string | undefined): LapseRules {
  if (text === undefined) return { ...NATIONAL_LAPSE_RULES };
  try {
    const v = JSON.parse(text) as Partial<LapseRules>;
    const whole = (x: unknown, min: number, max: number, d: number) => (Number.isInteger(x) && (x as number) >= min && (x as number) <= max ? (x as number) : d);
    return {
      backPayMonths: whole(v.backPayMonths, 1, BACK_PAY_MAX, NATIONAL_LAPSE_RULES.backPayMonths),
      waitMonths: whole(v.waitMonths, 0, WAIT_MAX, NATIONAL_LAPSE_RULES.waitMonths),
      note: typeof v.note === 'string' && v.note.trim() ? v.note : null,
    };
  } catch {
    return { ...NATIONAL_LAPSE_RULES };
  }
}
