/** One area's current figures, formatted for confirmations. */
import type { Area } from '../db/schema.ts';
import { formatRate, rateBasisPoints } from '../domain/rates.ts';
import { formatYuanNumber } from '../domain/money.ts';
import { dayOf, totalsOf } from '../store/totals.ts';
import { getTarget } from '../store/targets.ts';
import type { CommandContext } from './command.ts';
import type { AreaAfter } from '../store/ledger.ts';

export interface FormattedFigures {
  totalPeople: string;
  target: string;
  rate: string;
  todayPeople: string;
  totalAmount: string;
}

/**
 * An area's figures for a confirmation. `after` is what the ledger write just
 * returned, so the common case reads only the target.
 */
export async function areaFigures(ctx: CommandContext, area: Area, after?: AreaAfter): Promise<FormattedFigures> {
  const known = after ?? (await readAfter(ctx, area));
  const target = await getTarget(ctx.db, ctx.campaign.id, area.id);
  return {
    totalPeople: known.people.toLocaleString('en'),
    target: target === null ? '—' : target.toLocaleString('en'),
    rate: formatRate(target === null ? null : rateBasisPoints(known.people, target)),
    todayPeople: known.dayPeople.toLocaleString('en'),
    totalAmount: formatYuanNumber(known.amountFen),
  };
}

async function readAfter(ctx: CommandContext, area: Area): Promise<AreaAfter> {
  const [totals, day] = await Promise.all([
    totalsOf(ctx.db, ctx.campaign.id, [area.id]),
    dayOf(ctx.db, ctx.campaign.id, [area.id], ctx.today),
  ]);
  const total = totals.get(area.id)!;
  return { people: total.people, amountFen: total.amountFen, dayPeople: day.get(area.id)!.people };
}
