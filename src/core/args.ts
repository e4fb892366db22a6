/**
 * Argument declarations. A command declares its arguments once with these
 * builders; the same declaration drives parsing, usage text, help and the
 * Discord slash-command options.
 */
import type { Catalogue, Locale, Localized } from '../i18n/index.ts';
import { looksLikeAmount, parseAmount } from '../domain/money.ts';
import { parseDate } from '../domain/calendar.ts';
import { normalize } from './tokens.ts';
import { parseWholeNumber } from '../domain/whole-number.ts';

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
  /** For an optional positional argument: whether this word is meant as it. */
  accepts?(token: string): boolean;
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

function people(base: Base): ArgSpec<number> {
  return {
    ...base,
    optionType: 'integer',
    optional: false,
    parse(raw, { t }) {
      const token = normalize(raw);
      const m = /^([-−+]?)(\d+)(?:人次|人)?$/.exec(token);
      if (!m) return bad(t.peopleInvalid({ token }));
      const n = Number(m[2]);
      if (m[1] === '-' || m[1] === '−') return bad(n === 0 ? t.peopleZero() : t.peopleNegative());
      if (n === 0) return bad(t.peopleZero());
      if (n > MAX_PEOPLE_PER_ENTRY) return bad(t.peopleTooMany({ max: MAX_PEOPLE_PER_ENTRY.toLocaleString('en') }));
      return good(n);
    },
  };
}

function amount(base: Base): ArgSpec<number> {
  return {
    ...base,
    optionType: 'string',
    optional: false,
    accepts: (raw) => looksLikeAmount(normalize(raw)),
    parse(raw, { t }) {
      const token = normalize(raw);
      const r = parseAmount(token);
      if (r.ok) return good(r.fen);
      switch (r.problem) {
        case 'negative':
          return bad(t.amountNegative());
        case 'precision':
          return bad(t.amountPrecision({ token }));
        case 'too_large':
          return bad(t.amountTooLarge({ token }));
        default:
          return bad(t.amountFormat({ token }));
      }
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
  return { ...base, optionType: 'string', optional: false, rest: true, parse: (token) => good(token) };
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
export const arg = { people, amount, integer, word, text, date, entry, user, choice, optional };

/** Gives an argument keywords that introduce it: `in <township>`. */
export function keyword<T>(spec: ArgSpec<T>, ...keywords: string[]): ArgSpec<T> {
  return { ...spec, keywords };
}
