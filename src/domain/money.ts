/**
 * Money as integer fen (分). Amounts are parsed from text by string arithmetic,
 * never through a float, so `0.07万` is exactly 70000 fen.
 */
import { chineseDecimalToDigits, chineseDigit, isChineseNumeral, readChineseInteger } from './chinese-numerals.ts';

/** 1 元 = 100 分; 1 万元 = 10,000 元. */
export const FEN_PER_YUAN = 100;
export const FEN_PER_WAN = 1_000_000;

/** The largest single amount accepted: 1 亿元, far beyond any one entry. */
export const MAX_AMOUNT_FEN = 100_000_000 * FEN_PER_YUAN;

/**
 * Why a text is not an amount: `negative`; `format` (not a number at all);
 * `precision` (more decimals than fen or 万元 allow); `too_large`; `foreign`
 * (another currency: `$`, `USD`, `港币`); `abbreviated` (`四千八`, a Chinese
 * numeral with its last unit left out).
 */
export type AmountProblem = 'negative' | 'format' | 'precision' | 'too_large' | 'foreign' | 'abbreviated';
export type AmountResult = { ok: true; fen: number } | { ok: false; problem: AmountProblem };

const NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
/** Words that name the yuan before or after the number: `¥4800`, `RMB4800`, `4800元整`, `4800块`. */
const YUAN_BEFORE = /^(?:¥|￥|rmb|cny|人民币)/i;
const YUAN_AFTER = /(?:元整|圆整|元|圆|块钱|块|rmb|cny)$/i;
/** Another currency: never read as yuan. */
const FOREIGN = /^(?:us\$|hk\$|\$|usd|hkd|eur|€|£|gbp|jpy)|(?:usd|hkd|eur|gbp|jpy|美元|美金|港币|港元|欧元|日元|英镑|\$)$/i;
/** A label some people write before the number: `金额3000`, `金额：3000`. */
const LABEL = /^金额[:]?/;
/** A Chinese numeral amount's 元 and the 角 and 分 after it: `肆仟捌佰元伍角`. */
const CHINESE_YUAN = /^(.+?)(?:元|圆|块钱|块)(?:(.)角)?(?:(.)分)?$/u;

/** Fen from a decimal string of digits at a scale (元 or 万元), or a problem. */
function decimalToFen(text: string, scale: number, decimals: number): AmountResult {
  if (!NUMBER.test(text)) return { ok: false, problem: 'format' };
  const [whole = '', fraction = ''] = text.replace(/,/g, '').split('.');
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) return { ok: false, problem: 'precision' };
  if (whole.replace(/^0+/, '').length > 12) return { ok: false, problem: 'too_large' };
  const fen = Number(whole) * scale + Number(significant.padEnd(decimals, '0') || '0') * (scale / 10 ** decimals);
  if (!Number.isSafeInteger(fen) || fen > MAX_AMOUNT_FEN) return { ok: false, problem: 'too_large' };
  return { ok: true, fen };
}

/** `肆仟捌佰元伍角`, `四千八百元整`, `零点四八万`, `三万`: a Chinese numeral amount in fen; null when it is not one. */
function chineseAmount(text: string): AmountResult | null {
  let body = text.replace(/整$/, '');
  let extraFen = 0;
  const m = CHINESE_YUAN.exec(body);
  if (m) {
    const jiao = m[2] === undefined ? 0 : chineseDigit(m[2]);
    const fen = m[3] === undefined ? 0 : chineseDigit(m[3]);
    if (jiao === undefined || fen === undefined) return null;
    body = m[1]!;
    extraFen = jiao * 10 + fen;
  }
  if (!isChineseNumeral(body)) return null;
  // 零点四八万 is a decimal of 万; 三万 and 一万二千 are whole numbers of 元.
  const wan = /[万萬]$/.test(body) && body.includes('点');
  const digits = chineseDecimalToDigits(wan ? body.slice(0, -1) : body);
  if (digits === null) {
    const whole = readChineseInteger(body.split('点')[0]!);
    return { ok: false, problem: !whole.ok && whole.problem === 'abbreviated' ? 'abbreviated' : 'format' };
  }
  // 四点八元五角: a fraction written twice over.
  if (extraFen && (wan || digits.includes('.'))) return { ok: false, problem: 'format' };
  const r = wan ? decimalToFen(digits, FEN_PER_WAN, 6) : decimalToFen(digits, FEN_PER_YUAN, 2);
  if (!r.ok || !extraFen) return r;
  return r.fen + extraFen > MAX_AMOUNT_FEN ? { ok: false, problem: 'too_large' } : { ok: true, fen: r.fen + extraFen };
}

/**
 * Parses an amount into fen, exactly or not at all: `4800`, `4800元`,
 * `4,800`, `¥4800`, `RMB4800`, `4800块`, `0.48万`, `0.48万元`, `四千八百元`,
 * `肆仟捌佰元整`, `金额4800`. Expects text whose full-width forms are
 * folded (`normalize` in core/tokens); other digit forms (①, ², ٤) are not
 * numbers here.
 */
export function parseAmount(token: string): AmountResult {
  let text = token.trim().replace(LABEL, '');
  if (/^[-−负]/.test(text)) return { ok: false, problem: 'negative' };
  if (FOREIGN.test(text)) return { ok: false, problem: 'foreign' };
  if (text.startsWith('+')) text = text.slice(1);
  text = text.replace(YUAN_BEFORE, '');
  if (text.startsWith('-') || text.startsWith('−')) return { ok: false, problem: 'negative' };
  const chinese = chineseAmount(text);
  if (chinese) return chinese;
  let scale = FEN_PER_YUAN;
  let decimals = 2;
  if (/万元?$/.test(text)) {
    text = text.replace(/万元?$/, '');
    scale = FEN_PER_WAN;
    decimals = 6;
  } else {
    text = text.replace(YUAN_AFTER, '');
  }
  if (text.startsWith('-')) return { ok: false, problem: 'negative' };
  return decimalToFen(text, scale, decimals);
}

function groupThousands(digits: string): string {
  // Most board amounts (万元) are under 1,000: no regex for them.
  if (digits.length <= 3) return digits;
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `480000` fen → `4,800`; `480050` → `4,800.50` (元, no unit). */
export function formatYuanNumber(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / FEN_PER_YUAN);
  const rest = abs % FEN_PER_YUAN;
  return `${sign}${groupThousands(String(yuan))}${rest ? `.${String(rest).padStart(2, '0')}` : ''}`;
}

/** fen → 万元 with two decimals, rounded half away from zero: `4800000` → `4.80`. */
export function formatWan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const hundredths = Math.floor((Math.abs(fen) + 5_000) / 10_000);
  return `${sign}${groupThousands(String(Math.floor(hundredths / 100)))}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** fen → plain 元 with exactly two decimals, for files: `480050` → `4800.50`, `-80000` → `-800.00`. */
export function formatYuanPlain(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / FEN_PER_YUAN)}.${String(abs % FEN_PER_YUAN).padStart(2, '0')}`;
}

/**
 * The lowest amount one person may be logged with: the campaign's floor when
 * set, else a tenth of the premium (at least 1 fen). Below it an entry is
 * most likely a 万/元 slip.
 */
export function personFloorFen(premiumFen: number, floorFen: number | null): number {
  return floorFen ?? Math.max(1, Math.floor(premiumFen / 10));
}
