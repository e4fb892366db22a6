/**
 * Posting a neutral reply into a Slack channel: chat.postMessage for a plain
 * reply; for a reply with an image (or a table longer than a table block,
 * whose whole goes along as XLSX), one files.uploadV2 (getUploadURLExternal →
 * upload → completeUploadExternal) that shares the files with the reply's
 * blocks, so the post appears once, whole, or not at all. A 429 becomes
 * `RateLimited` so the outbox decides when to try again.
 *
 * Sharing a file needs the bot in the channel (`not_in_channel` otherwise,
 * though chat:write.public lets it post text to any public channel): the
 * poster joins a public channel first (channels:join) and tries again; when
 * it cannot join (a private channel) it throws `NotMember`, and the outbox
 * posts the message without its image. Slack refusing the table block
 * (`invalid_blocks`) gets the code block instead.
 */
import { webApi } from '@slack/bolt';
import type { Reply } from '../../core/reply.ts';
import { tableWorkbookOffThread } from '../../board/chart.ts';
import { directUser, NotMember, RateLimited, type PlatformOutbound } from '../../core/platform-port.ts';
import { actionBlocks, contentBlocks, fallbackText, fitsTableBlock, renderSlackMessage, type TableStyle } from './render.ts';
import { catalogue, type Catalogue } from '../../i18n/index.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** Where in a channel a post goes. */
export interface PostTarget {
  channelId: string;
  /** Replies in a thread when set. */
  threadTs?: string;
  /** The words of the poster's own notes (the deployment's language when absent). */
  t?: Catalogue;
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

/** The Slack error code of a Web API failure (`not_in_channel`), or null. */
export function slackErrorOf(e: unknown): string | null {
  const code = (e as { data?: { error?: unknown } } | null)?.data?.error;
  return typeof code === 'string' ? code : null;
}

/** Errors that mean the bot is not in the channel, or may not see it. */
const MEMBERSHIP_ERRORS = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * Joins a public channel (channels:join); says why not otherwise: a private
 * channel (`method_not_supported_for_channel_type`), a missing scope, an
 * archived channel. A direct conversation needs no joining.
 */
export async function joinChannel(client: WebClient, channelId: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (channelId.startsWith('D') || channelId.startsWith('U')) return { ok: true };
  try {
    await client.conversations.join({ channel: channelId });
    return { ok: true };
  } catch (e) {
    const limited = rateLimitOf(e);
    if (limited) throw limited;
    return { ok: false, reason: slackErrorOf(e) ?? (e instanceof Error ? e.message : String(e)) };
  }
}

/** The file name of a table's XLSX attachment. */
const TABLE_FILE = 'table.xlsx';

async function postOnce(client: WebClient, target: PostTarget, reply: Reply, style: TableStyle): Promise<void> {
  const thread = target.threadTs ? { thread_ts: target.threadTs } : {};
  // A table longer than a table block: its first rows in the block, the whole attached.
  const overflow = style === 'block' && reply.table && !fitsTableBlock(reply.table) ? reply.table : null;
  if (!reply.image && !overflow) {
    const message = renderSlackMessage(reply, style);
    await client.chat.postMessage({ channel: target.channelId, ...thread, text: message.text, blocks: message.blocks, unfurl_links: false });
    return;
  }
  const t = target.t ?? catalogue('zh-CN');
  const withNote: Reply = overflow
    ? { ...reply, footer: [reply.footer, t.boardTableRest({ count: overflow.rows.length - 99, file: TABLE_FILE })].filter(Boolean).join('\n') }
    : reply;
  const files: { file: Buffer; filename: string; title: string; alt_text?: string }[] = [];
  if (reply.image) files.push({ file: Buffer.from(reply.image.png), filename: reply.image.filename, title: reply.title ?? reply.image.filename, alt_text: reply.image.alt });
  // Built on the render threads: a province's 2,000 rows were 110–320 ms of exceljs here.
  if (overflow) files.push({ file: Buffer.from(await tableWorkbookOffThread(overflow, reply.title ?? 'table')), filename: TABLE_FILE, title: TABLE_FILE });
  // The upload carries the content blocks; buttons (rare beside a chart) follow in their own message.
  const blocks = contentBlocks(withNote, style);
  const upload = () =>
    client.filesUploadV2({
      channel_id: target.channelId,
      ...thread,
      file_uploads: files,
      ...(blocks.length ? { blocks: blocks.slice(0, 50) } : {}),
    } as unknown as Parameters<WebClient['filesUploadV2']>[0]);
  try {
    await upload();
  } catch (e) {
    if (!MEMBERSHIP_ERRORS.has(slackErrorOf(e) ?? '')) throw e;
    // Sharing files needs membership: join (a public channel) and try once more.
    const joined = await joinChannel(client, target.channelId);
    if (!joined.ok) {
      if (!reply.image) {
        // Only the long table's file was refused: the code block carries every row.
        await postOnce(client, target, reply, 'code');
        return;
      }
      throw new NotMember(`slack: cannot share a file in ${target.channelId}: ${slackErrorOf(e)}; join: ${joined.reason}`, { withoutImage: true });
    }
    await upload();
  }
  const buttons = actionBlocks(reply);
  if (buttons.length) await client.chat.postMessage({ channel: target.channelId, ...thread, text: fallbackText(reply), blocks: buttons });
}

/**
 * Posts a reply; throws `RateLimited` on a 429, `NotMember` when the bot may
 * not post there, and the client's error otherwise.
 */
export async function postReply(client: WebClient, target: PostTarget, reply: Reply): Promise<void> {
  try {
    try {
      await postOnce(client, target, reply, 'block');
    } catch (e) {
      // A workspace (or a Slack) that does not take the table block: the code block.
      if (reply.table && slackErrorOf(e) === 'invalid_blocks') await postOnce(client, target, reply, 'code');
      else throw e;
    }
  } catch (e) {
    const code = slackErrorOf(e);
    if (!(e instanceof NotMember) && code && MEMBERSHIP_ERRORS.has(code)) throw new NotMember(`slack: ${code} (${target.channelId})`, { withoutImage: false });
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

/**
 * The workspace-wide pace of posts, beside the one a second per channel:
 * chat.postMessage allows short bursts, and Slack's workspace limit for an
 * app is far below 250 channels at once.
 */
export const SLACK_WORKSPACE_RATE = { perSecond: 10, burst: 20 } as const;

/** The outbound half of Slack for the outbox: `post` to a channel. */
export function createSlackOutbound(
  client: WebClient,
  options: { rate?: { perSecond: number; burst: number }; t?: Catalogue } = {},
): PlatformOutbound {
  return {
    name: 'slack',
    rate: options.rate ?? SLACK_WORKSPACE_RATE,
    // chat.postMessage to a user id posts in the app's direct conversation with them.
    post: (channelId, reply) => postReply(client, { channelId: directUser(channelId) ?? channelId, ...(options.t ? { t: options.t } : {}) }, reply),
  };
}
