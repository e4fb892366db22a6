/**
 * Masking personal data for display, and redacting it from any text. A
 * resident ID, a phone number or a bank card number never leaves the bot
 * unmasked, and is never stored as typed: replies, posts, log lines, errors,
 * notes, reasons, audit details, stored replies and exports all go through
 * `redact`, whatever the number's spelling.
 */

/** `430602199001011234` → `430602********1234`; a 15-digit ID keeps its region and last three. */
export function maskIdNumber(id: string): string {
  if (id.length === 18) return `${id.slice(0, 6)}********${id.slice(14)}`;
  if (id.length === 15) return `${id.slice(0, 6)}******${id.slice(12)}`;
  return '*'.repeat(id.length);
}

/** `13812345678` → `138****5678`; other numbers keep at most their last four digits. */
export function maskPhone(phone: string): string {
  const digits = phone.normalize('NFKC').replace(/\D/g, '');
  if (digits.length === 11) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** `张三丰` → `张*丰`, `张三` → `张*`, `欧阳娜娜` → `欧**娜`. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

// ---- finding numbers in free text ----------------------------------------
//
// People write numbers every way: full-width digits from a Chinese input
// method, groups split by spaces, `-` or `.` (`430602 19900101 1235`,
// `138-1234-5678`), glued to a label (`ID430602…`, `tel13812345678`,
// `身份证430602…`), with a country code (`+86`, `0086`, `86-`). Each pattern
// below takes all of these; what tells a number apart from a platform id or
// a ledger reference is its shape (an ID's birth date, a mobile's 1[3-9]
// prefix) and, for mentions (`<@123…>`, `<#123…>`), what stands before it.

/** A digit, ASCII or full-width. */
const D = '[0-9\\uff10-\\uff19]';
/** A digit from a range, ASCII or full-width: `r('1', '9')`. */
const r = (lo: string, hi: string) => `[${lo}-${hi}${fw(lo)}-${fw(hi)}]`;
const fw = (ch: string) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0);
/** Between two groups: one or two spaces, or one of `-` `.` and their full-width or typographic forms, with a space either side. */
const SEP = '(?:[ \\t\\u00a0\\u3000]{1,2}|[ \\u3000]?[-.\\uff0d\\uff0e\\u2010-\\u2015\\u2212\\u00b7][ \\u3000]?)';
const S = `${SEP}?`;
/** Not inside a longer number, nor a mention's id (`<@123…>`, `<@!123…>`, `<@&123…>`, `<#123…>`). */
const START = '(?<![0-9\\uff10-\\uff19])(?<!<@[!&]?|<#)';
const END = '(?![0-9\\uff10-\\uff19])';
/** `n` digits, each possibly after a separator. */
const spaced = (n: number) => `(?:${S}${D}){${n}}`;

const MONTH = `${S}(?:${r('0', '0')}${S}${r('1', '9')}|${r('1', '1')}${S}${r('0', '2')})`;
const DAY = `${S}(?:${r('0', '2')}${S}${D}|${r('3', '3')}${S}${r('0', '1')})`;
/** 18 characters: region (first digit 1–9), a birth date in 19xx or 20xx, sequence, check character. */
const ID18 = new RegExp(
  `${START}${r('1', '9')}${spaced(5)}${S}(?:${r('1', '1')}${S}${r('9', '9')}|${r('2', '2')}${S}${r('0', '0')})${spaced(2)}${MONTH}${DAY}${spaced(3)}${S}[0-9Xx\\uff10-\\uff19\\uff38\\uff58]${END}`,
  'g',
);
/** The old 15-digit ID: region, YYMMDD, sequence. */
const ID15 = new RegExp(`${START}${r('1', '9')}${spaced(5)}${spaced(2)}${MONTH}${DAY}${spaced(3)}${END}`, 'g');
/** A bank card: 16 to 19 digits in a run, or in groups of four. */
const CARD = new RegExp(`${START}(?:${D}{16,19}|${D}{4}(?:${SEP}${D}{4}){3}(?:${S}${D}{1,3})?)${END}`, 'g');
/** A mainland mobile, 3-4-4 or 4-3-4, with or without `+86`, `0086`, `86`, `(+86)`. */
const MOBILE = new RegExp(
  `${START}(?<prefix>[(\\uff08]?(?:[+\\uff0b]|${r('0', '0')}{2})?[ ]?${r('8', '8')}${r('6', '6')}[)\\uff09]?${S})?(?<number>${r('1', '1')}${r('3', '9')}${D}(?:${S}${D}{4}${S}${D}{4}|${D}${S}${D}{3}${S}${D}{4}))${END}`,
  'g',
);
/** A landline with its area code: `0731-88881234`, `010 62345678`, `(0731)8888123`. */
const LANDLINE = new RegExp(`${START}(?<area>${r('0', '0')}(?:${r('1', '2')}${D}|${r('3', '9')}${D}{2}))(?:${SEP}|[)\\uff09])?(?<local>${r('2', '9')}${D}{6,7})${END}`, 'g');

/**
 * What every pattern above needs: ten digits, with at most a separator (or
 * the `)` after an area code) between two of them. A text without it (most
 * replies, notes and log lines) has nothing to mask and skips the five scans.
 */
const MAYBE_NUMBER = new RegExp(`${D}(?:(?:${SEP}|[)\\uff09])?${D}){9}`);

const DIGIT_OR_X = /[0-9\uff10-\uff19Xx\uff38\uff58]/;

/** Replaces with `*` the digits of `text` whose index (among its digits) `hide` says, keeping everything else. */
function hideDigits(text: string, hide: (index: number, count: number) => boolean): string {
  let count = 0;
  for (const ch of text) if (DIGIT_OR_X.test(ch)) count++;
  let i = 0;
  let out = '';
  for (const ch of text) {
    if (DIGIT_OR_X.test(ch)) out += hide(i++, count) ? '*' : ch;
    else out += ch;
  }
  return out;
}

/** Options for `redact`. */
export interface RedactOptions {
  /**
   * Mask bare runs of 16–19 digits as bank cards (default true). Off only
   * for values known to be a platform's id, such as a Discord channel's
   * snowflake in a log field: IDs and phones are masked there all the same.
   */
  cards?: boolean;
}

/**
 * Masks every resident ID (18 or 15 digits), mobile and landline number and
 * bank-card-length digit run in a text, however it is spelled: an ID keeps
 * its region and last four (`430602********1235`), a phone its first three
 * and last four, a card its last four. Mentions (`<@123…>`), ledger
 * references (`#12`), dates, amounts and timestamps are left alone.
 * Idempotent: a masked text comes back unchanged.
 */
export function redact(text: string, options: RedactOptions = {}): string {
  if (text.length < 10 || !MAYBE_NUMBER.test(text)) return text;
  let out = text
    .replace(ID18, (m) => hideDigits(m, (i) => i >= 6 && i < 14))
    .replace(ID15, (m) => hideDigits(m, (i) => i >= 6 && i < 12));
  if (options.cards !== false) out = out.replace(CARD, (m) => hideDigits(m, (i, n) => i < n - 4));
  return out
    .replace(MOBILE, (...args) => {
      const g = args.at(-1) as { prefix?: string; number: string };
      return (g.prefix ?? '') + hideDigits(g.number, (i) => i >= 3 && i < 7);
    })
    .replace(LANDLINE, (m, ...args) => {
      const g = args.at(-1) as { area: string; local: string };
      return m.slice(0, m.length - g.local.length) + hideDigits(g.local, (i, n) => i < n - 4);
    });
}

/** Field names whose values are a platform's ids (channels, guilds, messages): no card rule there. */
const PLATFORM_ID_KEYS = new Set(['channel', 'channelId', 'channel_id', 'guild', 'guildId', 'messageId', 'interaction', 'sourceKey', 'source_key', 'shard']);

/**
 * A deep copy of structured data (log fields, audit details) with every
 * string redacted. Errors become `{ type, message, stack }`; values under a
 * platform-id key keep their snowflakes (IDs and phones are still masked).
 */
export function redactFields<T>(value: T, key = ''): T {
  if (typeof value === 'string') return redact(value, { cards: !PLATFORM_ID_KEYS.has(key) }) as T;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown };
    return redactFields({ type: e.name, message: e.message, ...(e.code !== undefined ? { code: e.code } : {}), stack: e.stack }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => redactFields(v, key)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    // A class instance (a Buffer, a Date, an SDK object): its JSON form, redacted.
    let plain: unknown;
    try {
      plain = JSON.parse(JSON.stringify(value)) as unknown;
    } catch {
      plain = String(value);
    }
    return redactFields(plain, key) as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactFields(v, k);
  return out as T;
}
