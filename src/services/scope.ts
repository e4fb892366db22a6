/**
 * What a service is bound to for one command: the command's transaction (or
 * the database, for a read), who asks, where, and the hooks the framework
 * gives it. Commands never see the database handle; services do.
 */
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import type { Actor } from '../domain/permissions.ts';
import type { Catalogue } from '../i18n/index.ts';

/** The speaker's channel as a service needs it. */
interface ServiceChannel {
  platform: string;
  id: string;
}

/** One command's binding of the services. */
export interface ServiceScope {
  /** Inside the command's transaction when it writes. */
  db: Kysely<Database>;
  now: Date;
  /** The business date in the campaign's time zone. */
  today: string;
  campaign: Campaign;
  actor: Actor;
  channel: ServiceChannel;
  /** The platform's idempotency key of the message, if any. */
  sourceKey: string | null;
  t: Catalogue;
  /** Appends an audit-log row in the command's transaction. */
  audit(action: string, detail: Record<string, unknown>): Promise<void>;
  /**
   * Says this write changed roles, bindings, areas, targets or the campaign:
   * every process's cached setup is dropped after commit. Only the setup
   * service calls it, so no other write has to remember anything.
   */
  setupChanged(): void;
  /**
   * Runs `work` in a transaction of its own once the command's transaction
   * has committed (slow follow-up work that must not hold the write lock).
   * Settles then; never, if the command rolls back. A read-only command has
   * no commit to wait for and refuses it.
   */
  afterCommit<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * The process's cache of targets, when there is one: answers an area's
   * target as `read` would, reading it only the first time under the current
   * setup version (never once this command has changed the setup).
   */
  cachedTarget?(areaId: number, read: () => Promise<number | null>): Promise<number | null>;
}
