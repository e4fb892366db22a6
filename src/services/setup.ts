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

/** A class: a command's setup is made per message, and one prototype costs nothing to make (closures did). */
class BoundSetup implements SetupService {
  constructor(private readonly scope: ServiceScope) {}

  rootArea() {
    return getRootArea(this.scope.db);
  }
  area(id: number) {
    return getArea(this.scope.db, id);
  }
  areasByName(name: string) {
    return areasByName(this.scope.db, name);
  }
  areasByIds(ids: readonly number[]) {
    return areasByIds(this.scope.db, ids);
  }
  target(areaId: number) {
    const { db, campaign, cachedTarget } = this.scope;
    const read = () => getTarget(db, campaign.id, areaId);
    return cachedTarget ? cachedTarget(areaId, read) : read();
  }
  staffOf(areaPath: string, limit: number) {
    return staffOf(this.scope.db, areaPath, limit);
  }
  findMember(user: Pick<MemberRef, 'platform' | 'externalId'>) {
    return findMember(this.scope.db, user.platform, user.externalId);
  }
  ensureMember(user: MemberRef) {
    return ensureMember(this.scope.db, { ...user, now: this.scope.now });
  }
  grantsOf(memberId: number) {
    return grantsOf(this.scope.db, memberId);
  }
  adminCount() {
    return adminCount(this.scope.db);
  }
  channelsOfArea(areaId: number) {
    return channelsOfArea(this.scope.db, areaId, this.scope.channel.platform);
  }

  async createArea(input: { parent: Area | null; name: string; kind: AreaKind }) {
    this.scope.setupChanged();
    return createArea(this.scope.db, { ...input, now: this.scope.now });
  }
  async setTarget(areaId: number, people: number) {
    this.scope.setupChanged();
    await setTarget(this.scope.db, this.scope.campaign.id, areaId, people);
  }
  async bindChannel(input: { channelName: string; kind: BindingKind; areaId: number }) {
    this.scope.setupChanged();
    await bindChannel(this.scope.db, { ...input, platform: this.scope.channel.platform, channelId: this.scope.channel.id, now: this.scope.now });
  }
  async unbindChannel() {
    const { db, channel } = this.scope;
    const was = await unbindChannel(db, channel.platform, channel.id);
    if (!was) return null;
    this.scope.setupChanged();
    return { was, cancelled: await cancelQueuedTo(db, channel.platform, channel.id) };
  }
  async grant(user: MemberRef, role: Role, areaId: number) {
    this.scope.setupChanged();
    const memberId = await ensureMember(this.scope.db, { ...user, now: this.scope.now });
    return { memberId, added: await grantRole(this.scope.db, { memberId, role, areaId, now: this.scope.now }) };
  }
  async revoke(memberId: number, role: Role, areaId: number) {
    this.scope.setupChanged();
    return revokeRole(this.scope.db, { memberId, role, areaId });
  }
  async updateCampaign(changes: Updateable<CampaignTable>) {
    this.scope.setupChanged();
    await updateCampaign(this.scope.db, this.scope.campaign.id, changes);
  }
}

export function createSetupService(scope: ServiceScope): SetupService {
  return new BoundSetup(scope);
}
