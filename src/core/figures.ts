/** One area's current figures, formatted for confirmations. */
import type { Area } from '../db/schema.ts';
import { formatRate, rateBasisPoints } from '../domain/rates.ts';
import { formatYuanNumber } from '../domain/money.ts';
import { dayOf, totalsOf } from '../store/totals.ts';
import { getTarget } from '../store/targets.ts';
import type { CommandContext } from './command.ts';

export interface FormattedFigures {
  totalPeople: string;
  target: string;
  rate: string;
  todayPeople: string;
  totalAmount: string;
}

export async function areaFigures(ctx: CommandContext, area: Area): Promise<FormattedFigures> {
  const [totals, day, target] = await Promise.all([
    totalsOf(ctx.db, ctx.campaign.id, [area.id]),
    dayOf(ctx.db, ctx.campaign.id, [area.id], ctx.today),
    getTarget(ctx.db, ctx.campaign.id, area.id),
  ]);
  const total = totals.get(area.id)!;
  return {
    totalPeople: total.people.toLocaleString('en'),
    target: target === null ? '—' : target.toLocaleString('en'),
    rate: formatRate(target === null ? null : rateBasisPoints(total.people, target)),
    todayPeople: day.get(area.id)!.people.toLocaleString('en'),
    totalAmount: formatYuanNumber(total.amountFen),
  };
}
