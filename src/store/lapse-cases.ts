/**
 * Lapse cases: opened and updated by screening set-wise (a handful of
 * statements per scan, whatever the number of people), closed when a
 * contribution for the missing months arrives, worked through follow-ups.
 */
import type { Kysely } from 'kysely';
import { redact } from '../domain/mask.ts';
import type { Database } from '../db/schema.ts';

/** Closes open cases whose person now has a contribution in or after the first missing month. */
export async function closeCasesWithContributions(db: Kysely<Database>, now: Date, ids?: { after: number; upTo: number }): Promise<number> {
  const at = now.toISOString();
  let q = db
    .updateTable('lapse_case')
    .set({ status: 'closed', close_reason: 'contribution', closed_at: at, updated_at: at, paused_until: null })
    .where('status', '=', 'open');
  if (ids) q = q.where('id', '>', ids.after).where('id', '<=', ids.upTo);
  const result = await q
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('lapse_person as p')
          .select('p.id')
          .whereRef('p.id', '=', 'lapse_case.person_id')
          .whereRef('p.last_paid_month', '>=', 'lapse_case.first_missing_month'),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Cases closed per transaction by `closeCasesInSlices`. */
const CLOSE_SLICE = 5_000;

/**
 * `closeCasesWithContributions` over every case in slices of case ids, each
 * its own short transaction (an import's last step: hundreds of thousands of
 * open cases must not hold the write lock for seconds). Call outside a
 * transaction.
 */
export async function closeCasesInSlices(db: Kysely<Database>, now: Date): Promise<number> {
  const last = await db.selectFrom('lapse_case').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  const max = Number(last?.id ?? 0);
  let closed = 0;
  for (let after = 0; after < max; after += CLOSE_SLICE) {
    closed += await db.transaction().execute((tx) => closeCasesWithContributions(tx, now, { after, upTo: after + CLOSE_SLICE }));
  }
  return closed;
}

/** Clears promises to pay made before a scan of `month` (they pause reminders until the next scan). */
export async function unpauseCases(db: Kysely<Database>, month: string): Promise<void> {
  await db.updateTable('lapse_case').set({ paused_until: null }).where('status', '=', 'open').where('paused_until', '<=', month).execute();
}

/** The distinct latest-paid months of roster people who have paid nothing since before `month`. */
export async function lapsedLastPaidMonths(db: Kysely<Database>, month: string): Promise<string[]> {
  const rows = await db
    .selectFrom('lapse_person')
    .select('last_paid_month')
    .distinct()
    .where('last_paid_month', '<', month)
    .where('area_id', 'is not', null)
    .execute();
  return rows.map((r) => r.last_paid_month!).sort();
}

/** One group of a scan: people whose latest paid month is the same, hence the same lapse and stage. */
export interface LapseGroup {
  lastPaidMonth: string;
  firstMissingMonth: string;
  monthsLapsed: number;
  stage: number;
  scanMonth: string;
}

/** Brings the open cases of a group up to this scan (never backwards); returns how many. */
export async function updateOpenCases(db: Kysely<Database>, g: LapseGroup, now: Date): Promise<number> {
  const result = await db
    .updateTable('lapse_case')
    .set((eb) => ({
      months_lapsed: g.monthsLapsed,
      stage: g.stage,
      scan_month: g.scanMonth,
      updated_at: now.toISOString(),
      // A person moved to another township by a roster import moves their case along.
      area_id: eb.fn.coalesce(
        eb.selectFrom('lapse_person as p').select('p.area_id').whereRef('p.id', '=', 'lapse_case.person_id'),
        eb.ref('lapse_case.area_id'),
      ),
    }))
    .where('status', '=', 'open')
    .where('first_missing_month', '=', g.firstMissingMonth)
    .where('scan_month', '<=', g.scanMonth)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Opens a case for each person of the group that has none for this lapse (open or closed); returns how many. */
export async function openNewCases(db: Kysely<Database>, g: LapseGroup, now: Date): Promise<number> {
  const at = now.toISOString();
  const result = await db
    .insertInto('lapse_case')
    .columns([
      'person_id',
      'area_id',
      'last_paid_month',
      'first_missing_month',
      'months_lapsed',
      'stage',
      'scan_month',
      'status',
      'opened_at',
      'updated_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('lapse_person as p')
        .select((s) => [
          'p.id',
          'p.area_id',
          s.val(g.lastPaidMonth).as('last_paid_month'),
          s.val(g.firstMissingMonth).as('first_missing_month'),
          s.val(g.monthsLapsed).as('months_lapsed'),
          s.val(g.stage).as('stage'),
          s.val(g.scanMonth).as('scan_month'),
          s.val('open').as('status'),
          s.val(at).as('opened_at'),
          s.val(at).as('updated_at'),
        ])
        .where('p.last_paid_month', '=', g.lastPaidMonth)
        .where('p.area_id', 'is not', null)
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('lapse_case as c')
                .select('c.id')
                .whereRef('c.person_id', '=', 'p.id')
                .where('c.first_missing_month', '=', g.firstMissingMonth),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** An open case as reminders and lists show it: name and phone are their masked forms (the clear ones are sealed). */
export interface OpenCaseRow {
  id: number;
  areaId: number;
  areaName: string;
  stage: number;
  monthsLapsed: number;
  firstMissingMonth: string;
  lastPaidMonth: string;
  name: string | null;
  idMasked: string;
  phone: string | null;
  cadre: string | null;
  cadreMemberId: number | null;
  lastFollowupAt: string | null;
  openedAt: string;
  pausedUntil: string | null;
}

/** Which open cases to read. */
export interface CaseFilter {
  areaId?: number;
  /** Every township under this area path (`/1/`). */
  underPath?: string;
  cadreMemberId?: number;
  /** Leave out cases whose reminders are paused. */
  activeOnly?: boolean;
  /** Escalation: stage 3, or no follow-up since this instant. */
  escalateUntouchedBefore?: string;
}

function filtered(db: Kysely<Database>, f: CaseFilter) {
  let q = db
    .selectFrom('lapse_case as c')
    .innerJoin('lapse_person as p', 'p.id', 'c.person_id')
    .innerJoin('area as a', 'a.id', 'c.area_id')
    .where('c.status', '=', 'open');
  if (f.areaId !== undefined) q = q.where('c.area_id', '=', f.areaId);
  if (f.underPath !== undefined) q = q.where('a.path', 'like', `${f.underPath}%`);
  if (f.cadreMemberId !== undefined) q = q.where('p.cadre_member_id', '=', f.cadreMemberId);
  if (f.activeOnly) q = q.where('c.paused_until', 'is', null);
  const before = f.escalateUntouchedBefore;
  if (before !== undefined) {
    q = q.where((eb) => eb.or([eb('c.stage', '=', 3), eb(eb.fn.coalesce('c.last_followup_at', 'c.opened_at'), '<=', before)]));
  }
  return q;
}

/** Open cases, most urgent first: the last month to back-pay, then 2, 1, and lapses past back-pay last. */
export async function openCases(db: Kysely<Database>, f: CaseFilter, limit: number): Promise<OpenCaseRow[]> {
  const rows = await filtered(db, f)
    .leftJoin('member as m', 'm.id', 'p.cadre_member_id')
    .select((eb) => [
      'c.id',
      'c.area_id',
      'a.name as area_name',
      'c.stage',
      'c.months_lapsed',
      'c.first_missing_month',
      'c.last_paid_month',
      'p.name_masked as name',
      'p.id_masked',
      'p.phone_masked as phone',
      eb.fn.coalesce('m.name', 'p.cadre_text').as('cadre'),
      'p.cadre_member_id',
      'c.last_followup_at',
      'c.opened_at',
      'c.paused_until',
      eb.case().when('c.stage', '=', 3).then(0).when('c.stage', '=', 2).then(1).when('c.stage', '=', 1).then(2).else(3).end().as('urgency'),
    ])
    .orderBy('urgency')
    .orderBy('c.months_lapsed', 'desc')
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    areaId: r.area_id,
    areaName: r.area_name,
    stage: r.stage,
    monthsLapsed: r.months_lapsed,
    firstMissingMonth: r.first_missing_month,
    lastPaidMonth: r.last_paid_month,
    name: r.name,
    idMasked: r.id_masked,
    phone: r.phone,
    cadre: r.cadre,
    cadreMemberId: r.cadre_member_id,
    lastFollowupAt: r.last_followup_at,
    openedAt: r.opened_at,
    pausedUntil: r.paused_until,
  }));
}

/** How many open cases per stage (1–4) match. */
export async function stageCounts(db: Kysely<Database>, f: CaseFilter): Promise<Record<1 | 2 | 3 | 4, number>> {
  const rows = await filtered(db, f)
    .select((eb) => ['c.stage', eb.fn.countAll<number>().as('n')])
    .groupBy('c.stage')
    .execute();
  const out = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const r of rows) out[Math.min(4, Math.max(1, r.stage)) as 1 | 2 | 3 | 4] += Number(r.n);
  return out;
}

/** Open cases per township and stage: counts for leaders, never the people. */
export interface AreaStageCounts {
  areaId: number;
  areaName: string;
  areaPath: string;
  counts: Record<1 | 2 | 3 | 4, number>;
}

/** How many open cases per stage match, township by township (in area order). */
export async function stageCountsByArea(db: Kysely<Database>, f: CaseFilter): Promise<AreaStageCounts[]> {
  const rows = await filtered(db, f)
    .select((eb) => ['c.area_id', 'a.name', 'a.path', 'c.stage', eb.fn.countAll<number>().as('n')])
    .groupBy(['c.area_id', 'a.name', 'a.path', 'c.stage'])
    .orderBy('c.area_id')
    .execute();
  const byArea = new Map<number, AreaStageCounts>();
  for (const r of rows) {
    let entry = byArea.get(r.area_id);
    if (!entry) byArea.set(r.area_id, (entry = { areaId: r.area_id, areaName: r.name, areaPath: r.path, counts: { 1: 0, 2: 0, 3: 0, 4: 0 } }));
    entry.counts[Math.min(4, Math.max(1, r.stage)) as 1 | 2 | 3 | 4] += Number(r.n);
  }
  return [...byArea.values()];
}

/** Marks the open, unpaused cases of a filter as reminded now. */
export async function markReminded(db: Kysely<Database>, f: CaseFilter, now: Date): Promise<void> {
  const ids = filtered(db, { ...f, activeOnly: true }).select('c.id');
  await db.updateTable('lapse_case').set({ last_reminded_at: now.toISOString() }).where('id', 'in', ids).execute();
}

/** Members assigned as cadre to open, unpaused cases. */
export async function cadresWithOpenCases(db: Kysely<Database>): Promise<{ memberId: number; name: string }[]> {
  const rows = await filtered(db, { activeOnly: true })
    .innerJoin('member as m', 'm.id', 'p.cadre_member_id')
    .select(['m.id', 'm.name'])
    .distinct()
    .orderBy('m.id')
    .execute();
  return rows.map((r) => ({ memberId: r.id, name: r.name }));
}

/** One case with its township's path, for a follow-up. */
export async function getCase(db: Kysely<Database>, id: number) {
  return db
    .selectFrom('lapse_case as c')
    .innerJoin('lapse_person as p', 'p.id', 'c.person_id')
    .innerJoin('area as a', 'a.id', 'c.area_id')
    .select(['c.id', 'c.status', 'c.scan_month', 'c.stage', 'c.months_lapsed', 'a.name as area_name', 'a.path as area_path', 'p.name_masked as name'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

export type FollowupOutcome = 'paid' | 'promised' | 'refused' | 'moved' | 'unreachable';

/** Records a follow-up; a promise or a reported payment pauses reminders until `pauseUntil`, a move closes the case. */
export async function recordFollowup(
  db: Kysely<Database>,
  input: {
    caseId: number;
    outcome: FollowupOutcome;
    note: string | null;
    memberId: number | null;
    platform: string;
    channelId: string;
    now: Date;
    pauseUntil: string;
  },
): Promise<{ paused: boolean; closed: boolean }> {
  const at = input.now.toISOString();
  await db
    .insertInto('lapse_followup')
    .values({
      case_id: input.caseId,
      outcome: input.outcome,
      // Free text from chat: kept masked, whoever calls.
      note: input.note === null ? null : redact(input.note),
      member_id: input.memberId,
      platform: input.platform,
      channel_id: input.channelId,
      at,
    })
    .execute();
  const paused = input.outcome === 'promised' || input.outcome === 'paid';
  const closed = input.outcome === 'moved';
  await db
    .updateTable('lapse_case')
    .set({
      last_followup_at: at,
      updated_at: at,
      ...(paused ? { paused_until: input.pauseUntil } : {}),
      ...(closed ? { status: 'closed' as const, close_reason: 'moved', closed_at: at } : {}),
    })
    .where('id', '=', input.caseId)
    .execute();
  return { paused, closed };
}

/** How many cases are open, everywhere. */
export async function openCaseCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('lapse_case')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The latest month any case was screened in, or null before the first scan. */
export async function latestCaseScanMonth(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('lapse_case')
    .select((eb) => eb.fn.max('scan_month').as('m'))
    .executeTakeFirst();
  return (row?.m as string | null | undefined) ?? null;
}
