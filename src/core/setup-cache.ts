/**
 * Who a speaker is, what their channel is bound to, and the current campaign
 * change only when an admin changes the setup, yet every message needs them.
 * They are cached per speaker and channel and dropped whenever the setup
 * version in the database changes (one indexed read per message), so every
 * replica sees a grant or a binding at its next message. Targets are kept the
 * same way, area by area as they are asked for: `pay` checks one or two on
 * every message, and a target changes only with the setup.
 */
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import type { Actor } from '../domain/permissions.ts';
import { getBinding, type BindingWithArea } from '../store/bindings.ts';
import { getCurrentCampaign } from '../store/campaigns.ts';
import { loadActor } from '../store/members.ts';
import { setupVersion } from '../store/setup-version.ts';
import { allAreaNames } from '../store/areas.ts';

/** What a message's handling needs to know about its sender and channel. */
export interface SetupSnapshot {
  actor: Actor;
  binding: BindingWithArea | null;
  campaign: Campaign;
  /** Every area's name, shared by all speakers. */
  areaNames: ReadonlySet<string>;
}

export interface SetupCache {
  load(input: { platform: string; userId: string; userName: string; channelId: string }): Promise<SetupSnapshot>;
  /**
   * A campaign's target of an area, read by `read` (in the caller's
   * transaction) the first time it is asked for under this setup version.
   */
  target(campaignId: number, areaId: number, read: () => Promise<number | null>): Promise<number | null>;
  /** Forgets everything: this process has just changed the setup. */
  invalidate(): void;
}

/**
 * `recheckMs`: how long a checked version is trusted before it is read again.
 * This process's own setup changes invalidate at once; another process's
 * (a replica, the CLI) are seen within that time.
 */
export function createSetupCache(db: Kysely<Database>, options: { maxEntries?: number; recheckMs?: number; nowMs?: () => number } = {}): SetupCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const recheckMs = options.recheckMs ?? 250;
  const nowMs = options.nowMs ?? (() => performance.now());
  let version: string | undefined;
  let checkedAt = -Infinity;
  let checking: Promise<string> | undefined;
  const entries = new Map<string, SetupSnapshot>();
  // Area names are the same for every speaker: loaded once per setup version.
  let areaNames: Promise<Set<string>> | undefined;
  // Replaced (not cleared) on a change, so a read that began before it is not stored after it.
  let targets = new Map<string, number | null>();
  return {
    async target(campaignId, areaId, read) {
      const key = `${campaignId}:${areaId}`;
      const known = targets.get(key);
      if (known !== undefined) return known;
      const generation = targets;
      const people = await read();
      if (generation === targets) {
        if (targets.size >= maxEntries) targets.clear();
        targets.set(key, people);
      }
      return people;
    },
    invalidate() {
      targets = new Map();
      entries.clear();
      areaNames = undefined;
      version = undefined;
      checkedAt = -Infinity;
    },
    async load({ platform, userId, userName, channelId }) {
      const clock = nowMs();
      if (clock - checkedAt >= recheckMs) {
        // One read for every message that arrives while it is under way (a burst read it once each).
        checking ??= setupVersion(db).finally(() => (checking = undefined));
        const current = await checking;
        checkedAt = Math.max(checkedAt, clock);
        if (current !== version) {
          targets = new Map();
          entries.clear();
          areaNames = undefined;
          version = current;
        }
      }
      const key = `${platform}\u0000${userId}\u0000${channelId}`;
      const hit = entries.get(key);
      if (hit) return hit;
      const names = (areaNames ??= allAreaNames(db).catch((e: unknown) => {
        areaNames = undefined; // a failed read is not remembered
        throw e;
      }));
      const [actor, binding, campaign, loadedNames] = await Promise.all([
        loadActor(db, platform, userId, userName),
        getBinding(db, platform, channelId),
        getCurrentCampaign(db),
        names,
      ]);
      const snapshot = { actor, binding, campaign, areaNames: loadedNames };
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, snapshot);
      return snapshot;
    },
  };
}
