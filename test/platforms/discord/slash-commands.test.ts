/** The `/enroll` JSON says what the declarations say, and interaction options come back as the same command line. */
import { describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType as T, type APIApplicationCommandOption } from 'discord.js';
import { commands } from '../../../commands/index.ts';
import { arg, type ArgSpecs } from '../../../src/core/args.ts';
import { defineCommand, type AnyCommand } from '../../../src/core/command.ts';
import { ok } from '../../../src/core/reply.ts';
import { selectCommand } from '../../../src/core/registry.ts';
import {
  buildSlashCommands,
  commandsOfRoot,
  commandInvocation,
  commandSize,
  MAX_COMMAND_SIZE,
  fitDescription,
  isValidName,
  optionName,
  SHOW_SUBCOMMAND,
  type InteractionOption,
} from '../../../src/platforms/discord/slash-commands.ts';

type Option = APIApplicationCommandOption & {
  options?: Option[];
  required?: boolean;
  choices?: { name: string; value: string; name_localizations?: Record<string, string> }[];
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
};

const [root, admin] = buildSlashCommands(commands);
const top = root!.options as Option[];
const adminTop = admin!.options as Option[];
const byName = (options: Option[] | undefined, name: string) => options?.find((o) => o.name === name);
const TYPES = { string: T.String, integer: T.Integer, user: T.User } as const;

/** Every option of every level, for checking Discord's limits. */
function walk(options: Option[] | undefined, out: Option[] = []): Option[] {
  for (const o of options ?? []) {
    out.push(o);
    walk(o.options, out);
  }
  return out;
}

/** The declared arguments must appear as the options of `option`, typed and localized. */
function expectArgs(option: Option | undefined, args: ArgSpecs) {
  expect(option).toBeDefined();
  const entries = Object.entries(args);
  expect((option!.options ?? []).map((o) => o.name).sort()).toEqual(entries.map(([n]) => optionName(n)).sort());
  for (const [name, spec] of entries) {
    const o = byName(option!.options, optionName(name))!;
    expect(o.type).toBe(TYPES[spec.optionType]);
    expect(o.required).toBe(!spec.optional);
    expect(o.description_localizations).toEqual({ 'zh-CN': fitDescription(spec.description['zh-CN']), 'en-US': fitDescription(spec.description.en) });
    if (spec.choices) expect(o.choices?.map((c) => c.value)).toEqual(spec.choices.map((c) => c.value));
  }
}

describe('buildSlashCommands', () => {
  it('makes /enroll (征缴) for everyone and /enroll-admin (征缴管理) gated to server managers, with localized descriptions', () => {
    expect(buildSlashCommands(commands)).toHaveLength(2);
    expect(root!.name).toBe('enroll');
    expect(root!.name_localizations).toEqual({ 'zh-CN': '征缴', 'en-US': 'enroll' });
    expect(Object.keys(root!.description_localizations!)).toEqual(['zh-CN', 'en-US']);
    expect(root!.default_member_permissions).toBeUndefined();
    expect(admin!.name).toBe('enroll-admin');
    expect(admin!.name_localizations).toEqual({ 'zh-CN': '征缴管理', 'en-US': 'enroll-admin' });
    // Manage Server (1 << 5): members without it do not see the admin commands.
    expect(admin!.default_member_permissions).toBe('32');
    // Admin subcommands are under the admin command only.
    expect(top.map((o) => o.name)).not.toContain('grant');
    expect(adminTop.map((o) => o.name)).toContain('grant');
    expect(byName(top, 'board')!.type).toBe(T.Subcommand);
    expect(byName(adminTop, 'board')!.options!.map((o) => o.name)).toEqual(['post']);
    expect(byName(byName(top, 'lapse')!.options, 'scan')).toBeUndefined();
    expect(byName(byName(adminTop, 'lapse')!.options, 'scan')).toBeDefined();
  });

  it('has a subcommand per command and a group per command with subcommands, under the root of its permission', () => {
    for (const [options, view] of [
      [top, commandsOfRoot(commands, false)],
      [adminTop, commandsOfRoot(commands, true)],
    ] as const) checkRoot(options, view);
  });

  function checkRoot(top: Option[], view: typeof commands) {
    expect(top.map((o) => o.name)).toEqual(view.map((c) => c.name));
    for (const c of view) {
      const o = byName(top, c.name)!;
      if (c.subcommands?.length) {
        expect(o.type).toBe(T.SubcommandGroup);
        const names = [...(c.run ? [SHOW_SUBCOMMAND] : []), ...c.subcommands.map((s) => s.name)];
        expect(o.options!.map((s) => s.name)).toEqual(names);
        if (c.run) expectArgs(byName(o.options, SHOW_SUBCOMMAND), c.args);
        for (const s of c.subcommands) expectArgs(byName(o.options, s.name), s.args);
      } else {
        expect(o.type).toBe(T.Subcommand);
        expectArgs(o, c.args);
      }
      expect(o.description_localizations!['zh-CN']).toBe(fitDescription(c.summary['zh-CN']));
      expect(o.description_localizations!['en-US']).toBe(fitDescription(c.summary.en));
    }
  }

  it('autocompletes areas and open cases, bounds the count, and offers choices for outcomes and help', () => {
    const pay = byName(top, 'pay')!;
    expect(byName(pay.options, 'township')).toMatchObject({ autocomplete: true });
    expect(byName(pay.options, 'people')).toMatchObject({ min_value: 1, max_value: 10_000 });
    expect(byName(byName(top, 'progress')!.options, 'township')).toMatchObject({ autocomplete: true });
    const done = byName(byName(top, 'lapse')!.options, 'done')!;
    expect(byName(done.options, 'case')).toMatchObject({ autocomplete: true });
    expect(byName(done.options, 'outcome')!.choices!.map((c) => c.value)).toEqual(['paid', 'promised', 'refused', 'moved', 'unreachable', 'resident', 'retired', 'deceased', 'elsewhere']);
    const help = byName(top, 'help')!;
    expect(byName(help.options, 'command')!.choices!.map((c) => c.value)).toEqual(commands.map((c) => c.name));
    expect(byName(byName(adminTop, 'target')!.options, 'area')).toMatchObject({ autocomplete: true });
  });

  it('types pay and grant as declared, with Chinese names for zh-CN and choices', () => {
    const pay = byName(top, 'pay')!;
    expect(pay.name_localizations).toEqual({ 'en-US': 'pay', 'zh-CN': '缴费' });
    expect(pay.options!.map((o) => [o.name, o.type, o.required])).toEqual([
      ['people', T.Integer, true],
      ['amount', T.String, false],
      ['township', T.String, false],
      ['note', T.String, false],
    ]);
    expect(byName(pay.options, 'people')!.name_localizations).toEqual({ 'en-US': 'people', 'zh-CN': '人数' });
    const grant = byName(adminTop, 'grant')!;
    expect(byName(grant.options, 'user')!.type).toBe(T.User);
    expect(byName(grant.options, 'role')!.choices).toEqual([
      { name: 'coordinator', name_localizations: { 'zh-CN': '联络员', 'en-US': 'coordinator' }, value: 'coordinator' },
      { name: 'leader', name_localizations: { 'zh-CN': '领导', 'en-US': 'leader' }, value: 'leader' },
      { name: 'admin', name_localizations: { 'zh-CN': '管理员', 'en-US': 'admin' }, value: 'admin' },
      { name: 'cadre', name_localizations: { 'zh-CN': '包户干部', 'en-US': 'cadre' }, value: 'cadre' },
    ]);
  });

  it("keeps within Discord's limits: names, descriptions, required options first", () => {
    for (const o of [root as unknown as Option, ...walk(top), admin as unknown as Option, ...walk(adminTop)]) {
      expect(isValidName(o.name), o.name).toBe(true);
      for (const n of Object.values(o.name_localizations ?? {})) expect(isValidName(n ?? ''), n ?? '').toBe(true);
      for (const d of [o.description, ...Object.values(o.description_localizations ?? {})].map((x) => x ?? '')) {
        expect([...d].length).toBeGreaterThan(0);
        expect([...d].length).toBeLessThanOrEqual(100);
      }
      const required = (o.options ?? []).map((x) => x.required === true);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      expect((o.options ?? []).length).toBeLessThanOrEqual(25);
    }
  });

  it("stays within Discord's total size, counting the longest localization of each field", () => {
    expect(commandSize(root as never)).toBeLessThanOrEqual(MAX_COMMAND_SIZE);
    expect(commandSize(admin as never)).toBeLessThanOrEqual(MAX_COMMAND_SIZE);
    expect(commandSize({ name: 'ab', name_localizations: { 'zh-CN': '甲乙丙' }, description: 'x', options: [{ name: 'c', description: 'yy', choices: [{ name: 'n', value: 'vv' }] }] })).toBe(3 + 1 + 1 + 2 + 1 + 2);
    const many = Array.from({ length: 25 }, (_, i) =>
      defineCommand({
        name: `cmd${String.fromCharCode(97 + i)}`,
        aliases: [],
        summary: { 'zh-CN': '说明'.repeat(40), en: 'd'.repeat(100) },
        permission: 'anyone',
        writes: false,
        args: Object.fromEntries(
          Array.from({ length: 5 }, (_, j) => [`a${String.fromCharCode(97 + j)}`, arg.word({ label: { 'zh-CN': '词', en: 'w' }, description: { 'zh-CN': '长'.repeat(100), en: 'e'.repeat(100) } })]),
        ),
        run: async () => ok(''),
      }),
    );
    expect(() => buildSlashCommands(many)).toThrow(/over Discord's 8000/);
  });

  it('refuses declarations Discord cannot express', () => {
    const leaf = defineCommand({ name: 'c', aliases: [], summary: { 'zh-CN': 'c', en: 'c' }, permission: 'anyone', writes: false, args: {}, run: async () => ok('') });
    const mid = defineCommand({ ...leaf, name: 'b', subcommands: [leaf] });
    const deep = defineCommand({ ...leaf, name: 'a', subcommands: [mid] });
    expect(() => buildSlashCommands([deep])).toThrow(/one level/);
    const showClash = defineCommand({ ...leaf, name: 'a', subcommands: [{ ...leaf, name: 'show' }] });
    expect(() => buildSlashCommands([showClash])).toThrow(/show/);
  });

  it('fits long descriptions: drops the example first, then whole sentences, then cuts', () => {
    expect(fitDescription('short')).toBe('short');
    const long = `${'Log a collection of people and money, '.repeat(2)}with a note. E.g. pay 12 4800 in 城南街道 a long note here.`;
    expect(fitDescription(long)).toBe(long.slice(0, long.indexOf(' E.g.')));
    expect(fitDescription('x'.repeat(150))).toHaveLength(100);
    expect(fitDescription('x'.repeat(150)).endsWith('…')).toBe(true);
  });
});

describe('commandInvocation', () => {
  const sub = (name: string, options: InteractionOption[] = []): InteractionOption => ({ type: T.Subcommand, name, options });
  const o = (type: T, name: string, value: string | number): InteractionOption => ({ type, name, value });

  it('hands each option over under its argument name, as given, with the line for the logs', () => {
    const r = commandInvocation(commands, [
      sub('pay', [o(T.String, 'note', '第一批  上午'), o(T.String, 'township', '城南街道'), o(T.Integer, 'people', 12), o(T.String, 'amount', '4800')]),
    ]);
    expect(r).toEqual({
      path: ['pay'],
      values: { people: '12', amount: '4800', township: '城南街道', note: '第一批  上午' },
      text: 'pay 12 4800 in 城南街道 第一批  上午',
    });
    expect(commandInvocation(commands, [sub('pay', [o(T.Integer, 'people', 3)])])).toEqual({ path: ['pay'], values: { people: '3' }, text: 'pay 3' });
  });

  it('keeps a note that looks like an amount or an in clause a note', () => {
    const r = commandInvocation(commands, [sub('pay', [o(T.Integer, 'people', 12), o(T.String, 'note', 'in 城北街道')])]);
    expect(r?.values).toEqual({ people: '12', note: 'in 城北街道' });
  });

  it('maps groups, their show subcommand and users', () => {
    const group = (name: string, inner: InteractionOption): InteractionOption => ({ type: T.SubcommandGroup, name, options: [inner] });
    expect(commandInvocation(commands, [group('campaign', sub('show'))])).toMatchObject({ path: ['campaign'], values: {} });
    expect(commandInvocation(commands, [group('campaign', sub('start', [o(T.String, 'value', '2026-09-01')]))])).toMatchObject({
      path: ['campaign', 'start'],
      values: { value: '2026-09-01' },
    });
    expect(commandInvocation(commands, [group('township', sub('add', [o(T.String, 'name', '城南街道'), o(T.Integer, 'target', 28000)]))])).toMatchObject({
      path: ['township', 'add'],
      values: { name: '城南街道', target: '28000' },
    });
    expect(commandInvocation(commands, [sub('grant', [o(T.User, 'user', '123'), o(T.String, 'role', 'admin')])])).toMatchObject({
      path: ['grant'],
      values: { user: '<@123>', role: 'admin' },
    });
    expect(commandInvocation(commands, [sub('nope')])).toBeNull();
    expect(commandInvocation(commands, [])).toBeNull();
  });

  it('round-trips every declared form: the path selects the same command', () => {
    const sample = { string: 'x1', integer: 7, user: '42' } as const;
    const forms = commands.flatMap((c): { path: string[]; command: AnyCommand; options: InteractionOption[] }[] => {
      const opts = (cmd: AnyCommand) =>
        Object.entries(cmd.args as ArgSpecs).map(([n, s]) => o(s.optionType === 'integer' ? T.Integer : s.optionType === 'user' ? T.User : T.String, optionName(n), s.choices?.[0]?.value ?? sample[s.optionType]));
      if (!c.subcommands?.length) return [{ path: [c.name], command: c, options: [sub(c.name, opts(c))] }];
      const inner = (c.run ? [{ name: SHOW_SUBCOMMAND, cmd: c, path: [c.name] }] : []).concat(
        c.subcommands.map((s) => ({ name: s.name, cmd: s, path: [c.name, s.name] })),
      );
      return inner.map((i) => ({ path: i.path, command: i.cmd, options: [{ type: T.SubcommandGroup, name: c.name, options: [sub(i.name, opts(i.cmd))] }] }));
    });
    expect(forms.length).toBeGreaterThan(10);
    for (const f of forms) {
      const r = commandInvocation(commands, f.options);
      expect(r?.path, f.path.join(' ')).toEqual(f.path);
      const selected = selectCommand(commands, r!.path);
      expect(selected?.path).toEqual(f.path);
      expect(selected?.command).toBe(f.command);
      expect(Object.keys(r!.values).sort()).toEqual(Object.keys(f.command.args).sort());
    }
  });

  it('names options from argument names', () => {
    expect(optionName('townshipName')).toBe('township_name');
    expect(() => optionName('has space')).toThrow();
    const cmd = defineCommand({
      name: 'x',
      aliases: [],
      summary: { 'zh-CN': 'x', en: 'x' },
      permission: 'anyone',
      writes: false,
      args: { areaName: arg.word({ label: { 'zh-CN': '地区', en: 'area' }, description: { 'zh-CN': 'd', en: 'd' } }) },
      run: async () => ok(''),
    });
    const [built] = buildSlashCommands([cmd]);
    expect((built!.options![0] as Option).options![0]!.name).toBe('area_name');
  });
});
