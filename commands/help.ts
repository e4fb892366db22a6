/** `help [<command> [<subcommand>]]`: usage, in the user's language. */
import { arg } from '../src/core/args.ts';
import { defineCommand, mayRun, type AnyCommand } from '../src/core/command.ts';
import { ok } from '../src/core/reply.ts';
import { usage } from '../src/core/parse-args.ts';
import { Refusal } from '../src/core/refusal.ts';
import { aliasForms, selectCommand, subcommandHint } from '../src/core/registry.ts';
import { tokenize } from '../src/core/tokens.ts';

/** Every runnable form under a command, each as its chain from the top: `campaign`, `campaign name`, … */
function forms(chain: AnyCommand[]): AnyCommand[][] {
  const command = chain.at(-1)!;
  const own = command.run ? [chain] : [];
  return [...own, ...(command.subcommands ?? []).flatMap((s) => forms([...chain, s]))];
}

const pathOf = (chain: readonly AnyCommand[]) => chain.map((c) => c.name).join(' ');

export default defineCommand({
  name: 'help',
  // A typed ？ reads as ? (words are NFKC-folded before they are matched).
  aliases: ['帮助', '?'],
  summary: {
    'zh-CN': '查看命令用法（只列出你可以使用的命令）。例：help pay、help board post。',
    en: 'How to use the commands (lists those you may run). E.g. help pay, help board post.',
  },
  permission: 'anyone',
  writes: false,
  args: {
    command: arg.optional(
      arg.text({ label: { 'zh-CN': '命令', en: 'command' }, description: { 'zh-CN': '命令名，可带子命令', en: 'a command, and a subcommand' } }),
    ),
  },
  async run(ctx, args) {
    const { t, locale } = ctx;
    if (args.command === undefined) {
      // Only what the asker may run: a list of commands that answer "only admins" is no help.
      const mine = (chain: AnyCommand[]) => mayRun(chain.at(-1)!.permission, ctx.actor);
      const all = ctx.commands.flatMap((c) => forms([c]));
      const lines = all.filter(mine).map((chain) => {
          const aliases = aliasForms(chain);
          return `• ${usage(pathOf(chain), chain.at(-1)!.args, locale)}${aliases.length ? `  (${t.list({ items: aliases })})` : ''}`;
      });
      // The example names a command the asker may run: `help pay` to a member who cannot pay misleads.
      const example = all.filter(mine).some((chain) => chain[0]!.name === 'pay') ? 'pay' : 'board';
      const footer = lines.length < all.length ? [t.helpFooter({ example }), t.helpOnlyYours()] : [t.helpFooter({ example })];
      return ok([t.helpIntro(), ...lines, '', ...footer].join('\n'));
    }
    const words = tokenize(args.command);
    const selected = selectCommand(ctx.commands, words);
    if (!selected) {
      const word = words[0]!;
      const hint = subcommandHint(ctx.commands, word);
      throw new Refusal(hint ? t.notStandalone({ word, usage: hint }) : t.unknownCommand({ word }), { code: 'invalid_input' });
    }
    const { chain, path, rest } = selected;
    if (rest.length) throw new Refusal(t.unknownSubcommand({ word: rest[0]!, command: path.join(' ') }), { code: 'invalid_input' });
    const details = forms(chain).map((f) =>
      t.helpDetail({
        usage: usage(pathOf(f), f.at(-1)!.args, locale),
        summary: f.at(-1)!.summary[locale],
        aliases: t.list({ items: aliasForms(f) }) || '—',
        who: t.who({ permission: f.at(-1)!.permission }),
      }),
    );
    return ok(details.join('\n\n'));
  },
});
