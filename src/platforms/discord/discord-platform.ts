/**
 * Discord through discord.js: a gateway bot. `/enroll …` slash commands, a
 * mention (`@enrollbot pay 12 4800`) and button presses all become one
 * command line for the shared dispatcher; replies are embeds, refusals
 * ephemeral. Posts (boards, reminders) go out through REST and surface 429s as
 * `RateLimited` so the outbox, not discord.js, decides when to retry.
 */
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  RateLimitError,
  Routes,
  Status,
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
import { buttonCommand } from '../../core/buttons.ts';
import { catalogue } from '../../i18n/index.ts';
import { directUser, RateLimited, type Platform, type PlatformStatus } from '../../core/platform-port.ts';
import { apiOptions, createRest, deployCommands, type DiscordRestConfig } from './deploy.ts';
import { commandOfButton, renderDiscordMessage, type DiscordMessage } from './render.ts';
import { commandInvocation, ROOT_COMMAND, type InteractionOption } from './slash-commands.ts';

export const DISCORD = 'discord';

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
  /** Overwrite the registered commands at start (default true). */
  deployOnStart?: boolean;
}

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
  const client = new Client({
    intents: [...INTENTS],
    rest: apiOptions(options.apiUrl),
  });
  const outbound: REST = createRest(options, true);

  function inbound(base: Omit<InboundMessage, 'platform'>): InboundMessage {
    return { platform: DISCORD, ...base };
  }

  /** Answers an interaction: directly when the command is quick, else deferred then edited. */
  async function answer(interaction: ChatInputCommandInteraction | ButtonInteraction, work: Promise<Reply>): Promise<void> {
    const quick = await Promise.race([work, sleep(deferAfterMs)]);
    if (quick !== 'timeout') {
      await interaction.reply(replyOptions(renderDiscordMessage(quick), quick.status !== 'ok' || quick.private === true));
      return;
    }
    await interaction.deferReply();
    const reply = await work;
    const message = renderDiscordMessage(reply);
    if (reply.status === 'ok' && !reply.private) {
      await interaction.editReply(sendOptions(message));
    } else {
      // A deferred answer is public; a refusal or a private answer is for the user alone.
      await interaction.deleteReply();
      await interaction.followUp(replyOptions(message, true));
    }
  }

  async function onInteraction(interaction: Interaction): Promise<void> {
    let text: string;
    let typed: TypedInvocation | undefined;
    let users: User[] = [];
    if (interaction.isChatInputCommand() && interaction.commandName === ROOT_COMMAND) {
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
      text = line;
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
    await answer(interaction, work);
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
    status,
    async start() {
      running = true;
      try {
        if (options.deployOnStart !== false) {
          const done = await deployCommands(outbound, options, commands);
          log.info('discord: commands registered', { scope: done.scope, commands: done.names });
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
        throw e;
      }
    },
  };
}
