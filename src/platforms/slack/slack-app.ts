/**
 * The Bolt app: Socket Mode when an app token is set, otherwise our own
 * receiver behind the signature-checking front door (receiver.ts). `/enroll <words>`, an
 * `@enrollbot <words>` mention and a button press all run the one dispatcher
 * as the Slack user; every request is acknowledged first, the work comes after.
 */
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger, type RespondFn, type webApi } from '@slack/bolt';
import type { Config } from '../../config.ts';
import type { Dispatcher } from '../../core/dispatcher.ts';
import type { Logger } from '../../core/logger.ts';
import type { Reply } from '../../core/reply.ts';
import { buttonCommand } from '../../core/buttons.ts';
import { catalogue } from '../../i18n/index.ts';
import { createLookupClient, createSlackDirectory, type SlackDirectory } from './directory.ts';
import { mentionedUserIds, parseUserMention, stripLeadingMention } from './mentions.ts';
import { postReply, rateLimitOf } from './outbound.ts';
import { ACTION_ID_PATTERN, renderSlackMessage } from './render.ts';
import { VerifiedReceiver } from './receiver.ts';
import type { OtherPathHandler, ServerLimits } from './http-server.ts';
import { createWorkQueue, type WorkQueue } from './work-queue.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** The Slack part of the configuration. */
export type SlackConfig = NonNullable<Config['slack']>;

/** The slash command the manifest declares. */
export const SLASH_COMMAND = '/enroll';

export interface SlackAppOptions {
  slack: SlackConfig;
  dispatcher: Dispatcher;
  log: Logger;
  /** Interface to listen on in HTTP mode (default: all). */
  host?: string;
  /** The clock signatures are checked against (HTTP mode). */
  nowMs?: () => number;
  /** HTTP mode: answers paths other than `/slack/events` on the same server (the health check). */
  otherPaths?: OtherPathHandler;
  /** HTTP mode: the front door's limits, for tests (see http-server.ts for the defaults). */
  httpLimits?: Partial<ServerLimits>;
  /**
   * HTTP mode: Bolt's own `HTTPReceiver` instead of the front door. Only the
   * bench sets it, to measure the two side by side (docs/slack.md,
   * "Measurements"); it lacks the front door's header-first checks and caps.
   */
  boltHttpReceiver?: boolean;
}


/** The longest command work waits for a burst of requests to end (HTTP mode). */
const WORK_MAX_DEFER_MS = 1000;

/** The Bolt app and what the platform needs to run it. */
export interface SlackBoltApp {
  app: App;
  mode: 'socket' | 'http';
  /** The receiver that owns the HTTP server (HTTP mode). */
  receiver: VerifiedReceiver | null;
  client: WebClient;
  /** Command work acknowledged and not yet finished. */
  work: WorkQueue;
  /**
   * Socket Mode: whether the socket is up now (Slack's `hello` seen, not
   * closed since); null in HTTP mode, where listening is the connection.
   */
  socketStatus: (() => 'connected' | 'connecting' | 'disconnected') | null;
}

/** Bolt's logger interface over ours; Bolt's debug chatter stays at debug. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const line = (args: unknown[]) => ({ detail: args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ') });
  return {
    debug: (...a: unknown[]) => log.debug('bolt', line(a)),
    info: (...a: unknown[]) => log.info('bolt', line(a)),
    warn: (...a: unknown[]) => log.warn('bolt', line(a)),
    error: (...a: unknown[]) => log.error('bolt', line(a)),
    setLevel: (l: LogLevel) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

/** What a handled Slack input needs to become an `InboundMessage`. */
interface SlackInput {
  channelId: string;
  channelName: string | null;
  userId: string;
  userName: string | null;
  messageId: string;
  text: string;
}

/** How long a command waits for a name from Slack before it goes on with the id. */
const LOOKUP_WAIT_MS = 1000;

/** The most mentions of one message looked up on Slack; the rest go by the name Slack gave, or their id. */
export const MAX_MENTION_LOOKUPS = 5;

async function runCommand(dispatcher: Dispatcher, directory: SlackDirectory, work: WorkQueue, input: SlackInput): Promise<Reply> {
  const [user, channelName] = await Promise.all([
    directory.user(input.userId, LOOKUP_WAIT_MS),
    input.channelName ?? directory.channelName(input.channelId, LOOKUP_WAIT_MS),
  ]);
  const userName = user.name ?? input.userName ?? input.userId;
  // Mentions are looked up only for a command that takes a user, once its
  // sender may run it, and only the first few: outside the work queue, so a
  // slow lookup holds no one else's payment.
  const nameOf = new Map<string, string | null>();
  const mentioned = input.text.includes('<@') ? mentionedUserIds(input.text) : [];
  if (mentioned.length && (await dispatcher.takesUsers?.({ platform: 'slack', channelId: input.channelId, userId: input.userId, userName, text: input.text }))) {
    const ids = mentioned.slice(0, MAX_MENTION_LOOKUPS);
    const names = await Promise.all(ids.map(async (id) => [id, (await directory.user(id, LOOKUP_WAIT_MS)).name] as const));
    for (const [id, name] of names) nameOf.set(id, name);
  }
  return work.run(() => dispatcher.handle({
    platform: 'slack',
    channelId: input.channelId,
    channelName: channelName ?? input.channelId,
    userId: input.userId,
    userName,
    userLocale: user.locale,
    messageId: input.messageId,
    // Slack's direct-message conversations have ids starting with D.
    direct: input.channelId.startsWith('D'),
    text: input.text,
    resolveUser: (token) => {
      const m = parseUserMention(token);
      return m ? { platform: 'slack', externalId: m.id, displayName: nameOf.get(m.id) ?? m.name ?? m.id } : null;
    },
  }));
}

export function createSlackApp(options: SlackAppOptions): SlackBoltApp {
  const { slack, dispatcher, log } = options;
  const logger = boltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    // Replies to a person are worth a few quick retries, not Bolt's default half hour.
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4000 },
    timeout: 30_000,
  };
  const common = {
    token: slack.botToken,
    logger,
    clientOptions,
    // auth.test runs in init() so a bad token fails the start, not the first message.
    deferInitialization: true,
    // No in-memory conversation store: state lives in the database.
    convoStore: false as const,
  };
  let app: App;
  let receiver: VerifiedReceiver | null = null;
  let mode: SlackBoltApp['mode'];
  let socketStatus: SlackBoltApp['socketStatus'] = null;
  if (slack.appToken) {
    mode = 'socket';
    // The Socket Mode client opens its connection through the Web API too
    // (apps.connections.open), so SLACK_API_URL must reach it as well.
    const socketReceiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger,
      installerOptions: { clientOptions: slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {} },
    });
    app = new App({ ...common, receiver: socketReceiver });
    // The client's own state events; a socket closed under it (Slack recycling
    // its end, a network drop) counts as connecting until the reconnect's hello.
    let socket: 'connected' | 'connecting' | 'disconnected' = 'disconnected';
    const client = socketReceiver.client;
    for (const state of ['connecting', 'reconnecting'] as const) client.on(state, () => (socket = 'connecting'));
    for (const state of ['disconnecting', 'disconnected'] as const) client.on(state, () => (socket = 'disconnected'));
    client.on('connected', () => (socket = 'connected'));
    client.on('close', () => {
      if (socket === 'connected') socket = 'connecting';
    });
    socketStatus = () => socket;
  } else if (options.boltHttpReceiver) {
    mode = 'http';
    const health = options.otherPaths;
    app = new App({
      ...common,
      receiver: new HTTPReceiver({
        signingSecret: slack.signingSecret ?? '',
        logger,
        customRoutes: [{ path: '/healthz', method: ['GET'], handler: (req, res) => (health ? health(req, res) : void res.writeHead(404).end()) }],
      }),
    });
  } else {
    mode = 'http';
    receiver = new VerifiedReceiver({
      signingSecret: slack.signingSecret ?? '',
      port: slack.port,
      ...(options.host ? { host: options.host } : {}),
      nowMs: options.nowMs ?? Date.now,
      log,
      ...(options.otherPaths ? { otherPaths: options.otherPaths } : {}),
      ...(options.httpLimits ? { limits: options.httpLimits } : {}),
    });
    app = new App({ ...common, receiver });
  }
  // Not Bolt's client: that one waits out a 429, and a payment would wait with it.
  const directory = createSlackDirectory(createLookupClient({ token: slack.botToken, apiUrl: slack.apiUrl, logger }), { log });
  // Acknowledgements before work: a command waits while requests are still arriving,
  // up to a second (Slack allows three for the ack; the answer has half an hour).
  // A commit can take tens of ms on a busy disk: a shorter bound let a slow
  // burst's first commands run back to back in front of its last requests.
  const http = receiver;
  const work = createWorkQueue(http ? { busy: () => http.busy(), maxDeferMs: WORK_MAX_DEFER_MS } : {});

  /** Where a refusal, an error or a private answer goes: only the person who asked sees it. */
  async function deliverEphemeral(reply: Reply, to: { respond?: RespondFn; client: WebClient; channelId: string; userId: string; threadTs?: string }) {
    const message = renderSlackMessage(reply);
    if (to.respond) {
      await to.respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
    } else {
      await to.client.chat.postEphemeral({
        channel: to.channelId,
        user: to.userId,
        text: message.text,
        blocks: message.blocks,
        ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
      });
    }
  }

  function failed(what: string, e: unknown, fields: Record<string, unknown>) {
    const limited = rateLimitOf(e);
    log.error(`slack ${what} failed`, { ...fields, ...(limited ? { retryAfterMs: limited.retryAfterMs } : {}), err: e instanceof Error ? e.message : String(e) });
  }

  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    const fields = { channel: command.channel_id, user: command.user_id };
    try {
      const reply = await runCommand(dispatcher, directory, work, {
        channelId: command.channel_id,
        channelName: command.channel_name || null,
        userId: command.user_id,
        userName: command.user_name || null,
        // Slash commands are not retried by Slack; the trigger id still keys a replayed one.
        messageId: command.trigger_id,
        text: command.text ?? '',
      });
      if (reply.duplicate) return log.info('slack command already handled', fields);
      if (reply.status !== 'ok' || reply.private) return await deliverEphemeral(reply, { respond, client, channelId: command.channel_id, userId: command.user_id });
      // response_url cannot carry files: a reply with an image is posted by the bot.
      if (reply.image) return await postReply(client, { channelId: command.channel_id }, reply);
      const message = renderSlackMessage(reply);
      await respond({ response_type: 'in_channel', text: message.text, blocks: message.blocks });
    } catch (e) {
      failed('command', e, fields);
    }
  });

  app.event('app_mention', async ({ event, body, context, client }) => {
    const userId = event.user;
    if (!userId) return;
    const threadTs = event.thread_ts;
    const fields = { channel: event.channel, user: userId, event: body.event_id };
    try {
      const reply = await runCommand(dispatcher, directory, work, {
        channelId: event.channel,
        channelName: null,
        userId,
        userName: null,
        // A retried delivery (X-Slack-Retry-Num) carries the same event id: the dispatcher records it once.
        messageId: body.event_id,
        text: stripLeadingMention(event.text, context.botUserId),
      });
      if (reply.duplicate) return log.info('slack event already handled', { ...fields, retry: context.retryNum ?? 0 });
      if (reply.status !== 'ok' || reply.private) return await deliverEphemeral(reply, { client, channelId: event.channel, userId, ...(threadTs ? { threadTs } : {}) });
      await postReply(client, { channelId: event.channel, ...(threadTs ? { threadTs } : {}) }, reply);
    } catch (e) {
      failed('mention', e, fields);
    }
  });

  app.action({ type: 'block_actions', action_id: ACTION_ID_PATTERN }, async ({ action, body, ack, respond, client }) => {
    await ack();
    const channelId = body.channel?.id ?? body.container?.channel_id;
    const fields = { channel: channelId, user: body.user.id };
    if (action.type !== 'button' || !action.value || !channelId) return log.warn('slack action without a command', fields);
    try {
      const line = buttonCommand(action.value);
      if (line === null) {
        // Not a button the bot made: nothing runs, and the presser is told so.
        log.warn('slack button refused: not one of ours', { ...fields, length: action.value.length });
        const t = catalogue(dispatcher.localeFor({ userLocale: body.user.id ? (await directory.user(body.user.id, LOOKUP_WAIT_MS)).locale : null }));
        return await deliverEphemeral({ status: 'refused', text: t.buttonNotOurs() }, { respond, client, channelId, userId: body.user.id });
      }
      const reply = await runCommand(dispatcher, directory, work, {
        channelId,
        channelName: body.channel?.name ?? null,
        userId: body.user.id,
        userName: body.user.name ?? null,
        messageId: `action:${body.trigger_id}`,
        text: line,
      });
      if (reply.duplicate) return log.info('slack action already handled', fields);
      if (reply.status !== 'ok' || reply.private) return await deliverEphemeral(reply, { respond, client, channelId, userId: body.user.id });
      if (reply.image) return await postReply(client, { channelId }, reply);
      const message = renderSlackMessage(reply);
      await respond({ response_type: 'in_channel', replace_original: false, text: message.text, blocks: message.blocks });
    } catch (e) {
      failed('action', e, fields);
    }
  });

  app.error(async (e) => {
    log.error('slack app error', { err: e instanceof Error ? e.message : String(e) });
  });

  return { app, mode, receiver, client: app.client, work, socketStatus };
}
