/**
 * Idempotency of chat writes: each handled message's platform id and the
 * reply it got, stored in the same transaction as its effects.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Reply } from '../core/reply.ts';

export async function findHandled(db: Kysely<Database>, sourceKey: string): Promise<Reply | undefined> {
  const row = await db.selectFrom('inbound_message').select('reply').where('source_key', '=', sourceKey).executeTakeFirst();
  return row ? (JSON.parse(row.reply) as Reply) : undefined;
}

export async function markHandled(db: Kysely<Database>, sourceKey: string, reply: Reply, now: Date): Promise<void> {
  await db
    .insertInto('inbound_message')
    .values({ source_key: sourceKey, reply: JSON.stringify(reply), created_at: now.toISOString() })
    .execute();
}
