/**
 * What every database has so that a fresh install works at once: a root area,
 * a current campaign, and the bootstrap admins.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { createArea, findRootArea } from '../store/areas.ts';
import { createCampaign, findCurrentCampaign } from '../store/campaigns.ts';
import { ensureMember, grantRole } from '../store/members.ts';
import { businessDate } from '../domain/calendar.ts';
import { FEN_PER_YUAN } from '../domain/money.ts';

/** The default premium per person: 400 元. */
export const DEFAULT_PREMIUM_FEN = 400 * FEN_PER_YUAN;

/** The season a date falls in: 1 September to 31 December of its year. */
export function defaultSeason(today: string): { name: string; start: string; deadline: string } {
  const year = Number(today.slice(0, 4));
  return {
    name: `${year + 1}年度城乡居民医保集中征缴`,
    start: `${year}-09-01`,
    deadline: `${year}-12-31`,
  };
}

export interface BaselineInput {
  areaName: string;
  areaKind: 'district' | 'city';
  timeZone: string;
  now: Date;
  admins: { platform: string; externalId: string }[];
}

/** Creates what is missing; `created` is true for a brand-new database. */
export async function ensureBaseline(db: Kysely<Database>, input: BaselineInput): Promise<{ created: boolean }> {
  return db.transaction().execute(async (tx) => {
    let root = await findRootArea(tx);
    const created = !root;
    if (!root) root = await createArea(tx, { parent: null, name: input.areaName, kind: input.areaKind, now: input.now });
    if (!(await findCurrentCampaign(tx))) {
      const season = defaultSeason(businessDate(input.now, input.timeZone));
      await createCampaign(tx, { ...season, premiumFen: DEFAULT_PREMIUM_FEN, timeZone: input.timeZone, now: input.now });
    }
    for (const admin of input.admins) {
      const memberId = await ensureMember(tx, { ...admin, displayName: admin.externalId, now: input.now });
      await grantRole(tx, { memberId, role: 'admin', areaId: root.id, now: input.now });
    }
    return { created };
  });
}
