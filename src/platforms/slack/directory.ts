/**
 * Names and locales of Slack users and channels, looked up through the Web
 * API (users.info with the locale, conversations.info) and kept for a while so
 * that a busy channel does not cost a lookup per message. A failed lookup is
 * not an error: the message goes on with the id as its name.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/logger.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** What Slack tells about a user. */
export interface SlackUserInfo {
  name: string | null;
  locale: string | null;
}

export interface SlackDirectory {
  user(userId: string): Promise<SlackUserInfo>;
  channelName(channelId: string): Promise<string | null>;
}

export interface DirectoryOptions {
  ttlMs?: number;
  maxEntries?: number;
  nowMs?: () => number;
  log: Logger;
}

/** A small expiring map: oldest entries leave first when it is full. */
function expiringCache<V>(ttlMs: number, max: number, nowMs: () => number) {
  const entries = new Map<string, { value: V; until: number }>();
  return {
    get(key: string): V | undefined {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.until < nowMs()) {
        entries.delete(key);
        return undefined;
      }
      return hit.value;
    },
    delete(key: string): void {
      entries.delete(key);
    },
    set(key: string, value: V): void {
      entries.delete(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until: nowMs() + ttlMs });
    },
  };
}

export function createSlackDirectory(client: WebClient, options: DirectoryOptions): SlackDirectory {
  const ttl = options.ttlMs ?? 10 * 60_000;
  const max = options.maxEntries ?? 5000;
  const now = options.nowMs ?? Date.now;
  const users = expiringCache<Promise<SlackUserInfo>>(ttl, max, now);
  const channels = expiringCache<Promise<string | null>>(ttl, max, now);

  async function fetchUser(userId: string): Promise<SlackUserInfo> {
    try {
      const res = await client.users.info({ user: userId, include_locale: true });
      const u = res.user;
      const name = u?.profile?.display_name || u?.real_name || u?.name || null;
      return { name, locale: u?.locale ?? null };
    } catch (e) {
      options.log.warn('slack users.info failed', { user: userId, err: e instanceof Error ? e.message : String(e) });
      return { name: null, locale: null };
    }
  }

  async function fetchChannel(channelId: string): Promise<string | null> {
    try {
      const res = await client.conversations.info({ channel: channelId });
      return res.channel?.name ?? null;
    } catch (e) {
      options.log.warn('slack conversations.info failed', { channel: channelId, err: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }

  return {
    // A failed lookup is not kept: the next message asks Slack again.
    user(userId) {
      let hit = users.get(userId);
      if (!hit) {
        hit = fetchUser(userId);
        users.set(userId, hit);
        void hit.then((u) => !u.name && !u.locale && users.delete(userId));
      }
      return hit;
    },
    channelName(channelId) {
      let hit = channels.get(channelId);
      if (!hit) {
        hit = fetchChannel(channelId);
        channels.set(channelId, hit);
        void hit.then((name) => name === null && channels.delete(channelId));
      }
      return hit;
    },
  };
}
