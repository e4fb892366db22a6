/** `undo [<entry>]`: reverse the speaker's latest entry in this township, or the one named. */
import { arg } from '../src/core/args.ts';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { requireMember, UNDO_REASON } from '../src/services/ledger.ts';
import { isAdmin } from '../src/domain/permissions.ts';
import { formatYuanNumber } from '../src/domain/money.ts';
import type { LedgerEntry } from '../src/db/schema.ts';

/** The entry `undo` means: the one named (the speaker's own, unless an admin), else the speaker's latest here. */
async function entryToUndo(ctx: CommandContext, named: number | undefined): Promise<LedgerEntry> {
  const memberId = requireMember(ctx);
  if (named !== undefined) {
    const ref = `#${named}`;
    const entry = await ctx.ledger.entry(named);
    if (!entry) throw new Refusal(ctx.t.entryUnknown({ ref }), { code: 'not_found' });
    if (entry.member_id !== memberId && !isAdmin(ctx.actor)) throw new Refusal(ctx.t.undoNotYours({ ref }), { code: 'not_permitted' });
    return entry;
  }
  const binding = ctx.channel.binding;
  const where = { memberId, campaignId: ctx.campaign.id, areaPath: binding?.kind === 'township' ? binding.area.path : null };
  const latest = await ctx.ledger.latestPaymentBy(where);
  if (!latest) throw new Refusal(ctx.t.nothingToUndo(), { code: 'not_found' });
  // Never walk back silently to an older entry: the speaker may not remember
  // which one that is. Say what happened to the latest and how to name another.
  if (latest.reversed_by !== null) {
    const older = await ctx.ledger.latestOpenPaymentBy(where);
    throw new Refusal(
      ctx.t.undoLatestReversed({ ref: `#${latest.id}`, by: `#${latest.reversed_by}`, older: older ? `#${older.id}` : null }),
      { code: 'conflict' },
    );
  }
  return latest;
}

export default defineCommand({
  name: 'undo',
  aliases: ['撤销'],
  summary: {
    'zh-CN':
      '撤销你在本乡镇最近一条登记，或用编号指明一条：undo #31（只能撤销自己当天的登记；管理员不限）。以冲正记录撤销，历史不会被改动。',
    en: 'Reverse your latest entry in this township, or name one: undo #31 (your own, the same day; admins any). A reversal entry is added; history is never edited.',
  },
  permission: 'coordinator',
  denied: (t) => t.needAuthorToUndo(),
  writes: true,
  args: {
    entry: arg.optional(arg.entry({ label: { 'zh-CN': '记录编号', en: 'entry' }, description: { 'zh-CN': '如 #31（默认你最近一条）', en: 'e.g. #31 (default: your latest)' } })),
  },
  async run(ctx, args) {
    const entry = await entryToUndo(ctx, args.entry);
    if (entry.business_date !== ctx.today && !isAdmin(ctx.actor)) {
      throw new Refusal(ctx.t.undoOnlySameDay({ ref: `#${entry.id}` }), { code: 'not_permitted' });
    }
    const r = await ctx.ledger.reverse(entry, UNDO_REASON);
    const f = await ctx.ledger.figures(r.area, r.after);
    return ok(
      ctx.t.undone({
        ref: `#${r.reversalId}`,
        reversed: `#${entry.id}`,
        area: r.area.name,
        people: entry.people,
        amount: formatYuanNumber(Number(entry.amount_fen)),
        totalPeople: f.totalPeople,
        rate: f.rate,
      }),
    );
  },
});
