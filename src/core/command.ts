/**
 * The command contract. A command in `commands/` declares its name, aliases,
 * arguments and permission once and returns a platform-neutral `Reply`; it
 * never imports a platform SDK (an ESLint rule enforces it).
 */
import type { Campaign, ChannelBinding, Area } from '../db/schema.ts';
import type { Services } from '../services/index.ts';
import type { Catalogue, Locale, Localized } from '../i18n/index.ts';
import type { ArgSpecs, ArgValues } from './args.ts';
import type { Reply } from './reply.ts';
import type { PiiSealer } from '../domain/pii-seal.ts';
import { isAdmin, isCadre, isCoordinator, isLeader, type Actor } from '../domain/permissions.ts';

/**
 * Who may run a command, checked before its arguments are parsed. Scope
 * (which township, which area) is checked by the command once it knows it.
 * - `anyone`: every user.
 * - `coordinator`: a coordinator of some township, or an admin (also who
 *   may undo: only coordinators and admins ever log entries).
 * - `staff`: anyone holding a role: a coordinator, a leader, a cadre or an
 *   admin (`lapse`: leaders see counts, coordinators their township's cases,
 *   cadres their own people).
 * - `caseworker`: who works lists of people: a coordinator, a cadre or an
 *   admin (scope: a cadre only their own cases).
 * - `admin`: admins only.
 */
export type Permission = 'anyone' | 'coordinator' | 'caseworker' | 'staff' | 'admin';

/** Whether the actor holds a command's permission (scope is the command's to check). */
export function mayRun(permission: Permission, actor: Actor): boolean {
  switch (permission) {
    case 'anyone':
      return true;
    case 'admin':
      return isAdmin(actor);
    case 'coordinator':
      return isAdmin(actor) || isCoordinator(actor);
    case 'caseworker':
      return isAdmin(actor) || isCoordinator(actor) || isCadre(actor);
    case 'staff':
      return isAdmin(actor) || isCoordinator(actor) || isLeader(actor) || isCadre(actor);
  }
}

/** The channel a message came from and what it is bound to. */
export interface ChannelContext {
  platform: string;
  id: string;
  name: string;
  binding: (ChannelBinding & { area: Area }) | null;
  /** A direct conversation between the speaker and the bot: nobody else reads it. */
  direct: boolean;
}

/** Settings a command may read; fixed for the life of the process. */
export interface CommandSettings {
  /** The database holds the demo district (shown in board titles). */
  demo: boolean;
  /**
   * The key group robots' URLs and secrets are sealed with, derived from the
   * PII secret and loaded on first use; throws `config_invalid` when there
   * is no secret to derive it from. Absent where no robot is managed.
   */
  robotKey?: () => Uint8Array;
  /** Opens roster names and phones (the one audited reveal, `lapse call`); absent where no key is loaded. */
  sealer?: () => PiiSealer;
}

/**
 * Everything a command may use while it runs. No database handle: the
 * services (`ledger`, `setup`, `board`, `lapse`) are bound to the command's
 * transaction when it writes.
 */
export interface CommandContext extends Services {
  now: Date;
  /** The business date in the campaign's time zone. */
  today: string;
  campaign: Campaign;
  actor: Actor;
  channel: ChannelContext;
  locale: Locale;
  t: Catalogue;
  settings: CommandSettings;
  /** Every command, for `help`. */
  commands: readonly AnyCommand[];
  /** The platform's idempotency key of this message (`slack:Ev123`), if any. */
  sourceKey: string | null;
  /** Appends an audit-log row in the command's transaction. */
  audit(action: string, detail: Record<string, unknown>): Promise<void>;
  /**
   * Says this write changed the setup (roles, bindings, areas, targets, the
   * campaign), so every process drops its cached setup after commit. The
   * setup service calls it; a write that does not call it keeps the cache.
   */
  setupChanged(): void;
  /**
   * The reply, decided once the command's transaction has committed and its
   * follow-up work (`afterCommit` in the services) is done: `run` returns a
   * provisional reply, which this replaces for the user and for replays.
   */
  replyAfterCommit(reply: () => Promise<Reply>): void;
}

/** A command declaration. */
export interface Command<S extends ArgSpecs = ArgSpecs> {
  name: string;
  /** Other words for it, Chinese included. */
  aliases: readonly string[];
  summary: Localized;
  permission: Permission;
  /**
   * What a speaker without the permission is told, in the command's own
   * words; absent: the general refusal of the permission (logging payments,
   * or admins only).
   */
  denied?(t: Catalogue): string;
  /** Runs in a transaction, deduplicated on the platform's message id. */
  writes: boolean;
  /**
   * On PostgreSQL the write commits in a transaction of its own instead of
   * the shared batch of chat writes (group commit), so that the payments
   * arriving meanwhile commit beside it, not after its round trips: for a
   * write of many statements or rows, whose reads belong in `prepare`. On
   * SQLite, with one connection, it joins the batch (sharing its commit).
   */
  ownTransaction?: boolean;
  /**
   * The write may run side by side with other such writes in one batch of
   * group commit, their statements sent together (PostgreSQL: one statement
   * for all their ledger entries, one for all their audit rows and replies).
   * Only for a write that reads nothing another one changes (it learns its
   * figures from what its own statements return): reads before a write, as
   * `total` and `undo` do, need the writes before them finished.
   */
  together?: boolean;
  args: S;
  /** Words after the command that select a subcommand (`township add`). */
  subcommands?: readonly AnyCommand[];
  /**
   * For a subcommand: words that select it on their own, without its
   * parent's word (`已劝缴 L12 承诺` for `lapse done`, as users know it).
   * Help lists them with the subcommand, not as commands of their own.
   */
  standaloneAliases?: readonly string[];
  /**
   * Slow work to do before the write transaction (a robot's test message
   * over the network), so that it never holds the database's write lock;
   * read-only, and skipped for a message handled before. What it returns
   * reaches `run` as `prepared`.
   */
  prepare?(ctx: CommandContext, args: ArgValues<S>): Promise<unknown>;
  /** Absent for a pure group (`township`), which only has subcommands. */
  run?(ctx: CommandContext, args: ArgValues<S>, prepared?: unknown): Promise<Reply>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<any>;

/** Declares a command, inferring its argument types from `args`. */
export function defineCommand<S extends ArgSpecs>(command: Command<S>): Command<S> {
  return command;
}
