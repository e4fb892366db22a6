/**
 * The `/enroll` slash command, generated from the same command declarations
 * the dispatcher parses, and the way back: an interaction's options turned
 * into one command line for `dispatcher.handle`. No command is written twice.
 *
 * Shape: two top-level commands, `enroll` (征缴) for everyone and
 * `enroll-admin` (征缴管理) for the admin commands, which Discord shows only
 * to members who may manage the server (`default_member_permissions`; the
 * bot still checks its own admin role). Every command is a subcommand; a
 * command with subcommands (`campaign`, `township`) is a subcommand group,
 * and when the group also runs bare (`campaign` shows the campaign) it gets
 * a `show` subcommand for that. A group with subcommands of both kinds
 * (`board` and `board post`) appears under each root with its own.
 *
 * Options are typed: areas and open cases are autocompleted (answered by
 * the platform from the database), counts are integers with bounds,
 * outcomes and `help`'s command are choices.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandGroupOption,
  type APIApplicationCommandSubcommandOption,
  type LocalizationMap,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { ArgSpec, ArgSpecs } from '../../core/args.ts';
import type { AnyCommand } from '../../core/command.ts';
import type { Localized } from '../../i18n/index.ts';
import { EnrollbotError } from '../../core/errors.ts';

/** The top-level command's name, and the admin commands'. */
export const ROOT_COMMAND = 'enroll';
export const ADMIN_COMMAND = 'enroll-admin';
/** Their names in Chinese clients. */
const ROOT_ZH = '征缴';
const ADMIN_ZH = '征缴管理';
/** Manage Server: who sees the admin command by default (a server admin may change it per role). */
const MANAGE_GUILD = String(1 << 5);

/** What an autocompleted option suggests. */
export type AutocompleteKind = 'area' | 'case';

/** Options that name an area or an open case, by option name: they are autocompleted. */
const AUTOCOMPLETE: Readonly<Record<string, AutocompleteKind>> = { township: 'area', area: 'area', under: 'area', case: 'case' };

/** The autocomplete kind of an option, or null. */
export function autocompleteKind(optionName: string): AutocompleteKind | null {
  return AUTOCOMPLETE[optionName] ?? null;
}

/** Integer options' bounds by option name; others are whole numbers from 0. */
const INTEGER_BOUNDS: Readonly<Record<string, { min_value: number; max_value?: number }>> = { people: { min_value: 1, max_value: 10_000 } };
/** The subcommand that runs a group bare (`/enroll campaign show` = `campaign`). */
export const SHOW_SUBCOMMAND = 'show';

const ROOT_SUMMARY: Localized = {
  'zh-CN': '医保征缴：登记收缴、查看排行和进度、劝缴（help 查看全部命令）。',
  en: 'Enrollment campaign: log collections, see the board and progress, follow up lapses (see help).',
};
const ADMIN_SUMMARY: Localized = {
  'zh-CN': '医保征缴管理：乡镇、任务、绑定频道、授权、发布通报、筛查断缴（仅管理员）。',
  en: 'Enrollment admin: townships, targets, channels, roles, posting the board, lapse scans (admins).',
};
const SHOW_SUMMARY: Localized = { 'zh-CN': '查看', en: 'show' };

/** Discord's rule for command and option names (lower case is checked apart). */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const MAX_DESCRIPTION = 100;
const MAX_OPTIONS = 25;
/** Discord's limit on a command's names, descriptions and choice values together. */
export const MAX_COMMAND_SIZE = 8000;

/** Whether a word may serve as a command or option name on Discord. */
export function isValidName(name: string): boolean {
  return NAME.test(name) && name === name.toLowerCase();
}

/** `townshipName` → `township_name`: the option name of a declared argument. */
export function optionName(argName: string): string {
  const name = argName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (!isValidName(name)) throw new EnrollbotError('command_definition', `argument "${argName}" cannot be a Discord option name`);
  return name;
}

/**
 * Fits a text into Discord's 100 characters: without its example (`E.g. …`,
 * `例：…`) if that is enough, else the whole sentences that fit, else a cut
 * with an ellipsis.
 */
export function fitDescription(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim() || '-';
  const len = (s: string) => [...s].length;
  if (len(clean) <= MAX_DESCRIPTION) return clean;
  const bare = clean.replace(/\s*(?:E\.g\.|例：).*$/u, '').trim();
  if (len(bare) >= 20 && len(bare) <= MAX_DESCRIPTION) return bare;
  const chars = [...clean].slice(0, MAX_DESCRIPTION);
  const head = chars.join('');
  let end = head.lastIndexOf('。');
  for (const m of head.matchAll(/[.!?](?=\s)/g)) if (!/e\.g$/i.test(head.slice(0, m.index + 1).slice(-3))) end = Math.max(end, m.index);
  if (end >= 20) return head.slice(0, end + 1).trim();
  return `${chars.slice(0, MAX_DESCRIPTION - 1).join('')}…`;
}

function descriptions(text: Localized): { description: string; description_localizations: LocalizationMap } {
  return {
    description: fitDescription(text.en),
    description_localizations: { 'zh-CN': fitDescription(text['zh-CN']), 'en-US': fitDescription(text.en) },
  };
}

/** Name localizations: a Chinese word for zh-CN when one is valid and not taken by a sibling. */
function nameLocalizations(name: string, zh: string | undefined, taken: Set<string>): LocalizationMap {
  const map: LocalizationMap = { 'en-US': name };
  const word = zh?.toLowerCase();
  if (word && word !== name && isValidName(word) && !taken.has(word)) {
    taken.add(word);
    map['zh-CN'] = word;
  }
  return map;
}

/** The first alias that is not plain ASCII (`缴费` for `pay`). */
function chineseAlias(command: AnyCommand): string | undefined {
  return command.aliases.find((a) => /[^\x00-\x7f]/.test(a) && isValidName(a.toLowerCase()));
}

function optionType(spec: ArgSpec<unknown>): ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.User {
  switch (spec.optionType) {
    case 'integer':
      return ApplicationCommandOptionType.Integer;
    case 'user':
      return ApplicationCommandOptionType.User;
    default:
      return ApplicationCommandOptionType.String;
  }
}

function buildOptions(args: ArgSpecs, where: string, helpChoices: readonly string[] = []): APIApplicationCommandBasicOption[] {
  const taken = new Set<string>();
  const options = Object.entries(args).map(([argName, spec]) => {
    const name = optionName(argName);
    taken.add(name);
    const type = optionType(spec);
    const option = {
      type,
      name,
      name_localizations: nameLocalizations(name, spec.label['zh-CN'], taken),
      ...descriptions(spec.description),
      required: !spec.optional,
    } as APIApplicationCommandBasicOption;
    if (type === ApplicationCommandOptionType.Integer) Object.assign(option, INTEGER_BOUNDS[name] ?? { min_value: 0 });
    if (type === ApplicationCommandOptionType.String && !spec.choices?.length) {
      if (autocompleteKind(name)) Object.assign(option, { autocomplete: true });
      else if (where === `/${ROOT_COMMAND} help` && helpChoices.length) {
        Object.assign(option, { choices: helpChoices.slice(0, MAX_OPTIONS).map((c) => ({ name: c, value: c })) });
      }
    }
    if (spec.choices?.length && type === ApplicationCommandOptionType.String) {
      Object.assign(option, {
        choices: spec.choices.map((c) => ({
          name: fitDescription(c.label.en),
          name_localizations: { 'zh-CN': fitDescription(c.label['zh-CN']), 'en-US': fitDescription(c.label.en) },
          value: c.value,
        })),
      });
    }
    return option;
  });
  if (options.length > MAX_OPTIONS) throw new EnrollbotError('command_definition', `${where}: more than ${MAX_OPTIONS} options`);
  // Discord wants required options first; the command line is rebuilt in declared order anyway.
  return [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
}

function subcommand(
  name: string,
  summary: Localized,
  args: ArgSpecs,
  zhName: string | undefined,
  taken: Set<string>,
  where: string,
  helpChoices: readonly string[] = [],
): APIApplicationCommandSubcommandOption {
  if (!isValidName(name)) throw new EnrollbotError('command_definition', `${where}: "${name}" is not a valid Discord name`);
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name,
    name_localizations: nameLocalizations(name, zhName, taken),
    ...descriptions(summary),
    options: buildOptions(args, where, helpChoices),
  };
}

function group(command: AnyCommand, taken: Set<string>, root: string): APIApplicationCommandSubcommandGroupOption {
  const where = `/${root} ${command.name}`;
  const inner = new Set<string>();
  const subs: APIApplicationCommandSubcommandOption[] = [];
  if (command.run) {
    if (command.subcommands!.some((s) => s.name === SHOW_SUBCOMMAND)) {
      throw new EnrollbotError('command_definition', `${where}: runs bare and also has a "${SHOW_SUBCOMMAND}" subcommand`);
    }
    subs.push(subcommand(SHOW_SUBCOMMAND, command.summary, command.args, SHOW_SUMMARY['zh-CN'], inner, `${where} ${SHOW_SUBCOMMAND}`));
  }
  for (const sub of command.subcommands!) {
    if (sub.subcommands?.length) throw new EnrollbotError('command_definition', `${where} ${sub.name}: Discord allows only one level of subcommand groups`);
    subs.push(subcommand(sub.name, sub.summary, sub.args, chineseAlias(sub), inner, `${where} ${sub.name}`));
  }
  if (subs.length > MAX_OPTIONS) throw new EnrollbotError('command_definition', `${where}: more than ${MAX_OPTIONS} subcommands`);
  return {
    type: ApplicationCommandOptionType.SubcommandGroup,
    name: command.name,
    name_localizations: nameLocalizations(command.name, chineseAlias(command), taken),
    ...descriptions(command.summary),
    options: subs,
  };
}

interface Sized {
  name: string;
  name_localizations?: LocalizationMap | null;
  description?: string;
  description_localizations?: LocalizationMap | null;
  choices?: readonly { name: string; name_localizations?: LocalizationMap | null; value: string | number }[];
  options?: readonly unknown[];
}

const longest = (base: string, map?: LocalizationMap | null) =>
  Math.max([...base].length, ...Object.values(map ?? {}).map((v) => [...(v ?? '')].length));

/**
 * A command's size as Discord counts it: names, descriptions and choice
 * values of the command and every option, taking the longest localization
 * of each field.
 */
export function commandSize(node: Sized): number {
  let n = longest(node.name, node.name_localizations);
  if (node.description !== undefined) n += longest(node.description, node.description_localizations);
  for (const c of node.choices ?? []) n += longest(c.name, c.name_localizations) + String(c.value).length;
  for (const o of node.options ?? []) n += commandSize(o as Sized);
  return n;
}

/**
 * The commands one root holds: the admin ones (`admin`), or everyone's. A
 * group keeps only its subcommands of that kind, and runs bare only under
 * the root its own permission belongs to; a group left with no subcommand
 * becomes a plain command (or is left out).
 */
export function commandsOfRoot(commands: readonly AnyCommand[], admin: boolean): AnyCommand[] {
  const mine = (c: AnyCommand) => (c.permission === 'admin') === admin;
  const out: AnyCommand[] = [];
  for (const c of commands) {
    const subs = (c.subcommands ?? []).filter(mine);
    const runsHere = c.run !== undefined && mine(c);
    if (subs.length) out.push({ ...c, subcommands: subs, ...(runsHere ? {} : { run: undefined }) });
    else if (runsHere) out.push({ ...c, subcommands: [] });
  }
  return out;
}

function rootCommand(
  name: string,
  zh: string,
  summary: Localized,
  commands: readonly AnyCommand[],
  helpChoices: readonly string[],
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const taken = new Set<string>(commands.map((c) => c.name));
  const options = commands.map((c) =>
    c.subcommands?.length ? group(c, taken, name) : subcommand(c.name, c.summary, c.args, chineseAlias(c), taken, `/${name} ${c.name}`, helpChoices),
  );
  if (options.length > MAX_OPTIONS) throw new EnrollbotError('command_definition', `/${name}: more than ${MAX_OPTIONS} subcommands`);
  const root: RESTPostAPIChatInputApplicationCommandsJSONBody = {
    type: ApplicationCommandType.ChatInput,
    name,
    name_localizations: { 'zh-CN': zh, 'en-US': name },
    ...descriptions(summary),
    options,
  };
  const size = commandSize(root as Sized);
  if (size > MAX_COMMAND_SIZE) throw new EnrollbotError('command_definition', `/${name}: ${size} characters of names and descriptions, over Discord's ${MAX_COMMAND_SIZE}`);
  return root;
}

/**
 * The application commands to register (bulk overwrite): `/enroll` with a
 * subcommand or subcommand group per command everyone may be given, and
 * `/enroll-admin` with the admin ones, hidden by default from members who
 * cannot manage the server. Throws when a declaration cannot be expressed
 * within Discord's limits.
 */
export function buildSlashCommands(commands: readonly AnyCommand[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const helpChoices = commands.map((c) => c.name);
  const everyone = rootCommand(ROOT_COMMAND, ROOT_ZH, ROOT_SUMMARY, commandsOfRoot(commands, false), helpChoices);
  const adminCommands = commandsOfRoot(commands, true);
  if (adminCommands.length === 0) return [everyone];
  const admin = { ...rootCommand(ADMIN_COMMAND, ADMIN_ZH, ADMIN_SUMMARY, adminCommands, helpChoices), default_member_permissions: MANAGE_GUILD };
  return [everyone, admin];
}

/** An interaction option as discord.js (and the API) hands it over. */
export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: readonly InteractionOption[];
}

/**
 * What an `/enroll` interaction asks for: the command's path and each
 * option's value under its declared argument name, for the dispatcher to
 * read one by one (`parseTypedArgs`); `text` is the line a user would have
 * typed, for the logs. User options become mentions (`<@123>`), which the
 * platform resolves like typed ones.
 */
export interface Invocation {
  path: string[];
  values: Record<string, string>;
  text: string;
}

/** The invocation an `/enroll` interaction's options describe, or null when they match no declared command. */
export function commandInvocation(commands: readonly AnyCommand[], options: readonly InteractionOption[]): Invocation | null {
  const first = options[0];
  if (!first) return null;
  const top = commands.find((c) => c.name === first.name);
  if (!top) return null;
  let command: AnyCommand = top;
  const path = [top.name];
  let given = first.options ?? [];
  if (first.type === ApplicationCommandOptionType.SubcommandGroup) {
    const inner = given[0];
    if (!inner) return null;
    if (inner.name !== SHOW_SUBCOMMAND || !top.run) {
      const sub = top.subcommands?.find((s) => s.name === inner.name);
      if (!sub) return null;
      command = sub;
      path.push(sub.name);
    }
    given = inner.options ?? [];
  } else if (first.type !== ApplicationCommandOptionType.Subcommand) {
    return null;
  }
  const values: Record<string, string> = {};
  const words = [...path];
  for (const [argName, spec] of Object.entries(command.args as ArgSpecs)) {
    const option = given.find((o) => o.name === optionName(argName));
    if (option?.value === undefined) continue;
    const value = spec.optionType === 'user' ? `<@${String(option.value)}>` : String(option.value);
    values[argName] = value;
    words.push(...(spec.keywords ? [spec.keywords[0]!, value] : [value]));
  }
  return { path, values, text: words.join(' ') };
}
