/**
 * Money as integer fen (分). Amounts are parsed from text by string arithmetic,
 * never through a float, so `0.07万` is exactly 70000 fen.
 */

/** 1 元 = 100 分; 1 万元 = 10,000 元. */
export const FEN_PER_YUAN = 100;
export const FEN_PER_WAN = 1_000_000;

/** The largest single amount accepted: 1 亿元, far beyond any one entry. */
export const MAX_AMOUNT_FEN = 100_000_000 * FEN_PER_YUAN;

export type AmountProblem = 'negative' | 'format' | 'precision' | 'too_large';
export type AmountResult = { ok: true; fen: number } | { ok: false; problem: AmountProblem };

const NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

/**
 * Parses `4800`, `4800元`, `4,800`, `¥4800`, `0.48万`, `0.48万元` into fen.
 * Expects text already NFKC-normalized (full-width digits folded).
 */
export function parseAmount(token: string): AmountResult {
  let text = token.trim();
  if (text.startsWith('-') || text.startsWith('−')) return { ok: false, problem: 'negative' };
  if (text.startsWith('+')) text = text.slice(1);
  if (text.startsWith('¥') || text.startsWith('￥')) text = text.slice(1);
  let scale = FEN_PER_YUAN;
  let decimals = 2;
  if (text.endsWith('万元')) {
    text = text.slice(0, -2);
    scale = FEN_PER_WAN;
    decimals = 6;
  } else if (text.endsWith('万')) {
    text = text.slice(0, -1);
    scale = FEN_PER_WAN;
    decimals = 6;
  } else if (text.endsWith('元')) {
    text = text.slice(0, -1);
  }
  if (text.startsWith('-')) return { ok: false, problem: 'negative' };
  if (!NUMBER.test(text)) return { ok: false, problem: 'format' };
  const [whole = '', fraction = ''] = text.replace(/,/g, '').split('.');
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) return { ok: false, problem: 'precision' };
  if (whole.replace(/^0+/, '').length > 12) return { ok: false, problem: 'too_large' };
  const fen = Number(whole) * scale + Number(significant.padEnd(decimals, '0') || '0') * (scale / 10 ** decimals);
  if (!Number.isSafeInteger(fen) || fen > MAX_AMOUNT_FEN) return { ok: false, problem: 'too_large' };
  return { ok: true, fen };
}

/** True when a word looks like an attempt at an amount (so a typo is not taken as a note). */
export function looksLikeAmount(token: string): boolean {
  return /^[-−+¥￥]?[\d.,]/.test(token) || /[万元]$/.test(token);
}

function groupThousands(digits: string): string {
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
