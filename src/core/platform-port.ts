/**
 * The platform port: the framework's side of the platform boundary. Everything
 * outside src/platforms (the outbox worker, the lapse reminders, the health
 * report) talks to platforms through these types only. Inbound, an adapter turns its events into
 * `InboundMessage`s for the dispatcher and renders the replies; outbound, it
 * posts to a channel. A push-only platform (a WeCom group robot) implements
 * only the outbound half.
 */
import type { Reply } from './reply.ts';
import { EnrollbotError } from './errors.ts';

/** The outbound half: what scheduled posts and reminders are delivered through. */
export interface PlatformOutbound {
  readonly name: string;
  /** Posts a reply to a channel; throws `RateLimited` when the platform says to wait. */
  post(channelId: string, reply: Reply): Promise<void>;
  /**
   * The least time between two messages to one channel of this platform,
   * counted from the start of the previous send, as the outbox's default is;
   * that default when absent. Not used when the platform has `windows`.
   */
  readonly minIntervalMs?: number;
  /**
   * Rate windows per channel, as the platform's app counts them: at most
   * `max` messages in any `ms` milliseconds (a WeCom robot: 20 in 60 s; a
   * Feishu robot: 100 in 60 s and 5 in 1 s). The outbox keeps them in the
   * database for every replica, so a channel takes a burst at once and then
   * waits only until a window has room.
   */
  readonly windows?: readonly { readonly ms: number; readonly max: number }[];
  /**
   * The platform's own limit across all its channels (a Slack workspace, a
   * Discord application), kept by a token bucket in the database that every
   * replica shares. A platform with one also takes a `RateLimited` answer as
   * meant for all of it: every channel waits out the Retry-After.
   */
  readonly rate?: { perSecond: number; burst: number };
}

/**
 * Whether a platform can take messages now (what `/healthz` reports):
 * `connected`; `connecting` while it starts or reconnects after a drop;
 * `disconnected` before `start`, after `stop`, or when it has given up.
 */
export type PlatformStatus = 'connected' | 'connecting' | 'disconnected';

/** A chat platform the bot runs on. */
export interface Platform extends PlatformOutbound {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The connection now; cheap (no I/O), as a health probe calls it. */
  status(): PlatformStatus;
}

/**
 * Thrown by `post` when the platform answers "too many requests": the outbox
 * waits `retryAfterMs` before trying that message again.
 */
export class RateLimited extends EnrollbotError {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number, message = `rate limited; retry after ${retryAfterMs} ms`) {
    super('rate_limited', message);
    this.name = 'RateLimited';
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Thrown by `post` when the destination itself is wrong (a group robot whose
 * key, signature or keyword the app refused, or which was removed): retrying
 * cannot help, so the outbox holds that channel's posts for `holdMs` instead
 * of retrying them, and they go out once the destination works again.
 */
export class DestinationFailing extends Error {
  readonly holdMs: number;
  constructor(holdMs: number, message: string) {
    super(message);
    this.name = 'DestinationFailing';
    this.holdMs = holdMs;
  }
}

/**
 * Thrown by `post` when the bot may not post there as asked because it is not
 * a member of the channel or lacks access to it (Slack `not_in_channel` on a
 * file upload, Discord "Missing Access", a user whose direct messages are
 * closed). `withoutImage`: the platform could still take the message without
 * its image, so the outbox sends it so (with a note) before retrying whole.
 */
export class NotMember extends Error {
  readonly withoutImage: boolean;
  constructor(message: string, options: { withoutImage: boolean }) {
    super(message);
    this.name = 'NotMember';
    this.withoutImage = options.withoutImage;
  }
}

/**
 * The outbox's address of a direct message to a user (a cadre's own list):
 * `@` and the user's platform id. Each platform turns it into its own form
 * (Slack posts to the user id, Discord opens a DM channel first).
 */
export function directAddress(userId: string): string {
  return `@${userId}`;
}

/** The user id of a direct-message address, or null for a channel. */
export function directUser(address: string): string | null {
  return address.startsWith('@') ? address.slice(1) : null;
}
