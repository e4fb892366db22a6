/**
 * The one pipeline every platform feeds: words → command → permission →
 * arguments → (transaction, deduplicated on the platform's message id) →
 * neutral reply. A reply that says "recorded" leaves here only after commit.
 */
import { randomBytes } from 'node:crypto';
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { catalogue, toLocale, type Catalogue, type Locale } from '../i18n/index.ts';
import type { Actor } from '../domain/permissions.ts';
import { businessDate } from '../domain/calendar.ts';
import { createSetupCache } from './setup-cache.ts';
import { bumpSetupVersion } from '../store/setup-version.ts';
import { findHandled, recordHandled, replaceHandled } from '../store/inbound.ts';
import type { AuditInput } from '../store/audit.ts';
import type { ArgSpec, ParseEnv, UserRef } from './args.ts';
import { mayRun, type AnyCommand, type CommandContext, type CommandSettings } from './command.ts';
import { BoundServices } from '../services/index.ts';
import type { ServiceScope } from '../services/scope.ts';
import { EnrollbotError } from './errors.ts';
import { parseArgs, parseTypedArgs, usage } from './parse-args.ts';
import { selectCommand, splitGluedCommand, subcommandHint } from './registry.ts';
import { Refusal } from './refusal.ts';
import { storableReply, type Reply } from './reply.ts';
import { tokenize } from './tokens.ts';
import type { Logger } from './logger.ts';
import { createGroupCommit } from '../db/group-commit.ts';
import { redactReply } from './redact-reply.ts';
import { hasControlCharacter, withoutControlCharacters } from '../domain/control-characters.ts';
import { redact } from '../domain/mask.ts';

/** A chat message as every platform adapter hands it over. */
export interface InboundMessage {
  platform: string;
  channelId: string;
  channelName: string;
  userId: string;
  userName: string;
  /** The user's locale as the platform reports it (`en-US`, `zh-CN`), if it does. */
  userLocale?: string | null;
  /** The platform's id of this message or event: the idempotency key. */
  messageId: string | null;
  /** Sent in a direct conversation with the bot (a DM), which nobody else reads. */
  direct?: boolean;
  text: string;
  /**
   * A command already chosen with its arguments given one by one (a Discord
   * command's options): each value is read by its own argument's parser and
   * `text` is only what the logs show. Absent for a typed line.
   */
  typed?: TypedInvocation;
  /** Turns a mention (or, in the console, a name) into a user. */
  resolveUser(token: string): UserRef | null;
  /**
   * Set only by a trusted caller on this machine (`npm run cli -- robot …`):
   * the command runs as this actor instead of the user the platform names.
   */
  actor?: Actor;
}

/** A command picked by its path of names, with raw values by declared argument name. */
export interface TypedInvocation {
  /** The command's and subcommands' names: `['pay']`, `['campaign', 'start']`. */
  path: readonly string[];
  values: Readonly<Record<string, string | undefined>>;
}

export interface DispatcherDeps {
  db: Kysely<Database>;
  now: () => Date;
  commands: readonly AnyCommand[];
  defaultLocale: Locale;
  settings: CommandSettings;
  log: Logger;
}

/** Handles chat messages; one per process, shared by every platform. */
export interface Dispatcher {
  handle(message: InboundMessage): Promise<Reply>;
  /** The locale a user's replies are in (platforms use it for their own texts). */
  localeFor(message: Pick<InboundMessage, 'userLocale'>, actor?: Actor): Locale;
  /**
   * Whether the message names a command that takes a user and its sender may
   * run it: only then is a mention worth a lookup on the platform (checked
   * before any lookup, so a flood of mentions from anyone costs none).
   */
  takesUsers?(message: Pick<InboundMessage, 'platform' | 'channelId' | 'userId' | 'userName' | 'text'>): Promise<boolean>;
}

function denial(command: AnyCommand, t: Catalogue): string {
  if (command.denied) return command.denied(t);
  switch (command.permission) {
    case 'admin':
      return t.needAdmin();
    case 'staff':
      return t.needStaff();
    default:
      return t.needCoordinator();
  }
}

/** What every command's context holds besides its services and hooks. */
type ContextBase = Omit<CommandContext, keyof BoundServices | 'audit' | 'setupChanged' | 'replyAfterCommit'>;

/**
 * A command's context: its services built on first use, on one shared
 * prototype (this is the `pay` path: a context per message, and often two).
 */
class BoundContext extends BoundServices implements CommandContext {
  readonly now: Date;
  readonly today: string;
  readonly campaign: CommandContext['campaign'];
  readonly actor: Actor;
  readonly channel: CommandContext['channel'];
  readonly locale: Locale;
  readonly t: Catalogue;
  readonly settings: CommandSettings;
  readonly commands: readonly AnyCommand[];
  readonly sourceKey: string | null;
  readonly audit: CommandContext['audit'];
  readonly setupChanged: () => void;
  readonly replyAfterCommit: CommandContext['replyAfterCommit'];

  constructor(base: ContextBase, scope: ServiceScope, replyAfterCommit: CommandContext['replyAfterCommit']) {
    super(scope);
    this.now = base.now;
    this.today = base.today;
    this.campaign = base.campaign;
    this.actor = base.actor;
    this.channel = base.channel;
    this.locale = base.locale;
    this.t = base.t;
    this.settings = base.settings;
    this.commands = base.commands;
    this.sourceKey = base.sourceKey;
    this.audit = scope.audit;
    this.setupChanged = scope.setupChanged;
    this.replyAfterCommit = replyAfterCommit;
  }
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { db, log } = deps;
  const writes = createGroupCommit(db);
  const setup = createSetupCache(db);
  // SQLite runs one transaction at a time on its one connection: a write of
  // its own there only adds a commit (a synchronous fsync on the event loop)
  // for the writes queued behind it to wait for, so it joins their batch.
  const sideBySide = db.getExecutor().adapter instanceof PostgresAdapter;

  const localeFor = (message: Pick<InboundMessage, 'userLocale'>, actor?: Actor): Locale =>
    toLocale(actor?.locale) ?? toLocale(message.userLocale) ?? deps.defaultLocale;

  // Every reply leaves through redaction: no unmasked ID or phone number
  // reaches a channel. What the user typed was masked too before anything
  // kept it (the stores redact notes, reasons and audit details), and the
  // reply says so once, here, whichever command it was. A platform's display
  // name is stored as the member's name: never with a control character in it.
  const handle = async (message: InboundMessage): Promise<Reply> => {
    const said: { t: Catalogue; command?: string } = { t: catalogue(localeFor(message)) };
    const clean = hasControlCharacter(message.userName) ? { ...message, userName: withoutControlCharacters(message.userName) } : message;
    const answered = await handleRaw(clean, said);
    const raw = said.command !== undefined ? { ...answered, command: said.command } : answered;
    // The one reply that may carry a full phone: private, in a direct conversation, asked for by `lapse call`.
    const reveal = raw.reveal === true && raw.private === true && message.direct === true;
    let reply: Reply;
    if (reveal) reply = { ...redactReply(raw), text: raw.text };
    else {
      const { reveal: asked, ...rest } = raw;
      void asked;
      reply = redactReply(rest);
    }
    if (redact(message.text) === message.text) return reply;
    return { ...reply, text: `${reply.text}\n${said.t.personalNumbersMasked()}` };
  };

  async function handleRaw(message: InboundMessage, said: { t: Catalogue; command?: string }): Promise<Reply> {
    const now = deps.now();
    const sourceKey = message.messageId ? `${message.platform}:${message.messageId}` : null;
    let t = said.t;
    // The usage line of the command once it is known, built only for a
    // refusal that asks for it (not on every message: this is the pay path).
    let usageOf: (() => string) | null = null;
    try {
      const loaded = await setup.load(message);
      const { binding, campaign, areaNames } = loaded;
      const actor = message.actor ?? loaded.actor;
      const locale = localeFor(message, actor);
      t = catalogue(locale);
      said.t = t;
      // A NUL or another control character has no place in a command; in a
      // name it would be stored, shown and exported as an invisible difference.
      if (hasControlCharacter(message.text)) return { status: 'refused', code: 'invalid_input', text: t.controlCharacterInMessage() };
      const tokens = message.typed ? [...message.typed.path] : splitGluedCommand(deps.commands, tokenize(message.text));
      if (tokens.length === 0) return { status: 'refused', code: 'invalid_input', text: t.emptyCommand() };
      const selected = selectCommand(deps.commands, tokens);
      if (!selected || (message.typed && selected.rest.length > 0)) {
        const word = tokens[0]!;
        const hint = subcommandHint(deps.commands, word);
        return { status: 'refused', code: 'invalid_input', text: hint ? t.notStandalone({ word, usage: hint }) : t.unknownCommand({ word }) };
      }
      const { command, path, rest } = selected;
      said.command = path.join(' ');
      if (!mayRun(command.permission, actor)) return { status: 'refused', code: 'not_permitted', text: denial(command, t) };
      if (!command.run) {
        const subs = (command.subcommands ?? []).map((s) => usage(`${path.join(' ')} ${s.name}`, s.args, locale));
        return { status: 'refused', code: 'invalid_input', text: `${t.usageLine({ usage: subs.join(' | ') })}\n${t.seeHelp({ command: path[0]! })}` };
      }
      usageOf = () => t.usageLine({ usage: usage(path.join(' '), command.args, locale) });
      const env: ParseEnv = { t, locale, resolveUser: message.resolveUser, isAreaName: (word) => areaNames.has(word) };
      let args: Record<string, unknown>;
      try {
        args = message.typed ? parseTypedArgs(command.args, message.typed.values, env) : parseArgs(command.args, rest, env);
      } catch (e) {
        if (e instanceof Refusal) return { status: 'refused', code: e.code, text: `${e.message}\n${usageOf()}` };
        throw e;
      }
      const base = {
        now,
        today: businessDate(now, campaign.time_zone),
        campaign,
        actor,
        channel: { platform: message.platform, id: message.channelId, name: message.channelName, binding, direct: message.direct ?? false },
        locale,
        t,
        settings: deps.settings,
        commands: deps.commands,
        sourceKey,
      };
      const run = command.run;
      // Follow-up work and the final reply, run once the command's transaction has committed.
      let later: (() => Promise<void>)[] = [];
      let replyLater: (() => Promise<Reply>) | null = null;
      const replyAfterCommit = (reply: () => Promise<Reply>): void => {
        replyLater = reply;
      };
      const contextOn = (scope: ServiceScope): CommandContext => new BoundContext(base, scope, replyAfterCommit);
      // A read-only command (or a write's slow preparation) that writes is a bug in its declaration.
      const readOnly = (): never => {
        throw new EnrollbotError('internal', `${command.name} is read-only here`);
      };
      const readOnlyCtx = (): CommandContext =>
        contextOn({
          ...base,
          db,
          audit: async () => readOnly(),
          setupChanged: readOnly,
          afterCommit: async () => readOnly(),
          cachedTarget: (areaId, read) => setup.target(campaign.id, areaId, read),
        });
      if (!command.writes) return await run(readOnlyCtx(), args);
      let prepared: unknown;
      if (command.prepare) {
        // Its slow work (a network call) must not be done again for a replay.
        const earlier = sourceKey ? await findHandled(db, sourceKey) : undefined;
        if (earlier) return { ...earlier, duplicate: true };
        prepared = await command.prepare(readOnlyCtx(), args);
      }
      const afterCommit = <T,>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
        new Promise<T>((resolve, reject) => {
          later.push(() => writes.run(work).then(resolve, reject));
        });
      let setupChanged = false;
      // Deduplication is optimistic: a replayed message collides with the
      // unique key of its first handling (the ledger's source key or the
      // inbound_message row written last), its transaction rolls back, and
      // only then is the stored answer looked up. The common path pays no read.
      let reply: Reply;
      try {
        const options = { together: command.together === true };
        const commit = command.ownTransaction && sideBySide ? writes.alone.bind(writes) : <T,>(work: (tx: Transaction<Database>) => Promise<T>) => writes.run(work, options);
        reply = await commit(async (tx) => {
          // A group-commit retry runs the command again: start clean.
          setupChanged = false;
          later = [];
          replyLater = null;
          // Written with the stored reply at the end of the transaction (one round trip on PostgreSQL).
          const audits: AuditInput[] = [];
          const ctx = contextOn({
            ...base,
            db: tx,
            audit: async (action, detail) => {
              audits.push({ at: now, memberId: actor.memberId, platform: message.platform, channelId: message.channelId, action, detail });
            },
            setupChanged: () => {
              setupChanged = true;
            },
            afterCommit,
            // A target this command set is not in the cache until it has committed.
            cachedTarget: (areaId, read) => (setupChanged ? read() : setup.target(campaign.id, areaId, read)),
          });
          const result = await run(ctx, args, prepared);
          if (setupChanged) await bumpSetupVersion(tx);
          // A revealed phone is never stored: a replay gets the masked answer.
          await recordHandled(tx, audits, sourceKey ? { sourceKey, reply: storableReply(result.reveal ? redactReply(result) : result), now } : null);
          return result;
        });
      } catch (e) {
        const earlier = sourceKey ? await findHandled(db, sourceKey) : undefined;
        if (earlier) return { ...earlier, duplicate: true };
        throw e;
      }
      if (setupChanged) setup.invalidate();
      for (const work of later) await work();
      // Set by the command inside the transaction (TypeScript cannot see the closure's assignment).
      const finish = replyLater as (() => Promise<Reply>) | null;
      if (finish) {
        reply = await finish();
        if (sourceKey) await writes.run((tx) => replaceHandled(tx, sourceKey, storableReply(reply)));
      }
      return reply;
    } catch (e) {
      if (e instanceof Refusal) return { status: 'refused', code: e.code, text: e.showUsage && usageOf ? `${e.message}\n${usageOf()}` : e.message };
      const ref = `E${randomBytes(3).toString('hex')}`;
      log.error('command failed', {
        ref,
        platform: message.platform,
        channel: message.channelId,
        command: tokenize(message.text)[0] ?? '',
        err: e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : String(e),
      });
      return { status: 'error', text: t.internalError({ ref }) };
    }
  }

  async function takesUsers(message: Pick<InboundMessage, 'platform' | 'channelId' | 'userId' | 'userName' | 'text'>): Promise<boolean> {
    const selected = selectCommand(deps.commands, splitGluedCommand(deps.commands, tokenize(message.text)));
    if (!selected?.command.run || !Object.values(selected.command.args).some((spec) => (spec as ArgSpec<unknown>).optionType === 'user')) return false;
    try {
      const { actor } = await setup.load(message);
      return mayRun(selected.command.permission, actor);
    } catch {
      // handle() meets the same failure and answers it.
      return false;
    }
  }

  return { handle, localeFor, takesUsers };
}
