/**
 * Posting a neutral reply into a Slack channel: chat.postMessage for a plain
 * reply; for a reply with an image, one files.uploadV2 (getUploadURLExternal →
 * upload → completeUploadExternal) that shares the image with the reply's
 * blocks, so the post appears once, whole, or not at all. A 429 becomes
 * `RateLimited` so the outbox decides when to try again.
 */
import { webApi } from '@slack/bolt';
import type { Reply } from '../../core/reply.ts';
import { directUser, RateLimited, type PlatformOutbound } from '../../core/platform-port.ts';
import { actionBlocks, contentBlocks, fallbackText, renderSlackMessage } from './render.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** Where in a channel a post goes. */
export interface PostTarget {
  channelId: string;
  /** Replies in a thread when set. */
  threadTs?: string;
}

/** The `RateLimited` behind a Slack rate-limit error; null for any other error. */
export function rateLimitOf(e: unknown): RateLimited | null {
  if (e instanceof RateLimited) return e;
  if (e instanceof webApi.WebAPIRateLimitedError || (e as { code?: unknown } | null)?.code === webApi.ErrorCode.RateLimitedError) {
    const seconds = Number((e as { retryAfter?: unknown }).retryAfter);
    return new RateLimited(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
  }
  return null;
}

/** Posts a reply; throws `RateLimited` on a 429 and the client's error otherwise. */
export async function postReply(client: WebClient, target: PostTarget, reply: Reply): Promise<void> {
  const thread = target.threadTs ? { thread_ts: target.threadTs } : {};
  try {
    if (!reply.image) {
      const message = renderSlackMessage(reply);
      await client.chat.postMessage({ channel: target.channelId, ...thread, text: message.text, blocks: message.blocks, unfurl_links: false });
      return;
    }
    // The upload carries the content blocks; buttons (rare beside a chart) follow in their own message.
    const blocks = contentBlocks(reply);
    await client.filesUploadV2({
      channel_id: target.channelId,
      ...thread,
      file: Buffer.from(reply.image.png),
      filename: reply.image.filename,
      alt_text: reply.image.alt,
      title: reply.title ?? reply.image.filename,
      ...(blocks.length ? { blocks: blocks.slice(0, 50) } : {}),
    } as Parameters<WebClient['filesUploadV2']>[0]);
    const buttons = actionBlocks(reply);
    if (buttons.length) await client.chat.postMessage({ channel: target.channelId, ...thread, text: fallbackText(reply), blocks: buttons });
  } catch (e) {
    throw rateLimitOf(e) ?? e;
  }
}

/** A Web API client for outbound posts: no automatic retries, 429s rejected at once. */
export function createOutboundClient(options: { token: string; apiUrl: string | null; logger?: webApi.Logger }): WebClient {
  return new webApi.WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 30_000,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The outbound half of Slack for the outbox: `post` to a channel. */
export function createSlackOutbound(client: WebClient): PlatformOutbound {
  return {
    name: 'slack',
    // chat.postMessage to a user id posts in the app's direct conversation with them.
    post: (channelId, reply) => postReply(client, { channelId: directUser(channelId) ?? channelId }, reply),
  };
}
