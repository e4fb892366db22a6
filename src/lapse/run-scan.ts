/** A scan and its reminders, as the `lapse scan` command and the monthly schedule run them. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalogue } from '../i18n/index.ts';
import { enqueueLapseReminders } from './reminders.ts';
import { lockJob } from '../db/job-lock.ts';
import { screenLapses, type ScanResult } from './screen.ts';
import { openCaseCount } from '../store/lapse-cases.ts';

export interface ScanAndRemindResult extends ScanResult {
  open: number;
  posts: number;
}

/** Screens `month` and queues its reminders; call inside a transaction. */
export async function scanAndRemind(
  db: Kysely<Database>,
  input: { month: string; now: Date; t: Catalogue; key: string },
): Promise<ScanAndRemindResult> {
  // The monthly schedule on one replica and `lapse scan` on another take turns.
  await lockJob(db, 'lapse');
  const result = await screenLapses(db, { month: input.month, now: input.now });
  const posts = await enqueueLapseReminders(db, { now: input.now, month: input.month, t: input.t, key: input.key, weekly: false });
  return { ...result, open: await openCaseCount(db), posts };
}
