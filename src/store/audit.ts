/** The audit log: who changed what, when, from which platform and channel. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { redactFields } from '../domain/mask.ts';

export interface AuditInput {
  at: Date;
  memberId: number | null;
  platform: string;
  channelId: string;
  action: string;
  detail: Record<string, unknown>;
}

const insertAudit = prepared(
  (
    db: Kysely<Database>,
    p: { at: string; memberId: number | null; platform: string; channelId: string; action: string; detail: string },
  ) =>
    db.insertInto('audit_log').values({
      at: p.at,
      member_id: p.memberId,
      platform: p.platform,
      channel_id: p.channelId,
      action: p.action,
      detail: p.detail,
    }),
);

/** An audit entry as its row's values, personal data masked. */
export function auditValues(input: AuditInput) {
  return { at: input.at.toISOString(), member_id: input.memberId, platform: input.platform, channel_id: input.channelId, action: input.action, detail: JSON.stringify(redactFields(input.detail)) };
}

export async function appendAudit(db: Kysely<Database>, input: AuditInput): Promise<void> {
  await insertAudit(db, { ...input, at: input.at.toISOString(), detail: JSON.stringify(redactFields(input.detail)) });
}
