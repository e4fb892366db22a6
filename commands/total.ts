/**
 * `total <people> [<amount>] [in <township>] [note…]`: report a township's
 * cumulative figure once, instead of typing each day's collections. The bot
 * records the difference from its running total as an entry of its own
 * (append-only; negative when the figure went down) and shows the change.
 * Read exactly as `pay` reads its words, except that a total may be 0 and
 * above one payment's limit.
 */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { loggingArea } from '../src/core/scope.ts';
import { formatYuanNumber, personFloorFen } from '../src/domain/money.ts';
import { isAdmin } from '../src/domain/permissions.ts';
import { ledgerOpen, noteArg, townshipArg } from './ledger-line.ts';
import { MAX_WHOLE_NUMBER } from '../src/domain/whole-number.ts';

const n = (x: number) => x.toLocaleString('en');
const signedYuan = (fen: number) => (fen < 0 ? `-${formatYuanNumber(-fen)}` : `+${formatYuanNumber(fen)}`);

export default defineCommand({
  name: 'total',
  aliases: ['累计', '上报'],
  summary: {
    'zh-CN': '上报乡镇到现在为止的累计缴费人数（和累计金额，可省略），机器人记下与现有累计的差额。例：total 1200、累计 1200人 48万。',
    en: "Report the township's cumulative figure (people, and optionally the amount); the bot records the difference from its current total. E.g. total 1200.",
  },
  permission: 'coordinator',
  writes: true,
  args: {
    people: arg.people(
      { label: { 'zh-CN': '累计人数', en: 'total people' }, description: { 'zh-CN': '到现在为止的累计缴费人数，如 1200 或 1200人', en: 'people paid so far in all, e.g. 1200' } },
      { zero: true, max: MAX_WHOLE_NUMBER, negative: (t) => t.totalBelowZero() },
    ),
    amount: arg.optional(
      arg.amount({
        label: { 'zh-CN': '累计金额', en: 'total amount' },
        description: { 'zh-CN': '到现在为止的累计收缴金额：480000、48万', en: 'amount collected so far in all: 480000, 48万' },
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
    const current = await ctx.ledger.currentTotal(area);
    const people = args.people - current.people;
    let amount: number;
    if (args.amount !== undefined) {
      // The cumulative amount is held to what the cumulative people could have paid, as pay holds one entry.
      const full = args.people * premium;
      if (args.amount > full) {
        throw new Refusal(t.amountOverPremium({ amount: formatYuanNumber(args.amount), people: args.people, max: formatYuanNumber(full) }), { code: 'over_limit' });
      }
      const floor = personFloorFen(premium, campaign.floor_fen === null ? null : Number(campaign.floor_fen));
      if (args.amount < args.people * floor) {
        throw new Refusal(
          t.amountBelowFloor({
            amount: formatYuanNumber(args.amount),
            people: args.people,
            min: formatYuanNumber(args.people * floor),
            floor: formatYuanNumber(floor),
            wan: args.amount * 10_000 <= full && args.amount * 10_000 >= args.people * floor,
          }),
          { code: 'over_limit' },
        );
      }
      amount = args.amount - current.amountFen;
    } else {
      // The people added (or taken off) at the standard premium, as pay without an amount.
      amount = people * premium;
      if (current.amountFen + amount < 0) throw new Refusal(t.totalAmountBelowZero({ amount: `-${formatYuanNumber(-(current.amountFen + amount))}` }), { code: 'invalid_input' });
    }
    if (people === 0 && amount === 0) return ok(t.totalUnchanged({ area: area.name, total: n(args.people) }));
    const note = args.note?.text || null;
    const { id, after } = await ctx.ledger.adjust({ area, people, amountFen: amount, note });
    // Past twice the target is most likely a slip of a digit, as with pay.
    const target = await ctx.setup.target(area.id);
    let warning: string | null = null;
    if (target !== null && target > 0 && args.people > 2 * target) {
      const p = { area: area.name, after: n(args.people), target: n(target) };
      if (!isAdmin(ctx.actor)) throw new Refusal(t.pastTwiceTarget(p), { code: 'over_limit' });
      warning = t.pastTwiceTargetWarning(p);
    }
    await ctx.audit('ledger.total', { entry: id, area: area.name, total: args.people, people, amount_fen: amount, was: current.people });
    const f = await ctx.ledger.figures(area, after.get(area.id)!, target);
    const text = t.totalRecorded({
      ref: `#${id}`,
      area: area.name,
      total: f.totalPeople,
      people: `${people < 0 ? '' : '+'}${n(people)}`,
      amount: signedYuan(amount),
      totalAmount: f.totalAmount,
      rate: f.rate,
      note,
    });
    return ok([text, warning, official ? t.sourceOfficialAdminNote() : null].filter(Boolean).join('\n'));
  },
});
