/** Finding commands by name or alias, and checking the registry on load. */
import type { AnyCommand } from './command.ts';
import type { ArgSpecs } from './args.ts';
import { normalize } from './tokens.ts';

function matches(command: AnyCommand, word: string): boolean {
  const w = normalize(word).toLowerCase();
  return command.name === w || command.aliases.some((a) => a.toLowerCase() === w);
}

export function findCommand(commands: readonly AnyCommand[], word: string): AnyCommand | undefined {
  return commands.find((c) => matches(c, word));
}

/** The command a line of words selects, descending into subcommands, and the words left for its arguments. */
export function selectCommand(
  commands: readonly AnyCommand[],
  tokens: readonly string[],
): { command: AnyCommand; path: string[]; rest: string[] } | undefined {
  const first = tokens[0];
  if (first === undefined) return undefined;
  const top = findCommand(commands, first);
  if (!top) return undefined;
  let command: AnyCommand = top;
  const path = [command.name];
  let i = 1;
  for (;;) {
    const next = tokens[i];
    const sub: AnyCommand | undefined =
      next !== undefined && command.subcommands ? findCommand(command.subcommands, next) : undefined;
    if (!sub) break;
    command = sub;
    path.push(sub.name);
    i++;
  }
  return { command, path, rest: tokens.slice(i) };
}

/**
 * Throws when the registry is inconsistent: a name or alias used twice at one
 * level, a free-text argument that is not last, a group without subcommands.
 */
export function validateCommands(commands: readonly AnyCommand[], where = 'commands'): void {
  const seen = new Map<string, string>();
  for (const c of commands) {
    for (const word of [c.name, ...c.aliases].map((w) => w.toLowerCase())) {
      const other = seen.get(word);
      if (other) throw new Error(`${where}: "${word}" names both ${other} and ${c.name}`);
      seen.set(word, c.name);
    }
    if (!/^[a-z][a-z-]*$/.test(c.name)) throw new Error(`${where}: command name "${c.name}" must be lower-case ASCII`);
    const specs = Object.entries(c.args as ArgSpecs);
    specs.forEach(([name, spec], i) => {
      if (spec.rest && i !== specs.length - 1) throw new Error(`${where} ${c.name}: free text "${name}" must be the last argument`);
    });
    if (!c.run && !c.subcommands?.length) throw new Error(`${where} ${c.name}: neither runs nor has subcommands`);
    if (c.subcommands) validateCommands(c.subcommands, `${where} ${c.name}`);
  }
}
