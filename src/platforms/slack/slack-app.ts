/**
 * The Bolt app: Socket Mode when an app token is set, otherwise our own
 * receiver behind the signature-checking front door (receiver.ts). `/enroll <words>`, an
 * `@enrollbot <words>` mention and a button press all run the one dispatcher
 * as the Slack user; every request is acknowledged first, the work comes after.
 */
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type BlockAction, type Logger as BoltLogger, type RespondFn, type types, type webApi } from '@slack/bolt';
import type { Config } from '../../config.ts';
import type { Dispatcher, TypedInvocation } from '../../core/dispatcher.ts';
import type { Logger } from '../../core/logger.ts';
import type { Reply } from '../../core/reply.ts';
import { buttonCommand, followUpCase, PRIVATE_BY_DEFAULT, SHARE_PREFIX, shareLine } from '../../core/buttons.ts';
import { catalogue, type Catalogue } from '../../i18n/index.ts';
import type { PlatformLookups } from '../../store/suggestions.ts';
import { createChartDrawing, withoutChart, type ChartDrawing } from '../common/chart-draw.ts';
import { homeView, markFollowUpDone, PAY_ACTION_PATTERN, payButtons, PAY_BLOCKS, PAY_CALLBACK, PAY_SHORTCUT, payMetaOf, payModal, readPaySubmission } from './forms.ts';
import { createLookupClient, createSlackDirectory, type SlackDirectory } from './directory.ts';
import { mentionedUserIds, parseUserMention, stripLeadingMention } from './mentions.ts';
import { joinChannel, postReply, rateLimitOf } from './outbound.ts';
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
  /** What the pay form, the App Home and the buttons read (townships, roles, cases); without it they show less. */
  lookups?: PlatformLookups;
  /** How a board's chart is drawn for a reply (default: on the chart threads, the latest drawings kept). */
  charts?: ChartDrawing;
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
  messageId: string | null;
  text: string;
}

/** How long a command waits for a name from Slack before it goes on with the id. */
const LOOKUP_WAIT_MS = 1000;

/** The most mentions of one message looked up on Slack; the rest go by the name Slack gave, or their id. */
export const MAX_MENTION_LOOKUPS = 5;

/** A command's answer and the words of the person who asked. */
interface Answered {
  reply: Reply;
  t: Catalogue;
}

async function runCommand(
  dispatcher: Dispatcher,
  directory: SlackDirectory,
  work: WorkQueue | null,
  input: SlackInput & { direct?: boolean; typed?: TypedInvocation },
): Promise<Answered> {
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
  const handle = () =>
    dispatcher.handle({
      platform: 'slack',
      channelId: input.channelId,
      channelName: channelName ?? input.channelId,
      userId: input.userId,
      userName,
      userLocale: user.locale,
      messageId: input.messageId,
      // Slack's direct-message conversations have ids starting with D.
      direct: input.direct ?? input.channelId.startsWith('D'),
      text: input.text,
      ...(input.typed ? { typed: input.typed } : {}),
      resolveUser: (token) => {
        const m = parseUserMention(token);
        return m ? { platform: 'slack', externalId: m.id, displayName: nameOf.get(m.id) ?? m.name ?? m.id } : null;
      },
    });
  const reply = await (work ? work.run(handle) : handle());
  return { reply, t: catalogue(dispatcher.localeFor({ userLocale: user.locale })) };
}

export function createSlackApp(options: SlackAppOptions): SlackBoltApp {
  const { slack, dispatcher, log } = options;
  const charts = options.charts ?? createChartDrawing();
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
  async function deliverEphemeral(
    reply: Reply,
    to: { respond?: RespondFn; client: WebClient; channelId: string; userId: string; threadTs?: string },
    extraBlocks: types.KnownBlock[] = [],
  ) {
    const rendered = renderSlackMessage(withoutChart(reply));
    const message = { text: rendered.text, blocks: [...rendered.blocks, ...extraBlocks].slice(0, 50) };
    // From the App Home there is no channel: the app's direct conversation with the user is private already.
    if (to.channelId.startsWith('U')) {
      await to.client.chat.postMessage({ channel: to.channelId, text: message.text, blocks: message.blocks });
      return;
    }
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

  /** Where an answer goes and what it answers. */
  interface Where {
    respond?: RespondFn;
    client: WebClient;
    channelId: string;
    userId: string;
    threadTs?: string;
    /** The line the user sent (what a "share" button runs again). */
    line: string;
  }

  /**
   * Answers a command: refusals and private answers to the asker alone; what
   * one person asks to see (`board`, `progress`, `lapse`) privately too, with
   * a button to share it; `bind` joins the channel it bound; the rest in the
   * channel, a chart drawn after the acknowledgement.
   */
  async function answer({ reply, t }: Answered, where: Where): Promise<void> {
    const direct = where.channelId.startsWith('D');
    if (reply.status !== 'ok' || reply.private) return deliverEphemeral(reply, where);
    const policy = reply.command ? PRIVATE_BY_DEFAULT.get(reply.command) : undefined;
    if (policy && !direct) {
      const share = policy.shareable ? shareLine(where.line) : null;
      const shown = share ? { ...reply, actions: [...(reply.actions ?? []), { label: t.shareInChannel(), command: share, style: 'primary' as const }] } : reply;
      return deliverEphemeral(shown, where, await payButtonsFor(reply, t, where));
    }
    let out = reply;
    if (reply.command === 'bind' && !direct) {
      // Posting a chart needs membership: join now, and say so when it cannot be done.
      const joined = await joinChannel(where.client, where.channelId);
      if (!joined.ok) out = { ...reply, text: `${reply.text}\n${t.bindCannotJoin({ reason: joined.reason })}` };
    }
    if (out.chart) {
      // A chart is drawn now, after the acknowledgement; response_url cannot carry files.
      return postReply(where.client, { channelId: where.channelId, ...(where.threadTs ? { threadTs: where.threadTs } : {}), t }, await charts.withDrawnChart(out));
    }
    if (!where.respond) return postReply(where.client, { channelId: where.channelId, ...(where.threadTs ? { threadTs: where.threadTs } : {}), t }, out);
    const message = renderSlackMessage(out);
    await where.respond({ response_type: 'in_channel', replace_original: false, text: message.text, blocks: message.blocks });
  }

  /**
   * "Log <township>" buttons (the pay form, that township preselected) under
   * a private board or progress, for each township shown that the asker may
   * log for: their own, or every one for an admin.
   */
  async function payButtonsFor(reply: Reply, t: Catalogue, where: Where): Promise<types.KnownBlock[]> {
    const lookups = options.lookups;
    if (!lookups || (reply.command !== 'board' && reply.command !== 'progress')) return [];
    const places = await lookups.userPlaces('slack', where.userId);
    if (!places.admin && places.townships.length === 0) return [];
    let shown: string[];
    if (reply.command === 'progress') {
      const named = where.line.trim().split(/\s+/).slice(1).join(' ');
      const township = named || (await lookups.boundTownship('slack', where.channelId));
      shown = township ? [township] : [];
    } else {
      const known = new Set(await lookups.townships(1000));
      shown = [...new Set((reply.table?.rows ?? []).flat().filter((cell) => known.has(cell)))];
    }
    const mine = places.admin ? shown : shown.filter((name) => places.townships.includes(name));
    return payButtons(t, mine.slice(0, 25));
  }

  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    const fields = { channel: command.channel_id, user: command.user_id };
    try {
      const answered = await runCommand(dispatcher, directory, work, {
        channelId: command.channel_id,
        channelName: command.channel_name || null,
        userId: command.user_id,
        userName: command.user_name || null,
        // Slash commands are not retried by Slack; the trigger id still keys a replayed one.
        messageId: command.trigger_id,
        text: command.text ?? '',
      });
      if (answered.reply.duplicate) return log.info('slack command already handled', fields);
      await answer(answered, { respond, client, channelId: command.channel_id, userId: command.user_id, line: command.text ?? '' });
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
      const text = stripLeadingMention(event.text, context.botUserId);
      const answered = await runCommand(dispatcher, directory, work, {
        channelId: event.channel,
        channelName: null,
        userId,
        userName: null,
        // A retried delivery (X-Slack-Retry-Num) carries the same event id: the dispatcher records it once.
        messageId: body.event_id,
        text,
      });
      if (answered.reply.duplicate) return log.info('slack event already handled', { ...fields, retry: context.retryNum ?? 0 });
      await answer(answered, { client, channelId: event.channel, userId, ...(threadTs ? { threadTs } : {}), line: text });
    } catch (e) {
      failed('mention', e, fields);
    }
  });

  app.action({ type: 'block_actions', action_id: ACTION_ID_PATTERN }, async ({ action, body, ack, respond, client }) => {
    await ack();
    const home = body.container?.type === 'view';
    // A button in the App Home runs in the app's direct conversation with the user.
    const channelId = home ? body.user.id : (body.channel?.id ?? body.container?.channel_id);
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
      const shared = line.startsWith(SHARE_PREFIX);
      const answered = await runCommand(dispatcher, directory, work, {
        channelId,
        channelName: body.channel?.name ?? null,
        userId: body.user.id,
        userName: body.user.name ?? null,
        messageId: `action:${body.trigger_id}`,
        ...(home ? { direct: true } : {}),
        text: shared ? line.slice(SHARE_PREFIX.length) : line,
      });
      const { reply, t } = answered;
      if (reply.duplicate) return log.info('slack action already handled', fields);
      if (reply.status !== 'ok') return await deliverEphemeral(reply, home ? { client, channelId, userId: body.user.id } : { respond, client, channelId, userId: body.user.id });
      if (shared) {
        // "Share in channel": the answer for everyone, with its chart, then the private copy goes.
        const userName = (await directory.user(body.user.id, LOOKUP_WAIT_MS)).name ?? body.user.name ?? body.user.id;
        const publicReply = { ...reply, footer: [reply.footer, t.sharedBy({ user: userName })].filter(Boolean).join('\n') };
        await postReply(client, { channelId, t }, publicReply.chart ? await charts.withDrawnChart(publicReply) : publicReply);
        await respond({ delete_original: true }).catch((e: unknown) => log.warn('slack: could not remove the private copy', { err: e instanceof Error ? e.message : String(e) }));
        return;
      }
      const ref = followUpCase(line);
      if (ref) return await followedUp(answered, { ref, label: action.text.text, body, respond, client, channelId, home });
      await answer(answered, { respond, client, channelId, userId: body.user.id, line });
    } catch (e) {
      failed('action', e, fields);
    }
  });

  /**
   * A follow-up recorded from a button: the message it was pressed in is
   * updated in place (that case's buttons gone, its row marked), the presser
   * gets a private confirmation, and the channel reads who did what in the
   * message's thread. In the App Home, the Home is drawn again.
   */
  async function followedUp(
    { reply, t }: Answered,
    input: { ref: string; label: string; body: BlockAction; respond: RespondFn; client: WebClient; channelId: string; home: boolean },
  ): Promise<void> {
    const { body, client, channelId } = input;
    const userId = body.user.id;
    const userName = (await directory.user(userId, LOOKUP_WAIT_MS)).name ?? body.user.name ?? userId;
    const mark = t.followUpMarked({ ref: input.ref, outcome: input.label, user: userName });
    if (input.home) {
      await publishHome(client, userId);
      await client.chat.postMessage({ channel: userId, text: renderSlackMessage(reply).text, blocks: renderSlackMessage(reply).blocks });
      return;
    }
    const message = body.message as { ts?: string; thread_ts?: string; text?: string; blocks?: { type: string }[] } | undefined;
    const blocks = message?.blocks ? markFollowUpDone(message.blocks as Parameters<typeof markFollowUpDone>[0], input.ref, mark) : null;
    if (blocks) {
      const update = { text: message?.text ?? mark, blocks: blocks as unknown as types.KnownBlock[] };
      if (body.container?.is_ephemeral || !message?.ts) await input.respond({ replace_original: true, ...update });
      else await client.chat.update({ channel: channelId, ts: message.ts, ...update });
    }
    await deliverEphemeral(reply, { client, channelId, userId });
    if (message?.ts && !body.container?.is_ephemeral) {
      await client.chat.postMessage({ channel: channelId, thread_ts: message.thread_ts ?? message.ts, text: t.followUpThread({ ref: input.ref, outcome: input.label, user: userName }) });
    }
  }

  /** Runs a read-only command for the App Home, as the user, in their direct conversation. */
  async function homeAnswer(userId: string, text: string): Promise<Reply | null> {
    const { reply } = await runCommand(dispatcher, directory, null, { channelId: userId, channelName: 'home', userId, userName: null, messageId: null, direct: true, text });
    return reply.status === 'ok' ? reply : null;
  }

  /** Draws the user's App Home: their townships' progress, their open cases, the board for a leader. */
  async function publishHome(client: WebClient, userId: string): Promise<void> {
    const lookups = options.lookups;
    const t = catalogue(dispatcher.localeFor({ userLocale: (await directory.user(userId, LOOKUP_WAIT_MS)).locale }));
    const places = lookups ? await lookups.userPlaces('slack', userId) : { townships: [], leader: false, admin: false, casePaths: [] };
    const progress: { reply: Reply; township: string }[] = [];
    for (const township of places.townships.slice(0, 3)) {
      const reply = await homeAnswer(userId, `progress ${township}`);
      if (reply) progress.push({ reply, township });
    }
    const cases = places.townships.length ? await homeAnswer(userId, 'lapse') : null;
    const board = places.leader || places.admin ? await homeAnswer(userId, 'board') : null;
    await client.views.publish({
      user_id: userId,
      view: homeView(t, { progress, ...(cases ? { cases } : {}), ...(board ? { board: withoutChart(board) } : {}) }),
    });
  }

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(client, event.user);
    } catch (e) {
      failed('app home', e, { user: event.user });
    }
  });

  /** Opens the pay form: the township preselected (the button's, or the channel's, or the user's own). */
  async function openPayModal(client: WebClient, input: { triggerId: string; userId: string; channelId: string | null; township: string | null }) {
    const t = catalogue(dispatcher.localeFor({ userLocale: (await directory.user(input.userId, LOOKUP_WAIT_MS)).locale }));
    const lookups = options.lookups;
    const bound = input.channelId && lookups ? await lookups.boundTownship('slack', input.channelId) : null;
    const places = lookups ? await lookups.userPlaces('slack', input.userId) : null;
    const preselected = input.township ?? bound ?? places?.townships[0] ?? null;
    const townships = places && !places.admin && places.townships.length ? places.townships : ((await lookups?.townships(100)) ?? []);
    await client.views.open({
      trigger_id: input.triggerId,
      view: payModal(t, { townships, preselected, meta: input.channelId ? { channelId: input.channelId } : {} }),
    });
  }

  app.shortcut(PAY_SHORTCUT, async ({ shortcut, ack, client }) => {
    await ack();
    try {
      await openPayModal(client, { triggerId: shortcut.trigger_id, userId: shortcut.user.id, channelId: null, township: null });
    } catch (e) {
      failed('pay shortcut', e, { user: shortcut.user.id });
    }
  });

  app.action({ type: 'block_actions', action_id: PAY_ACTION_PATTERN }, async ({ action, body, ack, client }) => {
    await ack();
    const channelId = body.container?.type === 'view' ? null : (body.channel?.id ?? body.container?.channel_id ?? null);
    try {
      const township = action.type === 'button' && action.value ? action.value : null;
      await openPayModal(client, { triggerId: body.trigger_id, userId: body.user.id, channelId, township });
    } catch (e) {
      failed('pay button', e, { user: body.user.id });
    }
  });

  app.view(PAY_CALLBACK, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    try {
      const t = catalogue(dispatcher.localeFor({ userLocale: (await directory.user(userId, LOOKUP_WAIT_MS)).locale }));
      const values = readPaySubmission(view.state.values as Parameters<typeof readPaySubmission>[0]);
      if (!values.township) return await ack({ response_action: 'errors', errors: { [PAY_BLOCKS.township]: t.payModalNoTownship() } });
      const meta = payMetaOf(view.private_metadata);
      const channelId = meta.channelId ?? (await options.lookups?.townshipChannel('slack', values.township)) ?? null;
      if (!channelId) return await ack({ response_action: 'errors', errors: { [PAY_BLOCKS.township]: t.payModalNoChannel() } });
      const typedValues: Record<string, string> = { people: values.people ?? '', township: values.township };
      if (values.amount) typedValues.amount = `${values.amount}元`;
      if (values.note) typedValues.note = values.note;
      const line = ['pay', values.people ?? '', values.amount ? `${values.amount}元` : '', 'in', values.township].filter(Boolean).join(' ');
      // Within the three seconds of the acknowledgement: not behind the work queue.
      const { reply } = await runCommand(dispatcher, directory, null, {
        channelId,
        channelName: null,
        userId,
        userName: body.user.name ?? null,
        messageId: `view:${view.id}`,
        text: line,
        typed: { path: ['pay'], values: typedValues },
      });
      if (reply.status !== 'ok') {
        // Beside the field it concerns: the amount's when one was given (a 万/元 slip, below the floor), else the people's.
        const block = reply.code === 'not_permitted' || reply.code === 'wrong_place' ? PAY_BLOCKS.township : values.amount ? PAY_BLOCKS.amount : PAY_BLOCKS.people;
        return await ack({ response_action: 'errors', errors: { [block]: reply.text.slice(0, 2000) } });
      }
      await ack();
      // The confirmation where a typed pay's would be: the township's channel.
      if (!reply.duplicate) await postReply(client, { channelId, t }, reply);
    } catch (e) {
      failed('pay form', e, { user: userId });
      await ack().catch(() => {});
    }
  });

  app.error(async (e) => {
    log.error('slack app error', { err: e instanceof Error ? e.message : String(e) });
  });

  return { app, mode, receiver, client: app.client, work, socketStatus };
}
