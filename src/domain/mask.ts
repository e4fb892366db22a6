/**
 * Masking personal data for display, and redacting it from any text. A
 * resident ID or a phone number never leaves the bot unmasked: replies,
 * posts, log lines and errors all go through `redact`.
 */

/** `430602199001011234` → `430602********1234`. */
export function maskIdNumber(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : '*'.repeat(id.length);
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

// ASCII and full-width digits: a full-width ID in a note is still an ID.
const D = '[0-9\uff10-\uff19]';
// An 18-character ID with a plausible birth date (so a long platform id,
// like a Discord snowflake, is left alone), not inside a longer word or a
// mention (`<@123…>`).
const ID_IN_TEXT = new RegExp(
  `(?<![0-9A-Za-z\uff10-\uff19@#&!])([1-9\uff11-\uff19]${D}{5})((?:19|20|\uff11\uff19|\uff12\uff10)${D}{6})(${D}{3}[0-9Xx\uff10-\uff19\uff38\uff58])(?![0-9A-Za-z\uff10-\uff19])`,
  'g',
);
// A mainland mobile number, optionally written 138-1234-5678 or 138 1234 5678.
const MOBILE_IN_TEXT = new RegExp(
  `(?<![0-9A-Za-z\uff10-\uff19@#&!])((?:1|\uff11)[3-9\uff13-\uff19]${D})([- ]?)(${D}{4})([- ]?)(${D}{4})(?![0-9A-Za-z\uff10-\uff19])`,
  'g',
);

/** Masks every ID number and mobile number found in a text. */
export function redact(text: string): string {
  if (text.length < 11) return text;
  return text.replace(ID_IN_TEXT, '$1********$3').replace(MOBILE_IN_TEXT, '$1$2****$4$5');
}
