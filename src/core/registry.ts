/** Finding commands by name or alias, and checking the registry on load. */
import type { AnyCommand } from './command.ts';
import type { ArgSpecs } from './args.ts';
import { normalize } from './tokens.ts';
import { EnrollbotError } from './errors.ts';

const fold = (word: string) => normalize(word).toLowerCase();

function matches(command: AnyCommand, word: string): boolean {
  const w = fold(word);
  return command.name === w || command.aliases.some((a) => a.toLowerCase() === w);
}

export function findCommand(commands: readonly AnyCommand[], word: string): AnyCommand | undefined {
  return commands.find((c) => matches(c, word));
}

/** Depth-first over every subcommand, with the chain of commands from the top down to it. */
function* subcommandChains(commands: readonly AnyCommand[], parents: AnyCommand[] = []): Generator<AnyCommand[]> {
  for (const c of commands) {
    const chain = [...parents, c];
    if (parents.length) yield chain;
    if (c.subcommands) yield* subcommandChains(c.subcommands, chain);
  }
}

/** The subcommand a standalone alias selects (`已劝缴` → lapse, done), as the chain from the top. */
function standaloneChain(commands: readonly AnyCommand[], word: string): AnyCommand[] | undefined {
  const w = fold(word);
  for (const chain of subcommandChains(commands)) {
    if (chain.at(-1)!.standaloneAliases?.some((a) => a.toLowerCase() === w)) return chain;
  }
  return undefined;
}

/** Whether a word is written in Chinese (or any script without spaces between words). */
const cjk = (word: string) => /[^\x00-\x7f]/.test(word);

/**
 * Splits a Chinese command word from what follows it without a space
 * (`缴费12人` → `缴费`, `12人`; `查询城南街道` → `查询`, `城南街道`), as Chinese is
 * written. Only a non-ASCII name or alias of a top-level command or a
 * standalone alias is split off, the longest that fits; a word that is itself
 * a command stays whole. Other lines come back as they are.
 */
export function splitGluedCommand(commands: readonly AnyCommand[], tokens: readonly string[]): readonly string[] {
  const first = tokens[0];
  if (first === undefined || findCommand(commands, first) || standaloneChain(commands, first)) return tokens;
  const word = normalize(first);
  const words = [
    ...commands.flatMap((c) => c.aliases),
    ...[...subcommandChains(commands)].flatMap((chain) => chain.at(-1)!.standaloneAliases ?? []),
  ].filter((w) => cjk(w) && word.length > w.length && word.startsWith(w));
  const longest = words.sort((a, b) => b.length - a.length)[0];
  return longest ? [longest, word.slice(longest.length), ...tokens.slice(1)] : tokens;
}

/** What a line of words selects. */
export interface Selected {
  command: AnyCommand;
  /** The commands from the top-level one down to `command`. */
  chain: AnyCommand[];
  /** Their names: `['lapse', 'done']`. */
  path: string[];
  /** The words left for the arguments. */
  rest: string[];
}

/** The command a line of words selects, descending into subcommands, and the words left for its arguments. */
export function selectCommand(commands: readonly AnyCommand[], tokens: readonly string[]): Selected | undefined {
  const first = tokens[0];
  if (first === undefined) return undefined;
  const top = findCommand(commands, first);
  const chain = top ? [top] : standaloneChain(commands, first);
  if (!chain) return undefined;
  let command = chain.at(-1)!;
  let i = 1;
  for (;;) {
    const next = tokens[i];
    const sub: AnyCommand | undefined =
      next !== undefined && command.subcommands ? findCommand(command.subcommands, next) : undefined;
    if (!sub) break;
    command = sub;
    chain.push(sub);
    i++;
  }
  return { command, chain, path: chain.map((c) => c.name), rest: tokens.slice(i) };
}

/** The words for a chain's parents in the script of `alias`: `排行` for a Chinese alias of `board post`, `board` otherwise. */
function parentWords(chain: readonly AnyCommand[], alias: string): string {
  const chinese = cjk(alias);
  return chain
    .slice(0, -1)
    .map((c) => (chinese ? (c.aliases.find(cjk) ?? c.name) : c.name))
    .join(' ');
}

/**
 * Every other way to write a command, as a user types it: a top-level
 * command's aliases; a subcommand's aliases after its parent's word
 * (`排行 发布` for `board post`), so that none looks like a command of its
 * own; and a subcommand's standalone aliases.
 */
export function aliasForms(chain: readonly AnyCommand[]): string[] {
  const command = chain.at(-1)!;
  if (chain.length === 1) return [...command.aliases];
  return [...command.aliases.map((a) => `${parentWords(chain, a)} ${a}`), ...(command.standaloneAliases ?? [])];
}

/**
 * For a word that is no command but names a subcommand (`发布`, `post`): how
 * to write that subcommand (`排行 发布`, `board post`).
 */
export function subcommandHint(commands: readonly AnyCommand[], word: string): string | undefined {
  for (const chain of subcommandChains(commands)) {
    const sub = chain.at(-1)!;
    if (!matches(sub, word)) continue;
    const written = sub.name === fold(word) ? sub.name : normalize(word);
    return `${parentWords(chain, written)} ${written}`;
  }
  return undefined;
}

/**
 * Throws when the registry is inconsistent: a name or alias used twice at one
 * level, a free-text argument that is not last, a group without subcommands,
 * a standalone alias on a top-level command or taken by a top-level word.
 */
export function validateCommands(commands: readonly AnyCommand[], where = 'commands'): void {
  validateLevel(commands, where, true);
  const top = new Map(commands.flatMap((c) => [c.name, ...c.aliases].map((w) => [w.toLowerCase(), c.name] as const)));
  for (const chain of subcommandChains(commands)) {
    const sub = chain.at(-1)!;
    for (const word of (sub.standaloneAliases ?? []).map((w) => w.toLowerCase())) {
      const path = chain.map((c) => c.name).join(' ');
      const other = top.get(word);
      if (other) throw new EnrollbotError('command_definition', `${where}: "${word}" names both ${other} and ${path}`);
      top.set(word, path);
    }
  }
}

function validateLevel(commands: readonly AnyCommand[], where: string, topLevel: boolean): void {
  const seen = new Map<string, string>();
  for (const c of commands) {
    for (const word of [c.name, ...c.aliases].map((w) => w.toLowerCase())) {
      const other = seen.get(word);
      if (other) throw new EnrollbotError('command_definition', `${where}: "${word}" names both ${other} and ${c.name}`);
      seen.set(word, c.name);
    }
    if (!/^[a-z][a-z-]*$/.test(c.name)) throw new EnrollbotError('command_definition', `${where}: command name "${c.name}" must be lower-case ASCII`);
    if (topLevel && c.standaloneAliases?.length) throw new EnrollbotError('command_definition', `${where} ${c.name}: only a subcommand has standalone aliases`);
    const specs = Object.entries(c.args as ArgSpecs);
    specs.forEach(([name, spec], i) => {
      if (spec.rest && i !== specs.length - 1) throw new EnrollbotError('command_definition', `${where} ${c.name}: free text "${name}" must be the last argument`);
    });
    if (!c.run && !c.subcommands?.length) throw new EnrollbotError('command_definition', `${where} ${c.name}: neither runs nor has subcommands`);
    if (c.subcommands) validateLevel(c.subcommands, `${where} ${c.name}`, false);
  }
}
