/**
 * Queuing lapse reminders after a scan (and weekly): a digest to each
 * township channel, each assigned cadre's own list sent to them directly,
 * and an escalation to the leaders' channels (group robots bound to the same
 * places get the same posts). Everything goes through the outbox, in the
 * caller's transaction, deduplicated by `key`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { enqueuePost } from '../store/outbox.ts';
import { enqueueFor } from '../robots/fanout.ts';
import { robotDestinations } from '../store/robots.ts';
import { cadresWithOpenCases, markReminded, namedCaseCounts, openCases, stageCounts, stageCountsByArea, supportedCount } from '../store/lapse-cases.ts';
import { getLapseRules } from '../store/lapse-rules.ts';
import { identitiesOf, leaderGrants } from '../store/members.ts';
import { cadreDigest, escalationDigest, namedDigest, total, townshipDigest } from './digest.ts';
import { directAddress } from '../core/platform-port.ts';
import { bindingsOfKind } from '../store/bindings.ts';

/** A case with no follow-up for this many days goes to the leaders. */
export const ESCALATE_AFTER_DAYS = 14;
/** Cases listed per post (the counts cover them all). */
export const DIGEST_ROWS = 20;
/** Townships listed per escalation (the count covers them all). */
export const ESCALATION_ROWS = 50;

export interface ReminderInput {
  now: Date;
  /** The scan month the reminders are about. */
  month: string;
  t: Catalogue;
  /** What this round is (`scan:2026-10`, `weekly:2026-11-23`): the same key never posts twice. */
  key: string;
  weekly: boolean;
  escalateAfterDays?: number;
}

/** Queues every reminder of a round; returns how many posts were queued. */
export async function enqueueLapseReminders(db: Kysely<Database>, input: ReminderInput): Promise<number> {
  const { now, t, month } = input;
  let posts = 0;
  const rules = await getLapseRules(db);
  const post = async (platform: string, channelId: string, reply: Parameters<typeof enqueuePost>[1]['reply'], what: string) => {
    if (await enqueueFor(db, { platform, channelId, reply, dedupeKey: `lapse:${input.key}:${what}:${platform}:${channelId}`, now })) posts++;
  };

  // A township's group robots are its own work group: they get its digest like its channel.
  for (const b of [...(await bindingsOfKind(db, 'township')), ...(await robotDestinations(db, 'township'))]) {
    const filter = { areaId: b.id, activeOnly: true, kinds: ['lapse'] as const };
    const counts = await stageCounts(db, filter);
    if (total(counts) > 0) {
      const rows = await openCases(db, filter, DIGEST_ROWS);
      const supported = await supportedCount(db, filter);
      await post(b.platform, b.channel_id, townshipDigest({ t, area: b.name, month, weekly: input.weekly, counts, rows, rules, supported }), 'township');
      await markReminded(db, filter, now);
    }
    // The township's named unpaid people, in a post of their own: another list, worked the same way.
    const namedFilter = { areaId: b.id, activeOnly: true, kinds: ['special', 'unpaid'] as const };
    const named = await namedCaseCounts(db, namedFilter);
    if (named.special + named.unpaid > 0) {
      const rows = await openCases(db, namedFilter, DIGEST_ROWS);
      await post(b.platform, b.channel_id, namedDigest({ t, area: b.name, month, counts: named, rows, rules }), 'named');
      await markReminded(db, namedFilter, now);
    }
  }

  for (const cadre of await cadresWithOpenCases(db)) {
    const filter = { cadreMemberId: cadre.memberId, activeOnly: true };
    const counts = await stageCounts(db, { ...filter, kinds: ['lapse'] });
    const named = await namedCaseCounts(db, filter);
    const rows = await openCases(db, filter, DIGEST_ROWS);
    const identities = await identitiesOf(db, cadre.memberId);
    // A direct message to each of the cadre's identities; each platform knows how to reach a user.
    for (const i of identities) {
      await post(i.platform, directAddress(i.external_id), cadreDigest({ t, name: cadre.name, month, counts, named, rows, rules }), 'cadre');
    }
  }

  const days = input.escalateAfterDays ?? ESCALATE_AFTER_DAYS;
  const before = new Date(now.getTime() - days * 86_400_000).toISOString();
  const leaders = await leaderGrants(db);
  for (const b of [...(await bindingsOfKind(db, 'leaders')), ...(await robotDestinations(db, 'leaders'))]) {
    const filter = { underPath: b.path, activeOnly: true, escalateUntouchedBefore: before };
    const areas = await stageCountsByArea(db, filter);
    const count = areas.reduce((n, a) => n + total(a.counts), 0);
    if (count === 0) continue;
    // Each township names the leaders who answer for it: those of the channel's area, above it, or between.
    await post(b.platform, b.channel_id, escalationDigest({ t, area: b.name, month, days, count, areas, leaders, maxRows: ESCALATION_ROWS }), 'escalation');
  }
  return posts;
}
