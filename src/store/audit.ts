/** The audit log: who changed what, when, from which platform and channel. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface AuditInput {
  at: Date;
  memberId: number | null;
  platform: string;
  channelId: string;
  action: string;
  detail: Record<string, unknown>;
}

export async function appendAudit(db: Kysely<Database>, input: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: input.at.toISOString(),
      member_id: input.memberId,
      platform: input.platform,
      channel_id: input.channelId,
      action: input.action,
      detail: JSON.stringify(input.detail),
    })
    .execute();
}
