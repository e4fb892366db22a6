/**
 * Names and locales of Slack users and channels, looked up through the Web
 * API (users.info with the locale, conversations.info) and kept for a while so
 * that a busy channel does not cost a lookup per message. A failed lookup is
 * not an error: the message goes on with the id as its name.
 *
 * Lookups must never hold a payment up. They go through a client of their
 * own that never waits out a 429 (see `createLookupClient`); after a 429
 * nothing is asked until Slack's Retry-After has passed; a failure is kept
 * for a minute like an answer (asking again for a user who does not exist is
 * what a flood of mentions would do); and a caller may bound how long it waits.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from '../../core/logger.ts';
import { rateLimitOf } from './outbound.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** What Slack tells about a user. */
export interface SlackUserInfo {
  name: string | null;
  locale: string | null;
}

const UNKNOWN_USER: SlackUserInfo = { name: null, locale: null };

export interface SlackDirectory {
  /** The user's name and locale; unknown ones (null) when `waitMs` passes first or the lookup fails. */
  user(userId: string, waitMs?: number): Promise<SlackUserInfo>;
  channelName(channelId: string, waitMs?: number): Promise<string | null>;
}

export interface DirectoryOptions {
  ttlMs?: number;
  /** How long a failed lookup is kept before Slack is asked again. */
  failureTtlMs?: number;
  maxEntries?: number;
  nowMs?: () => number;
  log: Logger;
}

/** How long one lookup may take before it counts as failed. */
export const LOOKUP_TIMEOUT_MS = 3000;

/**
 * The Web API client for lookups: a 429 fails the call at once instead of
 * waiting out Retry-After (Bolt's client would wait, and a payment waiting
 * on its sender's name with it), no retries, a short timeout.
 */
export function createLookupClient(options: { token: string; apiUrl: string | null; logger?: webApi.Logger }): WebClient {
  return new webApi.WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: LOOKUP_TIMEOUT_MS,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** `work`'s result, or `fallback` when `waitMs` passes first (the work goes on, and fills the cache). */
function bounded<T>(work: Promise<T>, waitMs: number | undefined, fallback: T): Promise<T> {
  if (waitMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), waitMs);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A small expiring map: oldest entries leave first when it is full. */
function expiringCache<V>(max: number, nowMs: () => number) {
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
    set(key: string, value: V, ttlMs: number): void {
      entries.delete(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until: nowMs() + ttlMs });
    },
  };
}

export function createSlackDirectory(client: WebClient, options: DirectoryOptions): SlackDirectory {
  const ttl = options.ttlMs ?? 10 * 60_000;
  const failureTtl = options.failureTtlMs ?? 60_000;
  const max = options.maxEntries ?? 5000;
  const now = options.nowMs ?? Date.now;
  const users = expiringCache<Promise<SlackUserInfo>>(max, now);
  const channels = expiringCache<Promise<string | null>>(max, now);
  /** Slack said 429: nothing is asked before then. */
  let pausedUntil = -Infinity;

  /** Runs a lookup unless Slack asked us to wait; a 429 starts the wait. */
  async function ask<T>(what: string, fields: Record<string, string>, call: () => Promise<T>): Promise<T | null> {
    if (now() < pausedUntil) return null;
    try {
      return await call();
    } catch (e) {
      const limited = rateLimitOf(e);
      if (limited) pausedUntil = Math.max(pausedUntil, now() + limited.retryAfterMs);
      options.log.warn(`slack ${what} failed`, { ...fields, ...(limited ? { retryAfterMs: limited.retryAfterMs } : {}), err: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }

  async function fetchUser(userId: string): Promise<SlackUserInfo> {
    const res = await ask('users.info', { user: userId }, () => client.users.info({ user: userId, include_locale: true }));
    const u = res?.user;
    if (!u) return UNKNOWN_USER;
    return { name: u.profile?.display_name || u.real_name || u.name || null, locale: u.locale ?? null };
  }

  async function fetchChannel(channelId: string): Promise<string | null> {
    const res = await ask('conversations.info', { channel: channelId }, () => client.conversations.info({ channel: channelId }));
    return res?.channel?.name ?? null;
  }

  return {
    user(userId, waitMs) {
      let hit = users.get(userId);
      if (!hit) {
        hit = fetchUser(userId);
        users.set(userId, hit, ttl);
        // A failure is kept too, for a shorter while.
        void hit.then((u) => !u.name && !u.locale && users.set(userId, hit!, failureTtl));
      }
      return bounded(hit, waitMs, UNKNOWN_USER);
    },
    channelName(channelId, waitMs) {
      let hit = channels.get(channelId);
      if (!hit) {
        hit = fetchChannel(channelId);
        channels.set(channelId, hit, ttl);
        void hit.then((name) => name === null && channels.set(channelId, hit!, failureTtl));
      }
      return bounded(hit, waitMs, null);
    },
  };
}
