/**
 * The setup: areas, targets, roles, channel bindings and the campaign. Every
 * write here tells the framework the setup changed (`setupChanged`), so
 * cached setup is dropped after commit; no other write has to think of it.
 */
import type { Updateable } from 'kysely';
import type { Area, AreaKind, BindingKind, CampaignTable, ChannelBinding, GrantOrigin, Role } from '../db/schema.ts';
import { areasByIds, areasByName, createArea, getArea, getRootArea } from '../store/areas.ts';
import { bindChannel, channelsOfArea, unbindChannel } from '../store/bindings.ts';
import { updateCampaign } from '../store/campaigns.ts';
import { adminCount, ensureMember, findMember, grantRole, grantsOf, revokeRole, staffOf } from '../store/members.ts';
import { cancelQueuedTo } from '../store/outbox.ts';
import { getTarget, setTarget } from '../store/targets.ts';
import type { ServiceScope } from './scope.ts';

/** A user as a command names them (a mention). */
interface MemberRef {
  platform: string;
  externalId: string;
  displayName: string;
}

/** The setup, bound to one command. */
export interface SetupService {
  rootArea(): Promise<Area>;
  area(id: number): Promise<Area | undefined>;
  areasByName(name: string): Promise<Area[]>;
  areasByIds(ids: readonly number[]): Promise<Area[]>;
  /** The campaign's target of an area, or null when none is set. */
  target(areaId: number): Promise<number | null>;
  staffOf(areaPath: string, limit: number): ReturnType<typeof staffOf>;
  findMember(user: Pick<MemberRef, 'platform' | 'externalId'>): Promise<number | null>;
  /** The member behind a user, created (with no role) when the bot has not seen them yet. */
  ensureMember(user: MemberRef): Promise<number>;
  grantsOf(memberId: number): ReturnType<typeof grantsOf>;
  adminCount(): Promise<number>;
  /** The channels on the speaker's platform bound to an area. */
  channelsOfArea(areaId: number): ReturnType<typeof channelsOfArea>;

  createArea(input: { parent: Area | null; name: string; kind: AreaKind }): Promise<Area>;
  setTarget(areaId: number, people: number): Promise<void>;
  /** Binds the speaker's channel. */
  bindChannel(input: { channelName: string; kind: BindingKind; areaId: number }): Promise<void>;
  /** Unbinds the speaker's channel and cancels what is still queued for it; null when it was not bound. */
  unbindChannel(): Promise<{ was: ChannelBinding; cancelled: number } | null>;
  /** Grants a role to a user (made a member if new); returns the member and whether the role was new. */
  grant(user: MemberRef, role: Role, areaId: number): Promise<{ memberId: number; added: boolean }>;
  /** Takes a role back; returns where it came from, null when it was not held. */
  revoke(memberId: number, role: Role, areaId: number): Promise<GrantOrigin | null>;
  updateCampaign(changes: Updateable<CampaignTable>): Promise<void>;
}

export function createSetupService(scope: ServiceScope): SetupService {
  const { db } = scope;
  return {
    rootArea: () => getRootArea(db),
    area: (id) => getArea(db, id),
    areasByName: (name) => areasByName(db, name),
    areasByIds: (ids) => areasByIds(db, ids),
    target: (areaId) => getTarget(db, scope.campaign.id, areaId),
    staffOf: (areaPath, limit) => staffOf(db, areaPath, limit),
    findMember: (user) => findMember(db, user.platform, user.externalId),
    grantsOf: (memberId) => grantsOf(db, memberId),
    adminCount: () => adminCount(db),
    channelsOfArea: (areaId) => channelsOfArea(db, areaId, scope.channel.platform),

    async createArea(input) {
      scope.setupChanged();
      return createArea(db, { ...input, now: scope.now });
    },
    async setTarget(areaId, people) {
      scope.setupChanged();
      await setTarget(db, scope.campaign.id, areaId, people);
    },
    async bindChannel(input) {
      scope.setupChanged();
      await bindChannel(db, { ...input, platform: scope.channel.platform, channelId: scope.channel.id, now: scope.now });
    },
    async unbindChannel() {
      const was = await unbindChannel(db, scope.channel.platform, scope.channel.id);
      if (!was) return null;
      scope.setupChanged();
      return { was, cancelled: await cancelQueuedTo(db, scope.channel.platform, scope.channel.id) };
    },
    ensureMember: (user) => ensureMember(db, { ...user, now: scope.now }),
    async grant(user, role, areaId) {
      scope.setupChanged();
      const memberId = await ensureMember(db, { ...user, now: scope.now });
      return { memberId, added: await grantRole(db, { memberId, role, areaId, now: scope.now }) };
    },
    async revoke(memberId, role, areaId) {
      scope.setupChanged();
      return revokeRole(db, { memberId, role, areaId });
    },
    async updateCampaign(changes) {
      scope.setupChanged();
      await updateCampaign(db, scope.campaign.id, changes);
    },
  };
}
