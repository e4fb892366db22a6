/** `pay <people> [<amount>] [in <township>] [note…]`: log a collection. */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { loggingArea } from '../src/core/scope.ts';
import { formatYuanNumber, personFloorFen } from '../src/domain/money.ts';
import { isAdmin } from '../src/domain/permissions.ts';
import { ledgerOpen, noteArg, townshipArg } from './ledger-line.ts';

export default defineCommand({
  name: 'pay',
  aliases: ['缴费', '收缴', '登记'],
  summary: {
    'zh-CN': '登记收缴：人数、金额（可省略，按标准保费计），可注明乡镇和备注。例：pay 12 4800、缴费 12人 0.48万。',
    en: 'Log a collection: people, amount (optional: people × the standard premium), township and note. E.g. pay 12 4800.',
  },
  permission: 'coordinator',
  writes: true,
  // A pay reads only its own statements' results: a burst's pays share their statements.
  together: true,
  args: {
    people: arg.people({ label: { 'zh-CN': '人数', en: 'people' }, description: { 'zh-CN': '缴费人数，如 12 或 12人', en: 'how many paid, e.g. 12' } }),
    amount: arg.optional(
      arg.amount({
        label: { 'zh-CN': '金额', en: 'amount' },
        description: { 'zh-CN': '收缴金额：4800、4800元、¥4800、0.48万、四千八百元', en: 'amount collected: 4800, 4800元, ¥4800, 0.48万' },
      }),
    ),
    township: townshipArg(),
    note: noteArg(),
  },
  async run(ctx, args) {
    const area = await loggingArea(ctx, args.township);
    const { campaign, t } = ctx;
    const { official } = ledgerOpen(ctx);
    const premium = Number(campaign.premium_fen);
    const full = args.people * premium;
    const amountFen = args.amount ?? full;
    if (amountFen === 0) throw new Refusal(t.amountZero(), { code: 'invalid_input' });
    if (amountFen > full) {
      throw new Refusal(
        t.amountOverPremium({ amount: formatYuanNumber(amountFen), people: args.people, max: formatYuanNumber(full) }),
        { code: 'over_limit' },
      );
    }
    const floor = personFloorFen(premium, campaign.floor_fen === null ? null : Number(campaign.floor_fen));
    if (amountFen < args.people * floor) {
      throw new Refusal(
        t.amountBelowFloor({
          amount: formatYuanNumber(amountFen),
          people: args.people,
          min: formatYuanNumber(args.people * floor),
          floor: formatYuanNumber(floor),
          // 0.48 (元) that was meant as 0.48万: say so when the 万 reading fits.
          wan: amountFen * 10_000 <= full && amountFen * 10_000 >= args.people * floor,
        }),
        { code: 'over_limit' },
      );
    }
    const note = args.note?.text || null;
    const { id, after } = await ctx.ledger.pay({ area, people: args.people, amountFen, note });
    // A count that takes the area (or its township) past twice its target is
    // most likely a slip of a digit: a coordinator's is refused (the Refusal
    // rolls the entry back), an admin's goes through with a warning.
    const township = area.kind === 'village' && area.parent_id !== null ? await ctx.setup.area(area.parent_id) : undefined;
    let warning: string | null = null;
    let areaTarget: number | null = null;
    for (const a of township ? [area, township] : [area]) {
      const target = await ctx.setup.target(a.id);
      if (a === area) areaTarget = target;
      const total = after.get(a.id)?.people ?? 0;
      if (target === null || target <= 0 || total <= 2 * target) continue;
      const p = { area: a.name, after: total.toLocaleString('en'), target: target.toLocaleString('en') };
      if (!isAdmin(ctx.actor)) throw new Refusal(t.pastTwiceTarget(p), { code: 'over_limit' });
      warning ??= t.pastTwiceTargetWarning(p);
    }
    await ctx.audit('ledger.pay', { entry: id, area: area.name, people: args.people, amount_fen: amountFen });
    const f = await ctx.ledger.figures(area, after.get(area.id)!, areaTarget);
    const text = t.payRecorded({
      ref: `#${id}`,
      area: area.name,
      people: args.people,
      amount: formatYuanNumber(amountFen),
      defaulted: args.amount === undefined,
      note,
      ...f,
    });
    return ok([text, warning, official ? t.sourceOfficialAdminNote() : null].filter(Boolean).join('\n'));
  },
});
