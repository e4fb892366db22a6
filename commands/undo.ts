/** `undo`: reverse the speaker's latest entry in this township. */
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { reverseEntry, UNDO_REASON } from '../src/core/reverse.ts';
import { requireMember } from '../src/core/scope.ts';
import { areaFigures } from '../src/core/figures.ts';
import { isAdmin } from '../src/domain/permissions.ts';
import { formatYuanNumber } from '../src/domain/money.ts';
import { latestOpenPaymentBy } from '../src/store/ledger.ts';

export default defineCommand({
  name: 'undo',
  aliases: ['撤销'],
  summary: {
    'zh-CN': '撤销你在本乡镇最近一条登记（当天有效；管理员不限）。以冲正记录撤销，历史不会被改动。',
    en: 'Reverse your latest entry in this township (same day; admins any day). A reversal entry is added; history is never edited.',
  },
  permission: 'coordinator',
  writes: true,
  keepsSetup: true,
  args: {},
  async run(ctx) {
    const binding = ctx.channel.binding;
    const entry = await latestOpenPaymentBy(ctx.db, {
      memberId: requireMember(ctx),
      campaignId: ctx.campaign.id,
      areaPath: binding?.kind === 'township' ? binding.area.path : null,
    });
    if (!entry) throw new Refusal(ctx.t.nothingToUndo());
    if (entry.business_date !== ctx.today && !isAdmin(ctx.actor)) {
      throw new Refusal(ctx.t.undoOnlySameDay({ ref: `#${entry.id}` }));
    }
    const r = await reverseEntry(ctx, entry, UNDO_REASON);
    const f = await areaFigures(ctx, r.area, r.after);
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
