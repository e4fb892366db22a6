/** `pay <people> [<amount>] [in <township>] [note…]`: log a collection. */
import { arg, keyword } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { entryOrigin, loggingArea } from '../src/core/scope.ts';
import { appendEntry } from '../src/store/ledger.ts';
import { areaFigures } from '../src/core/figures.ts';
import { formatYuanNumber } from '../src/domain/money.ts';

export default defineCommand({
  name: 'pay',
  aliases: ['缴费', '收缴', '登记'],
  summary: {
    'zh-CN': '登记收缴：人数、金额（可省略，按标准保费计），可注明乡镇和备注。例：pay 12 4800、缴费 12人 0.48万。',
    en: 'Log a collection: people, amount (optional: people × the standard premium), township and note. E.g. pay 12 4800.',
  },
  permission: 'coordinator',
  writes: true,
  keepsSetup: true,
  args: {
    people: arg.people({ label: { 'zh-CN': '人数', en: 'people' }, description: { 'zh-CN': '缴费人数，如 12 或 12人', en: 'how many paid, e.g. 12' } }),
    amount: arg.optional(
      arg.amount({
        label: { 'zh-CN': '金额', en: 'amount' },
        description: { 'zh-CN': '收缴金额：4800、4800元、¥4800、0.48万', en: 'amount collected: 4800, 4800元, ¥4800, 0.48万' },
      }),
    ),
    township: arg.optional(
      keyword(
        arg.word({ label: { 'zh-CN': '乡镇', en: 'township' }, description: { 'zh-CN': '乡镇或村（默认本频道的乡镇）', en: "township or village (default: the channel's)" } }),
        'in',
        '在',
      ),
    ),
    note: arg.optional(arg.text({ label: { 'zh-CN': '备注', en: 'note' }, description: { 'zh-CN': '备注', en: 'a note' } })),
  },
  async run(ctx, args) {
    const area = await loggingArea(ctx, args.township);
    const { campaign, t } = ctx;
    if (ctx.today < campaign.start_date || ctx.today > campaign.deadline) {
      throw new Refusal(t.campaignClosed({ start: campaign.start_date, deadline: campaign.deadline }));
    }
    const full = args.people * Number(campaign.premium_fen);
    const amountFen = args.amount ?? full;
    if (amountFen > full) {
      throw new Refusal(
        t.amountOverPremium({ amount: formatYuanNumber(amountFen), people: args.people, max: formatYuanNumber(full) }),
      );
    }
    const { id, after } = await appendEntry(ctx.db, {
      campaignId: campaign.id,
      areaId: area.id,
      areaPath: area.path,
      kind: 'payment',
      people: args.people,
      amountFen,
      note: args.note ?? null,
      ...entryOrigin(ctx),
    });
    await ctx.audit('ledger.pay', { entry: id, area: area.name, people: args.people, amount_fen: amountFen });
    const f = await areaFigures(ctx, area, after.get(area.id)!);
    return ok(
      t.payRecorded({
        ref: `#${id}`,
        area: area.name,
        people: args.people,
        amount: formatYuanNumber(amountFen),
        defaulted: args.amount === undefined,
        ...f,
      }),
    );
  },
});
