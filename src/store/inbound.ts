/**
 * Idempotency of chat writes: each handled message's platform id and the
 * reply it got, stored in the same transaction as its effects.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Reply } from '../core/reply.ts';
import { prepared } from '../db/prepared.ts';
import { redactReply } from '../core/redact-reply.ts';

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

/** Stores the reply a message got, masked as it was sent; kept for the dedupe window only (`pruneHandled`). */
export async function markHandled(db: Kysely<Database>, sourceKey: string, reply: Reply, now: Date): Promise<void> {
  await insertHandled(db, { key: sourceKey, reply: JSON.stringify(redactReply(reply)), at: now.toISOString() });
}

/** Replaces the stored answer of a message whose reply was completed after its commit. */
export async function replaceHandled(db: Kysely<Database>, sourceKey: string, reply: Reply): Promise<void> {
  await db.updateTable('inbound_message').set({ reply: JSON.stringify(redactReply(reply)) }).where('source_key', '=', sourceKey).execute();
}

/**
 * Forgets the replies of messages handled before `before`: past the dedupe
 * window a platform no longer retries, and a stored reply is personal data
 * kept for no purpose. Deletes in slices so a large backlog never holds the
 * write lock long; returns how many went.
 */
export async function pruneHandled(db: Kysely<Database>, before: Date, slice = 5_000): Promise<number> {
  const at = before.toISOString();
  let total = 0;
  for (;;) {
    const keys = db.selectFrom('inbound_message').select('source_key').where('created_at', '<', at).limit(slice);
    const r = await db.deleteFrom('inbound_message').where('source_key', 'in', keys).executeTakeFirst();
    const n = Number(r.numDeletedRows ?? 0n);
    total += n;
    if (n < slice) return total;
  }
}
