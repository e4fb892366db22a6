/** Reversing a ledger entry: the only way a mistake is corrected. */
import type { Area, LedgerEntry } from '../db/schema.ts';
import { getArea } from '../store/areas.ts';
import { appendEntry, lockEntry, reversalOf, type AreaAfter } from '../store/ledger.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { memberName } from '../store/members.ts';
import type { CommandContext } from './command.ts';
import { Refusal } from './refusal.ts';
import { entryOrigin } from './scope.ts';

/** The reason `undo` records on its reversals (a `void` records the admin's words). */
export const UNDO_REASON = 'undo';

/**
 * Appends the reversal of a payment; refuses a reversal or an entry already
 * reversed. Returns the entry's area and its totals after the reversal.
 */
export async function reverseEntry(
  ctx: CommandContext,
  entry: LedgerEntry,
  reason: string,
): Promise<{ reversalId: number; area: Area; after: AreaAfter }> {
  const ref = `#${entry.id}`;
  if (entry.kind !== 'payment') throw new Refusal(ctx.t.entryIsReversal({ ref }));
  await lockEntry(ctx.db, entry.id);
  const existing = await reversalOf(ctx.db, entry.id);
  if (existing) throw new Refusal(ctx.t.entryAlreadyReversed({ ref, by: `#${existing.id}` }));
  const area = await getArea(ctx.db, entry.area_id);
  if (!area) throw new Error(`entry ${entry.id} names area ${entry.area_id}, which does not exist`);
  let reversalId: number;
  let after: Map<number, AreaAfter>;
  try {
    ({ id: reversalId, after } = await appendEntry(ctx.db, {
      campaignId: entry.campaign_id,
      areaId: entry.area_id,
      areaPath: area.path,
      kind: 'reversal',
      people: -entry.people,
      amountFen: -Number(entry.amount_fen),
      reversesId: entry.id,
      reason,
      ...entryOrigin(ctx),
    }));
  } catch (e) {
    // `reverses_id` is unique: another writer reversed it between our check
    // and our insert. The transaction is spoilt (PostgreSQL), so refuse with
    // what we know rather than look the reversal up. (If it was instead the
    // source key, this message is a replay, and the dispatcher answers with
    // the stored reply of its first handling whatever is thrown here.)
    if (isUniqueViolation(e)) throw new Refusal(ctx.t.entryReversedMeanwhile({ ref }));
    throw e;
  }
  await ctx.audit('ledger.reverse', {
    entry: reversalId,
    reverses: entry.id,
    reason,
    author: await memberName(ctx.db, entry.member_id),
  });
  return { reversalId, area, after: after.get(area.id)! };
}
