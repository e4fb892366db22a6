/**
 * Idempotency of chat writes: each handled message's platform id and the
 * reply it got, stored in the same transaction as its effects.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Reply } from '../core/reply.ts';
import { prepared } from '../db/prepared.ts';

const selectHandled = prepared((db: Kysely<Database>, p: { key: string }) =>
  db.selectFrom('inbound_message').select('reply').where('source_key', '=', p.key),
);

const insertHandled = prepared((db: Kysely<Database>, p: { key: string; reply: string; at: string }) =>
  db.insertInto('inbound_message').values({ source_key: p.key, reply: p.reply, created_at: p.at }),
);

export async function findHandled(db: Kysely<Database>, sourceKey: string): Promise<Reply | undefined> {
  const row = (await selectHandled(db, { key: sourceKey })).rows[0];
  return row ? (JSON.parse(row.reply) as Reply) : undefined;
}

export async function markHandled(db: Kysely<Database>, sourceKey: string, reply: Reply, now: Date): Promise<void> {
  await insertHandled(db, { key: sourceKey, reply: JSON.stringify(reply), at: now.toISOString() });
}
