/** One area's current figures, formatted for confirmations. */
import type { Area } from '../db/schema.ts';
import { formatRate, rateBasisPoints } from '../domain/rates.ts';
import { formatYuanNumber } from '../domain/money.ts';
import { getTarget } from '../store/targets.ts';
import type { CommandContext } from './command.ts';
import type { AreaAfter } from '../store/ledger.ts';

export interface FormattedFigures {
  totalPeople: string;
  target: string;
  rate: string;
  /** With its sign: `+12`, `-3`. */
  todayPeople: string;
  totalAmount: string;
}

/**
 * An area's figures for a confirmation, from what the ledger write just
 * returned (`after`), so at most the target is read.
 */
export async function areaFigures(
  ctx: CommandContext,
  area: Area,
  known: AreaAfter,
  /** The area's target when the caller has read it already. */
  knownTarget?: number | null,
): Promise<FormattedFigures> {
  const target = knownTarget !== undefined ? knownTarget : await getTarget(ctx.db, ctx.campaign.id, area.id);
  return {
    totalPeople: known.people.toLocaleString('en'),
    target: target === null ? '—' : target.toLocaleString('en'),
    rate: formatRate(target === null ? null : rateBasisPoints(known.people, target)),
    todayPeople: `${known.dayPeople < 0 ? '' : '+'}${known.dayPeople.toLocaleString('en')}`,
    totalAmount: formatYuanNumber(known.amountFen),
  };
}

