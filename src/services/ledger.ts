/**
 * The ledger: payments, reversals and an area's figures after a write.
 * Append-only: a mistake is corrected by a reversal, never by an edit.
 */
import type { Area, LedgerEntry } from '../db/schema.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { formatRate, rateBasisPoints } from '../domain/rates.ts';
import { formatYuanNumber } from '../domain/money.ts';
import { Refusal } from '../core/refusal.ts';
import { EnrollbotError } from '../core/errors.ts';
import { getArea } from '../store/areas.ts';
import { getTarget } from '../store/targets.ts';
import { memberName } from '../store/members.ts';
import {
  appendEntry,
  getEntry,
  latestOpenPaymentBy,
  latestPaymentBy,
  lockEntry,
  lockedTotal,
  reversalOf,
  type AreaAfter,
  type EntryInput,
} from '../store/ledger.ts';
import type { ServiceScope } from './scope.ts';

/** The reason `undo` records on its reversals (a `void` records the admin's words). */
export const UNDO_REASON = 'undo';

/** One area's current figures, formatted for confirmations. */
interface FormattedFigures {
  totalPeople: string;
  target: string;
  rate: string;
  /** With its sign: `+12`, `-3`. */
  todayPeople: string;
  totalAmount: string;
}

/** A payment as a command hands it over, already checked against the campaign's rules. */
interface PaymentInput {
  area: Area;
  people: number;
  amountFen: number;
  note: string | null;
}

/** Which of a member's payments `undo` looks at. */
interface PaymentsBy {
  memberId: number;
  campaignId: number;
  /** Only payments under this area (a township channel), or anywhere. */
  areaPath: string | null;
}

/** The ledger, bound to one command. */
export interface LedgerService {
  /** Appends a payment; returns its id and the totals after it of the area and (for a village) its township. */
  pay(input: PaymentInput): Promise<{ id: number; after: Map<number, AreaAfter> }>;
  /** An area's running total now, held for the rest of the command's transaction (a `total` sets it from this). */
  currentTotal(area: Area): Promise<{ people: number; amountFen: number }>;
  /**
   * Appends the difference a reported cumulative figure makes (`total`): an
   * entry of kind `total`, negative when the figure went down.
   */
  adjust(input: PaymentInput): Promise<{ id: number; after: Map<number, AreaAfter> }>;
  entry(id: number): Promise<LedgerEntry | undefined>;
  latestPaymentBy(where: PaymentsBy): ReturnType<typeof latestPaymentBy>;
  latestOpenPaymentBy(where: PaymentsBy): ReturnType<typeof latestOpenPaymentBy>;
  /**
   * Appends the reversal of a payment; refuses a reversal or an entry already
   * reversed. Returns the entry's area and its totals after the reversal.
   */
  reverse(entry: LedgerEntry, reason: string): Promise<{ reversalId: number; area: Area; after: AreaAfter }>;
  /** An area's figures for a confirmation, from what the write just returned, so at most the target is read. */
  figures(area: Area, known: AreaAfter, knownTarget?: number | null): Promise<FormattedFigures>;
}

/** The member id of the speaker; only known members write to the ledger. */
export function requireMember(scope: Pick<ServiceScope, 'actor' | 't'>): number {
  if (scope.actor.memberId === null) throw new Refusal(scope.t.needCoordinator(), { code: 'not_permitted' });
  return scope.actor.memberId;
}

/** Who wrote an entry, where and when: the same for every entry appended in a command. */
function entryOrigin(scope: ServiceScope): Pick<EntryInput, 'memberId' | 'platform' | 'channelId' | 'sourceKey' | 'businessDate' | 'recordedAt'> {
  return {
    memberId: requireMember(scope),
    platform: scope.channel.platform,
    channelId: scope.channel.id,
    sourceKey: scope.sourceKey,
    businessDate: scope.today,
    recordedAt: scope.now,
  };
}

/** Counts grouped by thousands (`1,234`); one formatter, as `toLocaleString` builds one per call. */
const grouped = new Intl.NumberFormat('en');

/** A class: a ledger service is made per message, and one prototype costs nothing to make (closures did). */
class BoundLedger implements LedgerService {
  constructor(private readonly scope: ServiceScope) {}

  pay(input: PaymentInput) {
    return this.append('payment', input);
  }
  currentTotal(area: Area) {
    return lockedTotal(this.scope.db, this.scope.campaign.id, area.id);
  }
  adjust(input: PaymentInput) {
    return this.append('total', input);
  }
  /** A payment and a reported total's difference are the same entry but for their kind. */
  private append(kind: 'payment' | 'total', { area, people, amountFen, note }: PaymentInput) {
    return appendEntry(this.scope.db, {
      campaignId: this.scope.campaign.id,
      areaId: area.id,
      areaPath: area.path,
      areaKind: area.kind,
      kind,
      people,
      amountFen,
      note,
      ...entryOrigin(this.scope),
    });
  }
  entry(id: number) {
    return getEntry(this.scope.db, id);
  }
  latestPaymentBy(where: PaymentsBy) {
    return latestPaymentBy(this.scope.db, where);
  }
  latestOpenPaymentBy(where: PaymentsBy) {
    return latestOpenPaymentBy(this.scope.db, where);
  }
  async reverse(entry: LedgerEntry, reason: string) {
    const { scope } = this;
    const { db, t } = scope;
    const ref = `#${entry.id}`;
    if (entry.kind === 'reversal') throw new Refusal(t.entryIsReversal({ ref }), { code: 'invalid_input' });
    // A total's difference depends on what came before it: a wrong total is put right by the right one.
    if (entry.kind === 'total') throw new Refusal(t.entryIsTotal({ ref }), { code: 'invalid_input' });
    await lockEntry(db, entry.id);
    const existing = await reversalOf(db, entry.id);
    if (existing) throw new Refusal(t.entryAlreadyReversed({ ref, by: `#${existing.id}` }), { code: 'conflict' });
    const area = await getArea(db, entry.area_id);
    // The foreign key makes this impossible; if it happens the data is damaged.
    if (!area) throw new EnrollbotError('internal', `entry ${entry.id} names area ${entry.area_id}, which does not exist`);
    let reversalId: number;
    let after: Map<number, AreaAfter>;
    try {
      ({ id: reversalId, after } = await appendEntry(db, {
        campaignId: entry.campaign_id,
        areaId: entry.area_id,
        areaPath: area.path,
        areaKind: area.kind,
        kind: 'reversal',
        people: -entry.people,
        amountFen: -Number(entry.amount_fen),
        reversesId: entry.id,
        reason,
        ...entryOrigin(scope),
      }));
    } catch (e) {
      // `reverses_id` is unique: another writer reversed it between our check
      // and our insert. The transaction is spoilt (PostgreSQL), so refuse with
      // what we know rather than look the reversal up. (If it was instead the
      // source key, this message is a replay, and the dispatcher answers with
      // the stored reply of its first handling whatever is thrown here.)
      if (isUniqueViolation(e)) throw new Refusal(t.entryReversedMeanwhile({ ref }), { code: 'conflict' });
      throw e;
    }
    await scope.audit('ledger.reverse', {
      entry: reversalId,
      reverses: entry.id,
      reason,
      author: await memberName(db, entry.member_id),
    });
    return { reversalId, area, after: after.get(area.id)! };
  }
  async figures(area: Area, known: AreaAfter, knownTarget?: number | null) {
    const target = knownTarget !== undefined ? knownTarget : await getTarget(this.scope.db, this.scope.campaign.id, area.id);
    return {
      totalPeople: grouped.format(known.people),
      target: target === null ? '—' : grouped.format(target),
      rate: formatRate(target === null ? null : rateBasisPoints(known.people, target)),
      todayPeople: `${known.dayPeople < 0 ? '' : '+'}${grouped.format(known.dayPeople)}`,
      totalAmount: formatYuanNumber(known.amountFen),
    };
  }
}

export function createLedgerService(scope: ServiceScope): LedgerService {
  return new BoundLedger(scope);
}
