/**
 * Claims of scheduled runs: a run of a job for an area on a business date is
 * claimed once, in the database, before anything is sent. The claim holds a
 * holder and an expiry so that a later runner can take over a claim whose
 * holder died before finishing.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface JobClaimKey {
  job: string;
  areaId: number;
  businessDate: string;
}

/**
 * Claims a run; true when this caller got it. A claim that was never finished
 * and has expired is taken over.
 */
export async function claimJob(
  db: Kysely<Database>,
  key: JobClaimKey,
  input: { by: string; now: Date; leaseMs: number },
): Promise<boolean> {
  const now = input.now.toISOString();
  const expires = new Date(input.now.getTime() + input.leaseMs).toISOString();
  const inserted = await db
    .insertInto('job_claim')
    .values({
      job: key.job,
      area_id: key.areaId,
      business_date: key.businessDate,
      claimed_at: now,
      claimed_by: input.by,
      expires_at: expires,
      done_at: null,
    })
    .onConflict((oc) => oc.columns(['job', 'area_id', 'business_date']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
  const taken = await db
    .updateTable('job_claim')
    .set({ claimed_at: now, claimed_by: input.by, expires_at: expires })
    .where('job', '=', key.job)
    .where('area_id', '=', key.areaId)
    .where('business_date', '=', key.businessDate)
    .where('done_at', 'is', null)
    .where('expires_at', '<', now)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) > 0;
}

/** Marks a claimed run finished: it is never run again. */
export async function finishJob(db: Kysely<Database>, key: JobClaimKey, now: Date): Promise<void> {
  await db
    .updateTable('job_claim')
    .set({ done_at: now.toISOString() })
    .where('job', '=', key.job)
    .where('area_id', '=', key.areaId)
    .where('business_date', '=', key.businessDate)
    .execute();
}

/**
 * When the latest finished run of the jobs named `<prefix>…` finished (an ISO
 * instant), or null when none has. The prefix holds no `%` or `_`.
 */
export async function lastFinishedRun(db: Kysely<Database>, prefix: string): Promise<string | null> {
  const row = await db
    .selectFrom('job_claim')
    .select((eb) => eb.fn.max('done_at').as('last'))
    .where('job', 'like', `${prefix}%`)
    .where('done_at', 'is not', null)
    .executeTakeFirst();
  return row?.last ?? null;
}
