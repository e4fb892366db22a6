/** Matching words against a command's declared arguments. */
import type { ArgSpec, ArgSpecs, ArgValues, ParseEnv } from './args.ts';
import type { Localized, Locale } from '../i18n/index.ts';
import { Refusal } from './refusal.ts';
import { normalize } from './tokens.ts';

function isKeywordOf(spec: ArgSpec<unknown>, token: string): boolean {
  const word = normalize(token).toLowerCase();
  return !!spec.keywords?.some((k) => k.toLowerCase() === word);
}

/**
 * Parses words into argument values, or throws a `Refusal` that says which
 * word is wrong. Positional arguments go in declared order; keyword arguments
 * (`in X`, `target N`) may stand anywhere before a trailing free text.
 */
export function parseArgs<S extends ArgSpecs>(specs: S, tokens: readonly string[], env: ParseEnv): ArgValues<S> {
  const entries = Object.entries(specs);
  const values: Record<string, unknown> = {};
  const done = new Set<string>();
  let i = 0;

  const consumeKeywords = () => {
    for (;;) {
      const token = tokens[i];
      if (token === undefined) return;
      const hit = entries.find(([name, spec]) => !done.has(name) && isKeywordOf(spec, token));
      if (!hit) return;
      const [name, spec] = hit;
      const valueToken = tokens[i + 1];
      if (valueToken === undefined) throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }));
      values[name] = take(spec, valueToken, env);
      done.add(name);
      i += 2;
    }
  };

  for (const [name, spec] of entries) {
    consumeKeywords();
    if (done.has(name)) continue;
    if (spec.keywords) continue; // a keyword argument not given: settled after the loop
    const token = tokens[i];
    const laterKeyword = token !== undefined && entries.some(([n, s]) => !done.has(n) && isKeywordOf(s, token));
    if (spec.rest) {
      if (i < tokens.length) {
        values[name] = take(spec, tokens.slice(i).join(' '), env);
        i = tokens.length;
      } else if (!spec.optional) {
        throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }));
      }
    } else if (token === undefined || laterKeyword) {
      if (!spec.optional) throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }));
    } else if (spec.optional && spec.accepts && !spec.accepts(token)) {
      // An optional positional argument that this word is not meant as.
    } else {
      values[name] = take(spec, token, env);
      i++;
    }
    done.add(name);
  }
  consumeKeywords();
  for (const [name, spec] of entries) {
    if (!done.has(name) && !spec.optional) throw new Refusal(env.t.argMissing({ arg: spec.label[env.locale] }));
  }
  if (i < tokens.length) throw new Refusal(env.t.extraWords({ words: tokens.slice(i).join(' ') }));
  return values as ArgValues<S>;
}

function take(spec: ArgSpec<unknown>, token: string, env: ParseEnv): unknown {
  const r = spec.parse(token, env);
  if (!r.ok) throw new Refusal(r.message);
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
