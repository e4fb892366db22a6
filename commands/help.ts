/** `help [<command>]`: usage, in the user's language. */
import { arg } from '../src/core/args.ts';
import { defineCommand, type AnyCommand } from '../src/core/command.ts';
import { ok } from '../src/core/reply.ts';
import { usage } from '../src/core/parse-args.ts';
import { Refusal } from '../src/core/refusal.ts';
import { findCommand } from '../src/core/registry.ts';

/** Every runnable form of a command: `campaign`, `campaign name <text>`, … */
function forms(command: AnyCommand, prefix = ''): { path: string; command: AnyCommand }[] {
  const path = `${prefix}${command.name}`;
  const own = command.run ? [{ path, command }] : [];
  return [...own, ...(command.subcommands ?? []).flatMap((s) => forms(s, `${path} `))];
}

export default defineCommand({
  name: 'help',
  aliases: ['帮助', '?', '？'],
  summary: { 'zh-CN': '查看命令用法。例：help pay。', en: 'How to use the commands. E.g. help pay.' },
  permission: 'anyone',
  writes: false,
  args: {
    command: arg.optional(arg.word({ label: { 'zh-CN': '命令', en: 'command' }, description: { 'zh-CN': '命令名', en: 'a command' } })),
  },
  async run(ctx, args) {
    const { t, locale } = ctx;
    if (args.command === undefined) {
      const lines = ctx.commands.flatMap((c) =>
        forms(c).map((f) => `• ${usage(f.path, f.command.args, locale)}  ${f.command.aliases.length ? `(${f.command.aliases.join(' ')})` : ''}`),
      );
      return ok([t.helpIntro(), ...lines, '', t.helpFooter()].join('\n'));
    }
    const command = findCommand(ctx.commands, args.command);
    if (!command) throw new Refusal(t.unknownCommand({ word: args.command }));
    const details = forms(command).map((f) =>
      t.helpDetail({
        usage: usage(f.path, f.command.args, locale),
        summary: f.command.summary[locale],
        aliases: f.command.aliases.join(' ') || '—',
        who: t.who({ permission: f.command.permission }),
      }),
    );
    return ok(details.join('\n\n'));
  },
});
