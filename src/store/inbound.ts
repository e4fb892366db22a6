/**
 * Idempotency of chat writes: each handled message's platform id and the
 * reply it got, stored in the same transaction as its effects.
 */
import { PostgresAdapter, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Reply } from '../core/reply.ts';
import { prepared } from '../db/prepared.ts';
import { redactReply } from '../core/redact-reply.ts';
import { appendAudit, auditValues, type AuditInput } from './audit.ts';

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

type AuditSlots = Record<`${'at' | 'member' | 'platform' | 'channel' | 'action' | 'detail'}${number}`, unknown>;

/** PostgreSQL: a command's audit entries and its stored reply in one statement, a shape per number of entries. */
const auditedShapes = new Map<number, (db: Kysely<Database>, p: { key: string; reply: string; created: string } & AuditSlots) => ReturnType<typeof insertHandled>>();

function auditedShape(n: number) {
  let shape = auditedShapes.get(n);
  if (!shape) {
    shape = prepared((db: Kysely<Database>, p: { key: string; reply: string; created: string } & AuditSlots) =>
      db
        .with('a', (d) =>
          d.insertInto('audit_log').values(
            Array.from({ length: n }, (_, i) => ({
              at: p[`at${i}`] as string,
              member_id: p[`member${i}`] as number | null,
              platform: p[`platform${i}`] as string,
              channel_id: p[`channel${i}`] as string,
              action: p[`action${i}`] as string,
              detail: p[`detail${i}`] as string,
            })),
          ),
        )
        .insertInto('inbound_message')
        .values({ source_key: p.key, reply: p.reply, created_at: p.created }),
    );
    auditedShapes.set(n, shape);
  }
  return shape;
}

/**
 * What a chat write records last, in its transaction: its audit entries and
 * (when the message has an id) the reply it got. On PostgreSQL one round
 * trip: they were two and more of the few a `pay` makes.
 */
export async function recordHandled(db: Kysely<Database>, audits: readonly AuditInput[], handled: { sourceKey: string; reply: Reply; now: Date } | null): Promise<void> {
  if (handled && audits.length > 0 && audits.length <= 4 && db.getExecutor().adapter instanceof PostgresAdapter) {
    const slots: Record<string, unknown> = {};
    audits.forEach((a, i) => {
      const v = auditValues(a);
      Object.assign(slots, { [`at${i}`]: v.at, [`member${i}`]: v.member_id, [`platform${i}`]: v.platform, [`channel${i}`]: v.channel_id, [`action${i}`]: v.action, [`detail${i}`]: v.detail });
    });
    await auditedShape(audits.length)(db, {
      key: handled.sourceKey,
      reply: JSON.stringify(redactReply(handled.reply)),
      created: handled.now.toISOString(),
      ...(slots as AuditSlots),
    });
    return;
  }
  for (const a of audits) await appendAudit(db, a);
  if (handled) await markHandled(db, handled.sourceKey, handled.reply, handled.now);
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
