/** `void <entry> <reason…>`: an admin reverses any entry, with a reason. */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { formatYuanNumber } from '../src/domain/money.ts';

export default defineCommand({
  name: 'void',
  aliases: ['作废'],
  summary: {
    'zh-CN': '作废任意一条登记（须写原因），以冲正记录抵销。例：void #12 重复登记。',
    en: 'Reverse any entry, with a reason. E.g. void #12 logged twice.',
  },
  permission: 'admin',
  writes: true,
  args: {
    entry: arg.entry({ label: { 'zh-CN': '记录编号', en: 'entry' }, description: { 'zh-CN': '如 #12', en: 'e.g. #12' } }),
    reason: arg.text({ label: { 'zh-CN': '原因', en: 'reason' }, description: { 'zh-CN': '作废原因', en: 'why it is void' } }),
  },
  async run(ctx, args) {
    const entry = await ctx.ledger.entry(args.entry);
    if (!entry) throw new Refusal(ctx.t.entryUnknown({ ref: `#${args.entry}` }), { code: 'not_found' });
    const r = await ctx.ledger.reverse(entry, args.reason);
    return ok(
      ctx.t.voided({
        ref: `#${r.reversalId}`,
        reversed: `#${entry.id}`,
        area: r.area.name,
        people: entry.people,
        amount: formatYuanNumber(Number(entry.amount_fen)),
        reason: args.reason,
      }),
    );
  },
});
