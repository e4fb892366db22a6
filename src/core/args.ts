/**
 * Argument declarations. A command declares its arguments once with these
 * builders; the same declaration drives parsing, usage text, help and the
 * Discord slash-command options.
 */
import type { Catalogue, Locale, Localized } from '../i18n/index.ts';
import { parseAmount } from '../domain/money.ts';
import { parseDate } from '../domain/calendar.ts';
import { isQuoted, normalize, tokenize, unquoteWhole } from './tokens.ts';
import { parseWholeNumber } from '../domain/whole-number.ts';
import { readChineseInteger } from '../domain/chinese-numerals.ts';

/** A user named in a command: by mention on Slack and Discord, by name in the console. */
export interface UserRef {
  platform: string;
  externalId: string;
  displayName: string;
}

/** What an argument parser may ask of the platform the message came from. */
export interface ParseEnv {
  t: Catalogue;
  locale: Locale;
  /** Turns a mention (`<@U123>`) or, in the console, a name into a user. */
  resolveUser(token: string): UserRef | null;
  /**
   * True when the value was given on its own (a Discord option), not cut
   * out of a typed line: then it is exactly that argument, whatever it holds
   * (a note that reads `in 城北街道` or `4800` is a note).
   */
  typed?: boolean;
  /** Whether a word is the name of an area (so a note that starts with one is not taken silently). */
  isAreaName?(word: string): boolean;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** The kind of value, as a typed platform (Discord) would ask for it. */
export type OptionType = 'string' | 'integer' | 'user';

/** One declared argument producing a `T`. */
export interface ArgSpec<T> {
  /** Label in usage and help: `<people>` / `<人数>`. */
  label: Localized;
  description: Localized;
  optionType: OptionType;
  optional: boolean;
  /** Words that introduce the argument (`in <township>`); positional when absent. */
  keywords?: readonly string[];
  /** Takes every remaining word. */
  rest?: boolean;
  /** Fixed choices (for help and Discord). */
  choices?: readonly { value: string; label: Localized }[];
  /**
   * For a positional argument in a typed line: splits a word that holds this
   * argument and the next one glued together (`12人4800元` → `12人`, `4800元`),
   * as Chinese is written without spaces; null when the word is whole.
   */
  split?(token: string): [string, string] | null;
  parse(token: string, env: ParseEnv): ParseResult<T>;
}

/** Declared arguments by name, in the order they are written. */
export type ArgSpecs = Record<string, ArgSpec<unknown>>;

/** The parsed values of a set of declared arguments. */
export type ArgValues<S extends ArgSpecs> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };

/** The most people one entry may carry; a larger batch is logged in parts. */
export const MAX_PEOPLE_PER_ENTRY = 10_000;

type Base = { label: Localized; description: Localized };

function optional<T>(spec: ArgSpec<T>): ArgSpec<T | undefined> {
  return { ...spec, optional: true } as ArgSpec<T | undefined>;
}

const good = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (message: string): ParseResult<never> => ({ ok: false, message });

/** A count: ASCII or full-width digits, or Chinese numerals, and an optional 人 / 人次. */
const COUNT = /^(\d+|[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]+)(人次|人)?$/u;
/** A count glued to what follows it: `12人4800元`, `十二人现金`. */
const GLUED_COUNT = /^(\d+|[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]+)(人次|人(?!次))(.+)$/u;

/**
 * How a count may differ from a payment's: `total` takes a township's
 * cumulative figure, which may be 0 and far above one entry's limit, and
 * refuses a negative one in its own words.
 */
interface CountLimits {
  zero?: boolean;
  max?: number;
  negative?: (t: ParseEnv['t']) => string;
}

function people(base: Base, limits: CountLimits = {}): ArgSpec<number> {
  const max = limits.max ?? MAX_PEOPLE_PER_ENTRY;
  return {
    ...base,
    optionType: 'integer',
    optional: false,
    split(raw) {
      if (isQuoted(raw)) return null;
      const m = GLUED_COUNT.exec(normalize(raw));
      return m ? [`${m[1]}${m[2]}`, m[3]!] : null;
    },
    parse(raw, { t }) {
      const token = normalize(raw);
      if (/^[-−]/.test(token) && COUNT.test(token.slice(1))) {
        if (limits.negative) return bad(limits.negative(t));
        return bad(token.slice(1).replace(/人次?$/, '') === '0' ? t.peopleZero() : t.peopleNegative());
      }
      const m = COUNT.exec(token.replace(/^\+/, ''));
      if (!m) return bad(t.peopleInvalid({ token }));
      let n: number;
      if (/^\d+$/.test(m[1]!)) n = Number(m[1]);
      else {
        const r = readChineseInteger(m[1]!);
        if (!r.ok) return bad(t.peopleInvalid({ token }));
        n = Number(r.value);
      }
      if (n === 0 && !limits.zero) return bad(t.peopleZero());
      if (n > max) return bad(t.peopleTooMany({ max: max.toLocaleString('en') }));
      return good(n);
    },
  };
}

/**
 * An amount of money in fen, exactly as written or refused: a word in the
 * amount's place is never passed over as the start of a note (write a note
 * without an amount in quotes).
 */
function amount(base: Base): ArgSpec<number> {
  return {
    ...base,
    optionType: 'string',
    optional: false,
    parse(raw, { t, isAreaName }) {
      const token = normalize(raw);
      const r = parseAmount(token);
      if (r.ok) return good(r.fen);
      // `缴费 12 人 4800`: the people's unit set apart lands here; say so rather than "unreadable amount".
      if (LONE_UNIT.test(token)) return bad(t.unitApart({ unit: token }));
      switch (r.problem) {
        case 'negative':
          return bad(t.amountNegative());
        case 'precision':
          return bad(t.amountPrecision({ token }));
        case 'too_large':
          return bad(t.amountTooLarge({ token }));
        case 'foreign':
          return bad(t.amountForeign({ token }));
        case 'abbreviated':
          return bad(t.amountAbbreviated({ token }));
        default:
          return bad(isAreaName?.(token) ? t.amountIsArea({ token }) : t.amountFormat({ token }));
      }
    },
  };
}

/** A note as given: the text, and whether it was marked as a note (quoted, or a typed option). */
export interface Note {
  text: string;
  /** Quoted or typed on its own: taken as a note whatever it holds. */
  explicit: boolean;
}

/** The longest note an entry keeps. */
export const MAX_NOTE_LENGTH = 200;

/** Whether a word reads as a number or an amount (so a note must not start with it unquoted). */
function looksNumeric(word: string): boolean {
  const w = normalize(word);
  return /^[-−+¥￥$]?\d/.test(w) || parseAmount(w).ok;
}

/** A unit on its own (`pay 12 4800 元`): it belongs to the number before it, not to a note. */
const LONE_UNIT = /^(?:元|圆|万元?|块钱?|人次?|yuan|rmb|cny)$/i;

/**
 * A free-text note after everything else. In a typed line it must not start
 * with a number (`pay 12 4 800` is a split amount, not 4 元 with the note
 * `800`) or with an area's name (`缴费 12 4800 城北街道` most likely meant
 * `in 城北街道`); quoting it (`“800 户”`) says it is a note.
 */
function note(base: Base): ArgSpec<Note> {
  return {
    ...base,
    optionType: 'string',
    optional: false,
    rest: true,
    parse(raw, { t, typed, isAreaName }) {
      const first = tokenize(raw)[0] ?? '';
      const text = (typed ? raw : unquoteWhole(raw)).trim();
      if ([...text].length > MAX_NOTE_LENGTH) return bad(t.noteTooLong({ max: MAX_NOTE_LENGTH, length: [...text].length }));
      const explicit = !!typed || isQuoted(first);
      if (!explicit) {
        if (LONE_UNIT.test(normalize(first))) return bad(t.noteStartsWithUnit({ unit: normalize(first), note: text }));
        if (looksNumeric(first)) return bad(t.noteStartsWithNumber({ note: text }));
        const bare = normalize(first);
        const chars = [...bare];
        for (let k = Math.min(chars.length, 40); k >= 2; k--) {
          const prefix = chars.slice(0, k).join('');
          if (isAreaName?.(prefix)) return bad(t.noteStartsWithArea({ area: prefix, note: text }));
        }
        if (bare.includes('/') && isAreaName?.(bare.split('/').at(-1)!)) return bad(t.noteStartsWithArea({ area: bare, note: text }));
      }
      return good({ text, explicit });
    },
  };
}

function integer(base: Base): ArgSpec<number> {
  return {
    ...base,
    optionType: 'integer',
    optional: false,
    parse(raw, { t }) {
      const token = normalize(raw);
      const n = parseWholeNumber(token);
      return n === null ? bad(t.integerInvalid({ token })) : good(n);
    },
  };
}

function word(base: Base): ArgSpec<string> {
  return { ...base, optionType: 'string', optional: false, parse: (token) => good(token) };
}

function text(base: Base): ArgSpec<string> {
  return { ...base, optionType: 'string', optional: false, rest: true, parse: (token, { typed }) => good(typed ? token : unquoteWhole(token)) };
}

function date(base: Base): ArgSpec<string> {
  return {
    ...base,
    optionType: 'string',
    optional: false,
    parse: (raw, { t }) => {
      const token = normalize(raw);
      const d = parseDate(token);
      return d ? good(d) : bad(t.dateInvalid({ token }));
    },
  };
}

function entry(base: Base): ArgSpec<number> {
  return {
    ...base,
    optionType: 'string',
    optional: false,
    parse(raw, { t }) {
      const token = normalize(raw);
      const m = /^#?(\d{1,12})$/.exec(token);
      return m ? good(Number(m[1])) : bad(t.entryInvalid({ token }));
    },
  };
}

function user(base: Base): ArgSpec<UserRef> {
  return {
    ...base,
    optionType: 'user',
    optional: false,
    parse(token, env) {
      const u = env.resolveUser(token);
      return u ? good(u) : bad(env.t.userInvalid({ token }));
    },
  };
}

function choice<V extends string>(
  base: Base,
  choices: readonly { value: V; aliases: readonly string[]; label: Localized }[],
): ArgSpec<V> {
  return {
    ...base,
    optionType: 'string',
    optional: false,
    choices,
    parse(raw, { t }) {
      const token = normalize(raw);
      const lower = token.toLowerCase();
      const hit = choices.find((c) => c.value === lower || c.aliases.includes(token) || c.aliases.includes(lower));
      return hit
        ? good(hit.value)
        : bad(t.choiceInvalid({ token, choices: choices.map((c) => [c.value, ...c.aliases].join('/')).join(', ') }));
    },
  };
}

/** Argument builders. `arg.optional(arg.amount(…))` makes one optional. */
export const arg = { people, amount, note, integer, word, text, date, entry, user, choice, optional };

/** Gives an argument keywords that introduce it: `in <township>`. */
export function keyword<T>(spec: ArgSpec<T>, ...keywords: string[]): ArgSpec<T> {
  return { ...spec, keywords };
}
