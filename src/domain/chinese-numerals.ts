/**
 * Chinese numerals as bureaus write amounts and counts: 四千八百, 肆仟捌佰,
 * 一万零五十, 十二, 零点四八. Read exactly or not at all: a shortened form whose
 * last unit is left out (四千八 for 4800, 一万八 for 18000) is refused, because
 * the same characters are also read digit by digit and a ledger must not guess.
 */

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 貳: 2, 两: 2, 兩: 2, 三: 3, 叁: 3, 參: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 陸: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNITS: Record<string, number> = { 万: 10_000, 萬: 10_000, 亿: 100_000_000, 億: 100_000_000 };

/** Every character a Chinese numeral may hold (digits, units and the decimal point 点). */
export const NUMERAL_CHARS = `${Object.keys(DIGITS).join('')}${Object.keys(SMALL_UNITS).join('')}${Object.keys(BIG_UNITS).join('')}点`;

/** Why a text is not a whole Chinese numeral. */
export type NumeralProblem = 'format' | 'abbreviated';

export type NumeralResult = { ok: true; value: bigint } | { ok: false; problem: NumeralProblem };

/** Reads one section below 万 (`四千零八十`), returning its value. */
function readSection(chars: readonly string[]): NumeralResult {
  let value = 0n;
  let pending: bigint | null = null;
  let lastUnit = 10_000; // units must fall: 千 before 百 before 十
  let zeroBefore = false;
  let unitsSeen = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c in DIGITS) {
      const d = BigInt(DIGITS[c]!);
      if (d === 0n) {
        // 零 marks a skipped place; only between a unit and a digit.
        if (pending !== null || unitsSeen === 0 || zeroBefore) return { ok: false, problem: 'format' };
        zeroBefore = true;
        continue;
      }
      if (pending !== null) return { ok: false, problem: 'format' }; // 一二: digit by digit is not a numeral
      pending = d;
      continue;
    }
    const unit = SMALL_UNITS[c];
    if (unit === undefined || unit >= lastUnit) return { ok: false, problem: 'format' };
    // 十二 = 12: a leading 十 stands for 一十.
    const n = pending ?? (unit === 10 && unitsSeen === 0 && !zeroBefore ? 1n : null);
    if (n === null) return { ok: false, problem: 'format' };
    value += n * BigInt(unit);
    pending = null;
    lastUnit = unit;
    unitsSeen++;
    zeroBefore = false;
  }
  if (zeroBefore && pending === null) return { ok: false, problem: 'format' }; // 一千零: a 零 with nothing after it
  if (pending !== null) {
    // 四千八: the last digit's unit is left out; 四千零八 and 四十八 are exact.
    if (unitsSeen > 0 && !zeroBefore && lastUnit > 10) return { ok: false, problem: 'abbreviated' };
    value += pending;
  }
  return { ok: true, value };
}

/**
 * A whole number written in Chinese numerals (up to 亿), ordinary or
 * financial (大写) characters: `四千八百` → 4800n, `一万零五十` → 10050n.
 */
export function readChineseInteger(text: string): NumeralResult {
  const chars = [...text];
  if (chars.length === 0 || chars.some((c) => !(c in DIGITS || c in SMALL_UNITS || c in BIG_UNITS))) {
    return { ok: false, problem: 'format' };
  }
  if (chars.length === 1 && chars[0]! in DIGITS) return { ok: true, value: BigInt(DIGITS[chars[0]!]!) };
  let total = 0n;
  let start = 0;
  let lastBig = Infinity;
  let abbreviated = false;
  for (let i = 0; i <= chars.length; i++) {
    const c = chars[i];
    const big = c === undefined ? 1 : BIG_UNITS[c];
    if (big === undefined) continue;
    if (big >= lastBig) return { ok: false, problem: 'format' }; // 万 after 万, 亿 after 万
    let part = chars.slice(start, i);
    // 一万零八百: a 零 right after a big unit marks a skipped place too.
    const leadingZero = part[0] !== undefined && DIGITS[part[0]] === 0 && start > 0;
    if (leadingZero) part = part.slice(1);
    if (part.length === 0) {
      if (c !== undefined || leadingZero) return { ok: false, problem: 'format' }; // 万 alone, or a trailing 零
      break;
    }
    const section = readSection(part);
    if (!section.ok) {
      // 一万八 is shortened for 一万八千: a lone digit after a big unit.
      return section;
    }
    if (c === undefined && start > 0 && !leadingZero && part.length === 1 && part[0]! in DIGITS) abbreviated = true;
    total += section.value * BigInt(big);
    lastBig = big;
    start = i + 1;
  }
  if (abbreviated) return { ok: false, problem: 'abbreviated' };
  return { ok: true, value: total };
}

/** `四点八` → `4.8`, `零点四八` → `0.48`: a Chinese decimal as ASCII digits, or null. */
export function chineseDecimalToDigits(text: string): string | null {
  const dot = text.indexOf('点');
  if (dot < 0) {
    const whole = readChineseInteger(text);
    return whole.ok ? whole.value.toString() : null;
  }
  const whole = readChineseInteger(text.slice(0, dot));
  const fraction = [...text.slice(dot + 1)];
  if (!whole.ok || fraction.length === 0 || fraction.some((c) => !(c in DIGITS))) return null;
  return `${whole.value}.${fraction.map((c) => DIGITS[c]).join('')}`;
}

/** Whether a text consists only of Chinese numeral characters (so it was meant as a number). */
export function isChineseNumeral(text: string): boolean {
  return text.length > 0 && [...text].every((c) => NUMERAL_CHARS.includes(c));
}

/** A single Chinese digit's value (零 to 九, ordinary or financial), or undefined. */
export function chineseDigit(c: string): number | undefined {
  return DIGITS[c];
}
