/**
 * Discord through discord.js: a gateway bot. `/enroll …` slash commands, a
 * mention (`@enrollbot pay 12 4800`) and button presses all become one
 * command line for the shared dispatcher; replies are embeds, refusals
 * ephemeral. Posts (boards, reminders) go out through REST and surface 429s as
 * `RateLimited` so the outbox, not discord.js, decides when to retry.
 */
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  RateLimitError,
  Routes,
  Status,
  type APIEmbed,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type REST,
  type User,
} from 'discord.js';
import type { UserRef } from '../../core/args.ts';
import type { AnyCommand } from '../../core/command.ts';
import type { Dispatcher, InboundMessage, TypedInvocation } from '../../core/dispatcher.ts';
import type { Logger } from '../../core/logger.ts';
import type { Reply } from '../../core/reply.ts';
import { buttonCommand, followUpCase, PRIVATE_BY_DEFAULT, SHARE_PREFIX, shareLine } from '../../core/buttons.ts';
import { catalogue, type Catalogue } from '../../i18n/index.ts';
import { directUser, NotMember, RateLimited, type Platform, type PlatformStatus } from '../../core/platform-port.ts';
import type { PlatformLookups } from '../../store/suggestions.ts';
import { createChartDrawing, withoutChart, type ChartDrawing } from '../common/chart-draw.ts';
import { apiOptions, commandsHash, createRest, deployCommands, registrationKey, type DiscordRestConfig } from './deploy.ts';
import { BUTTON_PREFIX, commandOfButton, renderDiscordMessage, type DiscordMessage } from './render.ts';
import { ADMIN_COMMAND, autocompleteKind, commandInvocation, ROOT_COMMAND, type InteractionOption } from './slash-commands.ts';

export const DISCORD = 'discord';

/** The pace of posts across the application: Discord allows 50 requests a second in all; interactions need the rest. */
export const DISCORD_RATE = { perSecond: 40, burst: 40 } as const;

export interface DiscordPlatformOptions extends DiscordRestConfig {
  dispatcher: Dispatcher;
  commands: readonly AnyCommand[];
  log: Logger;
  /**
   * How long a command may run before the interaction is deferred. Discord
   * drops an interaction not answered within 3 s; most commands answer in a
   * few milliseconds and get a direct reply, slow ones a "thinking…" first.
   */
  deferAfterMs?: number;
  /** Register the commands at start (default true): only when their definition changed, with a `registry`. */
  deployOnStart?: boolean;
  /** Where the hash of the registered commands is kept between starts (the database's settings). */
  registry?: { read(key: string): Promise<string | undefined>; write(key: string, value: string): Promise<void> };
  /** What autocomplete suggests (areas, a user's open cases). */
  lookups?: PlatformLookups;
  /** Discord's global limit is 50 requests a second per bot; posts keep below it (default 40, bursts of 40). */
  outboundRate?: { perSecond: number; burst: number };
  /** How a board's chart is drawn for a reply (default: on the chart threads, the latest drawings kept). */
  charts?: ChartDrawing;
}

/** `enroll:lapse done L12 paid` → `paid`: the outcome, when the button's label is not to hand. */
function followUpOutcome(customId: string): string {
  return customId.split(' ').at(-1) ?? '';
}

/** Discord's error codes for a channel the bot cannot reach or a user it cannot write to. */
const NO_ACCESS = new Set([10003, 50001, 50007, 50013]);

/** What the bot needs in a channel it is bound to: see it, post, embed the board, attach the chart. */
const NEEDED_PERMISSIONS = [
  ['ViewChannel', PermissionFlagsBits.ViewChannel],
  ['SendMessages', PermissionFlagsBits.SendMessages],
  ['EmbedLinks', PermissionFlagsBits.EmbedLinks],
  ['AttachFiles', PermissionFlagsBits.AttachFiles],
] as const;

/**
 * The gateway intents. Guilds: channels and slash commands' context.
 * GuildMessages: message events, for mentions. MessageContent is privileged
 * and NOT requested: Discord still delivers the content of messages that
 * mention the bot, which is all a mention command needs, and asking for an
 * intent the portal has not granted would close the gateway (4014).
 */
export const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] as const;

const sleep = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

/** Mentions (`<@123>`, `<@!123>`) of users the event told us about. */
function userResolver(known: Iterable<User>): (token: string) => UserRef | null {
  const byId = new Map<string, User>();
  for (const u of known) byId.set(u.id, u);
  return (token) => {
    const m = /^<@!?(\d{1,25})>$/.exec(token);
    if (!m) return null;
    const user = byId.get(m[1]!);
    return { platform: DISCORD, externalId: m[1]!, displayName: user ? user.displayName : m[1]! };
  };
}

function channelName(channel: unknown, fallback: string): string {
  return channel && typeof channel === 'object' && 'name' in channel && typeof channel.name === 'string' && channel.name
    ? channel.name
    : fallback;
}

/** discord.js send options from a rendered message. */
function sendOptions(message: DiscordMessage) {
  return {
    embeds: message.embeds,
    components: message.components,
    files: message.files.map((f) => ({ attachment: f.data, name: f.name, ...(f.description ? { description: f.description } : {}) })),
    // Replies quote names and mentions; they never ping anyone.
    allowedMentions: { parse: [] as never[], repliedUser: false },
  };
}

/** Options for a first reply or a follow-up, ephemeral (flag 64) when asked. */
function replyOptions(message: DiscordMessage, ephemeral: boolean) {
  return { ...sendOptions(message), ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) };
}

/** Creates the Discord platform; `start` registers `/enroll` and connects to the gateway. */
export function createDiscordPlatform(options: DiscordPlatformOptions): Platform {
  const { dispatcher, commands, log } = options;
  const deferAfterMs = options.deferAfterMs ?? 1500;
  const charts = options.charts ?? createChartDrawing();
  const client = new Client({
    intents: [...INTENTS],
    rest: apiOptions(options.apiUrl),
  });
  const outbound: REST = createRest(options, true);

  function inbound(base: Omit<InboundMessage, 'platform'>): InboundMessage {
    return { platform: DISCORD, ...base };
  }

  /**
   * Answers an interaction: directly when the command is quick, else deferred
   * then edited. Refusals and private answers are ephemeral, and so are
   * `board`, `progress` and `lapse` in a channel (with a button to share the
   * first two); a chart is drawn after the deferral; `bind` says what the bot
   * lacks in the channel it bound.
   */
  async function answer(interaction: ChatInputCommandInteraction | ButtonInteraction, work: Promise<Reply>, hint: { line: string; privateLikely: boolean }): Promise<void> {
    const direct = !interaction.inGuild();
    const quick = await Promise.race([work, sleep(deferAfterMs)]);
    let deferred: 'no' | 'public' | 'ephemeral' = 'no';
    const defer = async (ephemeral: boolean) => {
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      deferred = ephemeral ? 'ephemeral' : 'public';
    };
    if (quick === 'timeout') await defer(hint.privateLikely && !direct);
    const reply = quick === 'timeout' ? await work : quick;
    const t = catalogue(dispatcher.localeFor({ userLocale: interaction.locale }));
    const policy = reply.status === 'ok' && reply.command ? PRIVATE_BY_DEFAULT.get(reply.command) : undefined;
    const ephemeral = reply.status !== 'ok' || reply.private === true || (policy !== undefined && !direct);
    let out: Reply = reply;
    if (policy?.shareable && !direct) {
      const share = shareLine(hint.line);
      if (share) out = { ...out, actions: [...(out.actions ?? []), { label: t.shareInChannel(), command: share, style: 'primary' }] };
    }
    if (reply.status === 'ok' && reply.command === 'bind') out = withPermissionNote(out, interaction, t);
    if (out.chart) {
      if (deferred === 'no') await defer(ephemeral);
      out = await charts.withDrawnChart(out).catch((e: unknown) => {
        log.warn('discord: chart not drawn', { err: e instanceof Error ? e.message : String(e) });
        return withoutChart(out);
      });
    }
    const message = renderDiscordMessage(out);
    if (deferred === 'no') return void (await interaction.reply(replyOptions(message, ephemeral)));
    if (deferred === 'public' && ephemeral) {
      // A deferred answer is public; a refusal or a private answer is for the user alone.
      await interaction.deleteReply();
      await interaction.followUp(replyOptions(message, true));
      return;
    }
    await interaction.editReply(sendOptions(message));
  }

  /** A bind's answer, with what the bot lacks in that channel (it could not post the board there). */
  function withPermissionNote(reply: Reply, interaction: ChatInputCommandInteraction | ButtonInteraction, t: Catalogue): Reply {
    if (!interaction.inGuild()) return reply;
    const missing = NEEDED_PERMISSIONS.filter(([, bit]) => !interaction.appPermissions.has(bit)).map(([name]) => name);
    return missing.length ? { ...reply, text: `${reply.text}\n${t.bindMissingPermissions({ permissions: missing.join(', ') })}` } : reply;
  }

  /** Suggestions for an autocompleted option: areas, or the open cases the user works; within Discord's 3 s. */
  async function suggest(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const kind = autocompleteKind(focused.name);
    const query = String(focused.value ?? '');
    const lookups = options.lookups;
    if (!kind || !lookups) return void (await interaction.respond([]));
    if (kind === 'area') {
      const names = await lookups.areas(query, 25);
      return void (await interaction.respond(names.map((n) => ({ name: n.slice(0, 100), value: n.slice(0, 100) }))));
    }
    const places = await lookups.userPlaces(DISCORD, interaction.user.id);
    const cases = await lookups.openCases(places.casePaths, query, 25);
    await interaction.respond(cases.map((c) => ({ name: c.label.slice(0, 100), value: c.ref })));
  }

  /**
   * A follow-up recorded from a button: the message it was pressed in is
   * updated in place (that case's buttons gone, a line saying who recorded
   * what), the presser gets a private confirmation, and the note goes to the
   * message's thread.
   */
  async function followedUp(interaction: ButtonInteraction, work: Promise<Reply>, ref: string): Promise<void> {
    const quick = await Promise.race([work, sleep(deferAfterMs)]);
    if (quick === 'timeout') await interaction.deferUpdate();
    const reply = quick === 'timeout' ? await work : quick;
    const t = catalogue(dispatcher.localeFor({ userLocale: interaction.locale }));
    if (reply.status !== 'ok') {
      const message = replyOptions(renderDiscordMessage(reply), true);
      if (quick === 'timeout') await interaction.followUp(message);
      else await interaction.reply(message);
      return;
    }
    // The pressed button's own label (已缴, Paid…), as the presser read it.
    const pressed = interaction.component as { label?: string | null } | null | undefined;
    const label = pressed?.label ?? followUpOutcome(interaction.customId);
    const user = interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : interaction.user.displayName;
    const mark = t.followUpMarked({ ref, outcome: label, user });
    const prefix = `${BUTTON_PREFIX}lapse done ${ref} `;
    const components = interaction.message.components
      .map((row) => {
        const json = row.toJSON() as { type: number; components: { custom_id?: string }[] };
        return { ...json, components: json.components.filter((c) => !(c.custom_id ?? '').startsWith(prefix)) };
      })
      .filter((row) => row.components.length > 0);
    const embeds = interaction.message.embeds.map((e, i) => {
      const json = e.toJSON() as APIEmbed;
      return i === 0 ? { ...json, description: `${json.description ?? ''}\n${mark}`.slice(0, 4096) } : json;
    });
    const update = { embeds, components: components as never };
    if (quick === 'timeout') await interaction.editReply(update);
    else await interaction.update(update);
    await interaction.followUp(replyOptions(renderDiscordMessage(reply), true));
    // The channel reads it in the digest's thread (opened on the first follow-up).
    const note = t.followUpThread({ ref, outcome: label, user });
    try {
      const channel = interaction.message.thread?.id
        ?? ((await outbound.post(Routes.threads(interaction.message.channelId, interaction.message.id), { body: { name: ref, auto_archive_duration: 10080 } })) as { id: string }).id;
      await outbound.post(Routes.channelMessages(channel), { body: { content: note, allowed_mentions: { parse: [] } } });
    } catch (e) {
      log.warn('discord: follow-up not noted in the thread', { err: e instanceof Error ? e.message : String(e) });
    }
  }

  /** "Share in channel": the answer again, for everyone, with its chart. */
  async function shared(interaction: ButtonInteraction, work: Promise<Reply>): Promise<void> {
    await interaction.deferReply();
    const reply = await work;
    const t = catalogue(dispatcher.localeFor({ userLocale: interaction.locale }));
    if (reply.status !== 'ok') {
      await interaction.deleteReply();
      await interaction.followUp(replyOptions(renderDiscordMessage(reply), true));
      return;
    }
    const user = interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : interaction.user.displayName;
    const withNote = { ...reply, footer: [reply.footer, t.sharedBy({ user })].filter(Boolean).join('\n') };
    const drawn = await charts.withDrawnChart(withNote).catch(() => withoutChart(withNote));
    await interaction.editReply(sendOptions(renderDiscordMessage(drawn)));
  }

  async function onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) return suggest(interaction);
    let text: string;
    let typed: TypedInvocation | undefined;
    let users: User[] = [];
    let kind: 'command' | 'share' | 'followUp' | 'button' = 'command';
    if (interaction.isChatInputCommand() && (interaction.commandName === ROOT_COMMAND || interaction.commandName === ADMIN_COMMAND)) {
      const data = interaction.options.data as readonly InteractionOption[];
      const invocation = commandInvocation(commands, data);
      users = [...(interaction.options.resolved?.users?.values() ?? [])];
      if (!invocation) {
        // Registered commands older than this code: `npm run cli -- discord deploy` fixes it.
        log.warn('discord: /enroll options match no command', { interaction: interaction.id, option: data[0]?.name ?? null });
        const t = catalogue(dispatcher.localeFor({ userLocale: interaction.locale }));
        const refusal = t.unknownCommand({ word: data[0]?.name ?? ROOT_COMMAND });
        await interaction.reply(replyOptions(renderDiscordMessage({ status: 'refused', text: refusal }), true));
        return;
      }
      text = invocation.text;
      typed = { path: invocation.path, values: invocation.values };
    } else if (interaction.isButton()) {
      const carried = commandOfButton(interaction.customId);
      if (carried === null) return;
      const line = buttonCommand(carried);
      if (line === null) {
        // Not a button the bot made: nothing runs, and the presser is told so.
        log.warn('discord button refused: not one of ours', { interaction: interaction.id, user: interaction.user.id });
        const t = catalogue(dispatcher.localeFor({ userLocale: interaction.locale }));
        await interaction.reply(replyOptions(renderDiscordMessage({ status: 'refused', text: t.buttonNotOurs() }), true));
        return;
      }
      kind = line.startsWith(SHARE_PREFIX) ? 'share' : followUpCase(line) ? 'followUp' : 'button';
      text = kind === 'share' ? line.slice(SHARE_PREFIX.length) : line;
    } else {
      return;
    }
    const work = dispatcher.handle(
      inbound({
        channelId: interaction.channelId ?? interaction.user.id,
        channelName: channelName(interaction.channel, interaction.channelId ?? 'dm'),
        userId: interaction.user.id,
        userName: interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : interaction.user.displayName,
        userLocale: interaction.locale,
        // The interaction id: a replayed interaction records nothing twice.
        messageId: interaction.id,
        direct: !interaction.inGuild(),
        text,
        typed,
        resolveUser: userResolver([interaction.user, ...users]),
      }),
    );
    if (interaction.isButton() && kind === 'share') return shared(interaction, work);
    if (interaction.isButton() && kind === 'followUp') return followedUp(interaction, work, followUpCase(text)!);
    const top = typed?.path.length === 1 ? typed.path[0]! : null;
    await answer(interaction, work, { line: text, privateLikely: top !== null && PRIVATE_BY_DEFAULT.has(top) });
  }

  async function onMessage(message: Message): Promise<void> {
    const me = client.user;
    if (!me || message.author.bot || message.webhookId) return;
    // Only a message that starts with the bot's mention is a command.
    const m = new RegExp(`^\\s*<@!?${me.id}>`).exec(message.content);
    if (!m) return;
    const text = message.content.slice(m[0].length).trim();
    const reply = await dispatcher.handle(
      inbound({
        channelId: message.channelId,
        channelName: channelName(message.channel, message.channelId),
        userId: message.author.id,
        userName: message.member?.displayName ?? message.author.displayName,
        userLocale: null,
        messageId: message.id,
        direct: !message.inGuild(),
        text,
        resolveUser: userResolver([message.author, ...message.mentions.users.values()]),
      }),
    );
    // A message reply cannot be ephemeral: a private answer goes to the author's direct messages.
    if (reply.private && message.inGuild()) await message.author.send(sendOptions(renderDiscordMessage(reply)));
    else await message.reply(sendOptions(renderDiscordMessage(reply)));
  }

  const guard =
    <A extends unknown[]>(what: string, fn: (...a: A) => Promise<void>) =>
    (...a: A) => {
      fn(...a).catch((e: unknown) =>
        log.error(`discord: ${what} failed`, { err: e instanceof Error ? { name: e.name, message: e.message } : String(e) }),
      );
    };
  client.on(Events.InteractionCreate, guard('interaction', onInteraction));
  client.on(Events.MessageCreate, guard('message', onMessage));
  client.on(Events.Error, (e) => log.error('discord: client error', { err: e.message }));
  // discord.js's own chatter, at debug: through our logger, so masked like every line.
  client.on(Events.Debug, (m) => log.debug('discord', { detail: m }));
  client.on(Events.Warn, (m) => log.warn('discord', { detail: m }));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn('discord: gateway closed', { code: event.code, shard }));

  /** Between `start` and `stop` the gateway is ours to watch; outside it, nothing is connected. */
  let running = false;

  /**
   * The client is ready once every shard has had its first READY, and stays
   * "ready" after; each shard's own status says whether its websocket is up
   * now (Connecting after a drop until it resumes, Disconnected when Discord
   * closed it for good).
   */
  function status(): PlatformStatus {
    if (!running) return 'disconnected';
    const shards = [...client.ws.shards.values()];
    if (shards.some((s) => s.status === Status.Disconnected)) return 'disconnected';
    return client.isReady() && shards.length > 0 && shards.every((s) => s.status === Status.Ready) ? 'connected' : 'connecting';
  }

  return {
    name: DISCORD,
    rate: options.outboundRate ?? DISCORD_RATE,
    status,
    async start() {
      running = true;
      try {
        if (options.deployOnStart !== false) {
          // Registered again only when the definition changed: a bulk overwrite on
          // every start of every replica counts against Discord's daily limit.
          const key = registrationKey(options);
          const hash = commandsHash(commands);
          if (options.registry && (await options.registry.read(key)) === hash) {
            log.info('discord: commands unchanged since they were registered', { scope: options.guildId ? 'guild' : 'global' });
          } else {
            const done = await deployCommands(outbound, options, commands);
            await options.registry?.write(key, hash);
            log.info('discord: commands registered', { scope: done.scope, commands: done.names });
          }
        }
        await client.login(options.token);
      } catch (e) {
        running = false;
        throw e;
      }
      log.info('discord: connected', { user: client.user?.tag ?? null });
    },
    async stop() {
      running = false;
      await client.destroy();
    },
    async post(address, reply) {
      const message = renderDiscordMessage(reply);
      try {
        const recipient = directUser(address);
        // A direct message goes to the DM channel Discord opens (or returns) for the user.
        const channelId = recipient
          ? ((await outbound.post(Routes.userChannels(), { body: { recipient_id: recipient } })) as { id: string }).id
          : address;
        await outbound.post(Routes.channelMessages(channelId), {
          body: {
            embeds: message.embeds,
            components: message.components,
            allowed_mentions: { parse: [] },
            attachments: message.files.map((f, id) => ({ id, filename: f.name, ...(f.description ? { description: f.description } : {}) })),
          },
          files: message.files.map((f) => ({ name: f.name, data: f.data })),
        });
      } catch (e) {
        if (e instanceof RateLimitError) throw new RateLimited(Math.max(1, Math.ceil(Math.max(e.retryAfter, e.timeToReset))));
        if (e instanceof DiscordAPIError && typeof e.code === 'number' && NO_ACCESS.has(e.code)) {
          // Missing Permissions may be only Attach Files: the message without the chart may still go.
          throw new NotMember(`discord: ${e.code} ${e.message} (${address})`, { withoutImage: e.code === 50013 && message.files.length > 0 });
        }
        throw e;
      }
    },
  };
}
