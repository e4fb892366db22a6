/**
 * Idempotency of chat writes: each handled message's platform id and the
 * reply it got, stored in the same transaction as its effects.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { sendTogether } from '../db/group-commit.ts';
import type { Database } from '../db/schema.ts';
import type { Reply } from '../core/reply.ts';
import { prepared } from '../db/prepared.ts';
import { redactReply } from '../core/redact-reply.ts';
import { otherWorkFirst } from '../db/other-work-first.ts';
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

/** PostgreSQL, a lone write: its audit entries and its stored reply in one statement, values inline, a shape per number of entries. */
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

/** What one chat write records last: its audit entries and, when its message has an id, its reply. */
interface Handled {
  audits: readonly AuditInput[];
  handled: { sourceKey: string; reply: Reply; now: Date } | null;
}

/** The audit rows and stored replies of many writes, column by column (each an array, one element per row). */
type HandledColumns = {
  at: string[];
  member: (number | null)[];
  platform: string[];
  channel: string[];
  action: string[];
  detail: string[];
  key: string[];
  reply: string[];
  created: string[];
};

/**
 * PostgreSQL: the audit entries and stored replies of any number of writes
 * in one statement (one round trip), its text the same whatever the number.
 * Audit rows are numbered in the order given: write by write, each in its own order.
 */
const handledStatement = prepared((db: Kysely<Database>, p: HandledColumns) =>
  db
    .with('a', (d) =>
      d
        .insertInto('audit_log')
        .columns(['at', 'member_id', 'platform', 'channel_id', 'action', 'detail'])
        .expression(
          d
            .selectFrom(
              sql<{ at: string; member_id: number | null; platform: string; channel_id: string; action: string; detail: string }>`unnest(${p.at}::text[], ${p.member}::integer[], ${p.platform}::text[], ${p.channel}::text[], ${p.action}::text[], ${p.detail}::text[])`.as<'u'>(
                sql`u(at, member_id, platform, channel_id, action, detail)`,
              ),
            )
            .selectAll(),
        ),
    )
    .insertInto('inbound_message')
    .columns(['source_key', 'reply', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom(
          sql<{ source_key: string; reply: string; created_at: string }>`unnest(${p.key}::text[], ${p.reply}::text[], ${p.created}::text[])`.as<'u'>(sql`u(source_key, reply, created_at)`),
        )
        .selectAll(),
    ),
);

async function recordMany(db: Kysely<Database>, writes: readonly Handled[]): Promise<void[]> {
  const lone = writes.length === 1 ? writes[0]! : null;
  if (lone?.handled && lone.audits.length > 0 && lone.audits.length <= 4) {
    const slots: Record<string, unknown> = {};
    lone.audits.forEach((a, i) => {
      const v = auditValues(a);
      Object.assign(slots, { [`at${i}`]: v.at, [`member${i}`]: v.member_id, [`platform${i}`]: v.platform, [`channel${i}`]: v.channel_id, [`action${i}`]: v.action, [`detail${i}`]: v.detail });
    });
    await auditedShape(lone.audits.length)(db, {
      key: lone.handled.sourceKey,
      reply: JSON.stringify(redactReply(lone.handled.reply)),
      created: lone.handled.now.toISOString(),
      ...(slots as AuditSlots),
    });
    return [undefined];
  }
  const c: HandledColumns = { at: [], member: [], platform: [], channel: [], action: [], detail: [], key: [], reply: [], created: [] };
  for (const { audits, handled } of writes) {
    for (const a of audits) {
      const v = auditValues(a);
      c.at.push(v.at);
      c.member.push(v.member_id);
      c.platform.push(v.platform);
      c.channel.push(v.channel_id);
      c.action.push(v.action);
      c.detail.push(v.detail);
    }
    if (handled) {
      c.key.push(handled.sourceKey);
      c.reply.push(JSON.stringify(redactReply(handled.reply)));
      c.created.push(handled.now.toISOString());
    }
  }
  await handledStatement(db, c);
  return writes.map(() => undefined);
}

/**
 * What a chat write records last, in its transaction: its audit entries and
 * (when the message has an id) the reply it got. On PostgreSQL one round
 * trip, shared by the writes of a batch that run side by side.
 */
export async function recordHandled(db: Kysely<Database>, audits: readonly AuditInput[], handled: { sourceKey: string; reply: Reply; now: Date } | null): Promise<void> {
  if (audits.length === 0 && !handled) return;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sendTogether(db, recordMany, { audits, handled });
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
 * write lock (or the event loop) long; returns how many went.
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
    await otherWorkFirst();
  }
}
