/**
 * What every database has so that a fresh install works at once: a root area,
 * a current campaign, and the bootstrap admins, kept in step with
 * ENROLLBOT_ADMINS: an admin removed from that list loses the role here.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { createArea, findRootArea } from '../store/areas.ts';
import { createCampaign, findCurrentCampaign } from '../store/campaigns.ts';
import { ensureMember, grantRole } from '../store/members.ts';
import { appendAudit } from '../store/audit.ts';
import { bumpSetupVersion } from '../store/setup-version.ts';
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
  /** ENROLLBOT_ADMINS: the admins the configuration names, and only they keep a config grant. */
  admins: { platform: string; externalId: string }[];
  /** Also make the local console's user `admin` an admin (console mode); never taken back by the config. */
  consoleAdmin?: boolean;
}

/** What `ensureBaseline` did. */
export interface BaselineResult {
  /** A brand-new database. */
  created: boolean;
  /** Admins newly granted from ENROLLBOT_ADMINS (`slack:U123`). */
  adminsAdded: string[];
  /** Admins who lost the role because ENROLLBOT_ADMINS no longer names them (their names). */
  adminsRemoved: string[];
}

/** Where the audit log says a change at start came from. */
const CONFIG_SOURCE = { platform: 'config', channelId: 'ENROLLBOT_ADMINS' } as const;

/** Creates what is missing and brings config admins in step with the configuration. */
export async function ensureBaseline(db: Kysely<Database>, input: BaselineInput): Promise<BaselineResult> {
  return db.transaction().execute(async (tx) => {
    let root = await findRootArea(tx);
    const created = !root;
    if (!root) root = await createArea(tx, { parent: null, name: input.areaName, kind: input.areaKind, now: input.now });
    if (!(await findCurrentCampaign(tx))) {
      const season = defaultSeason(businessDate(input.now, input.timeZone));
      await createCampaign(tx, { ...season, premiumFen: DEFAULT_PREMIUM_FEN, timeZone: input.timeZone, now: input.now });
    }
    if (input.consoleAdmin) {
      const memberId = await ensureMember(tx, { platform: 'console', externalId: 'admin', displayName: 'admin', now: input.now });
      await grantRole(tx, { memberId, role: 'admin', areaId: root.id, now: input.now, origin: 'console' });
    }
    const adminsAdded: string[] = [];
    const listed = new Set<number>();
    for (const admin of input.admins) {
      const memberId = await ensureMember(tx, { ...admin, displayName: admin.externalId, now: input.now });
      listed.add(memberId);
      if (await grantRole(tx, { memberId, role: 'admin', areaId: root.id, now: input.now, origin: 'config' })) {
        const who = `${admin.platform}:${admin.externalId}`;
        adminsAdded.push(who);
        await appendAudit(tx, { at: input.now, memberId: null, ...CONFIG_SOURCE, action: 'role.grant', detail: { member: memberId, user: who, role: 'admin', origin: 'config' } });
      }
    }
    // Only grants the configuration made are the configuration's to take back.
    const configGrants = await tx
      .selectFrom('role_grant as g')
      .innerJoin('member as m', 'm.id', 'g.member_id')
      .select(['g.id', 'g.member_id', 'm.name'])
      .where('g.role', '=', 'admin')
      .where('g.origin', '=', 'config')
      .execute();
    const adminsRemoved: string[] = [];
    for (const grant of configGrants.filter((g) => !listed.has(g.member_id))) {
      await tx.deleteFrom('role_grant').where('id', '=', grant.id).execute();
      adminsRemoved.push(grant.name);
      await appendAudit(tx, {
        at: input.now,
        memberId: null,
        ...CONFIG_SOURCE,
        action: 'role.revoke',
        detail: { member: grant.member_id, user: grant.name, role: 'admin', origin: 'config', reason: 'not in ENROLLBOT_ADMINS' },
      });
    }
    // Running replicas drop their cached roles at their next message.
    if (adminsAdded.length || adminsRemoved.length) await bumpSetupVersion(tx);
    return { created, adminsAdded, adminsRemoved };
  });
}
