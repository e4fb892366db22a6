/** Matching words against a command's declared arguments. */
import type { ArgSpec, ArgSpecs, ArgValues, ParseEnv } from './args.ts';
import type { Localized, Locale } from '../i18n/index.ts';
import { Refusal } from './refusal.ts';
import { isQuoted, normalize } from './tokens.ts';

function isKeywordOf(spec: ArgSpec<unknown>, token: string): boolean {
  if (isQuoted(token)) return false;
  const word = normalize(token).toLowerCase();
  return !!spec.keywords?.some((k) => k.toLowerCase() === word);
}

/**
 * Parses the words of a typed line into argument values, or throws a
 * `Refusal` that says which word is wrong. A keyword argument (`in X`,
 * `target N`) may stand anywhere in the line, once; the other words fill the
 * positional arguments in declared order, the last of which may take the rest
 * as free text. A quoted word (`“现金”`) is text: it is never a keyword, and
 * an optional positional argument passes it by to the text after it.
 */
export function parseArgs<S extends ArgSpecs>(specs: S, tokens: readonly string[], env: ParseEnv): ArgValues<S> {
  const entries = Object.entries(specs);
  const values: Record<string, unknown> = {};
  const words = [...tokens];

  for (const [name, spec] of entries) {
    if (!spec.keywords) continue;
    const at = words.flatMap((w, i) => (isKeywordOf(spec, w) ? [i] : []));
    if (at.length > 1) throw new Refusal(env.t.keywordTwice({ keyword: normalize(words[at[1]!]!) }), { code: 'invalid_input' });
    if (at.length === 0) {
      if (!spec.optional) throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }), { code: 'invalid_input' });
      continue;
    }
    const i = at[0]!;
    const valueToken = words[i + 1];
    if (valueToken === undefined || entries.some(([, s]) => isKeywordOf(s, valueToken))) {
      throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }), { code: 'invalid_input' });
    }
    values[name] = take(spec, valueToken, env);
    words.splice(i, 2);
  }

  let i = 0;
  for (const [name, spec] of entries) {
    if (spec.keywords) continue;
    const token = words[i];
    if (spec.rest) {
      if (i < words.length) {
        values[name] = take(spec, words.slice(i).join(' '), env);
        i = words.length;
      } else if (!spec.optional) {
        throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }), { code: 'invalid_input' });
      }
    } else if (token === undefined) {
      if (!spec.optional) throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }), { code: 'invalid_input' });
    } else if (spec.optional && isQuoted(token)) {
      // Quoted text is never an optional argument's value: it belongs to the free text after it.
    } else {
      const parts = spec.split?.(token);
      if (parts) words.splice(i, 1, ...parts);
      values[name] = take(spec, words[i]!, env);
      i++;
    }
  }
  if (i < words.length) throw new Refusal(env.t.extraWords({ words: words.slice(i).join(' ') }), { code: 'invalid_input' });
  return values as ArgValues<S>;
}

/**
 * Parses arguments given one by one (a Discord command's options): each
 * value by its own argument's parser, exactly as given. Nothing is split,
 * joined or moved between arguments, so a note that holds `in 城北街道` or
 * `4800` stays a note.
 */
export function parseTypedArgs<S extends ArgSpecs>(
  specs: S,
  given: Readonly<Record<string, string | undefined>>,
  env: ParseEnv,
): ArgValues<S> {
  const values: Record<string, unknown> = {};
  const typedEnv: ParseEnv = { ...env, typed: true };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = given[name];
    if (raw === undefined || raw.trim() === '') {
      if (!spec.optional) throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }), { code: 'invalid_input' });
      continue;
    }
    values[name] = take(spec, raw.trim(), typedEnv);
  }
  return values as ArgValues<S>;
}

function take(spec: ArgSpec<unknown>, token: string, env: ParseEnv): unknown {
  const r = spec.parse(token, env);
  if (!r.ok) throw new Refusal(r.message, { code: 'invalid_input' });
  return r.value;
}

/** `pay <people> [<amount>] [in <township>] [<note…>]`, in a locale. */
export function usage(path: string, specs: ArgSpecs, locale: Locale): string {
  const parts = [path];
  for (const spec of Object.values(specs)) {
    const label = (spec.label as Localized)[locale];
    const core = `${spec.keywords ? `${spec.keywords[0]} ` : ''}<${label}${spec.rest ? '…' : ''}>`;
    parts.push(spec.optional ? `[${core}]` : core);
  }
  return parts.join(' ');
}
