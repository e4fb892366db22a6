/**
 * Lapse cases: opened and updated by screening set-wise (a handful of
 * statements per scan, whatever the number of people), closed when a
 * contribution for the missing months arrives, worked through follow-ups.
 */
import { PostgresAdapter, sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { redact } from '../domain/mask.ts';
import type { CaseKind, Database, InsuredStatus, LapseCaseStatus } from '../db/schema.ts';

/** The 参保状态 of people who should be paying: only they are screened (unknown counts as paying). */
export const SCREENED_STATUSES: readonly InsuredStatus[] = ['active', 'flexible'];

/** Roster people whose 参保状态 says they should be paying. */
function screenedPerson(eb: ExpressionBuilder<Database, 'lapse_person'>) {
  return eb.or([eb('lapse_person.insured_status', 'is', null), eb('lapse_person.insured_status', 'in', SCREENED_STATUSES)]);
}

/**
 * Closes open lapse cases of people the roster now says are not paying by
 * duty (retired, moved to resident insurance, insured elsewhere, deceased);
 * the close reason is that status.
 */
export async function closeCasesNoLongerScreened(db: Kysely<Database>, now: Date): Promise<number> {
  const at = now.toISOString();
  const result = await db
    .updateTable('lapse_case')
    .set((eb) => ({
      status: 'closed',
      close_reason: eb.selectFrom('lapse_person').select('lapse_person.insured_status').whereRef('lapse_person.id', '=', 'lapse_case.person_id'),
      closed_at: at,
      updated_at: at,
      paused_until: null,
    }))
    .where('status', '=', 'open')
    .where('kind', '=', 'lapse')
    .where('person_id', 'in', (eb) =>
      eb.selectFrom('lapse_person').select('lapse_person.id').where('lapse_person.insured_status', 'is not', null).where((w) => w.not(screenedPerson(w))),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Closes open cases whose person now has a contribution in or after the
 * first missing month. Over every case (a screen), it goes lapse month by
 * lapse month and reads only the people still lapsed then, from the
 * covering index: looking each case's person up was a random page read per
 * case once the roster outgrew the cache. Over a slice of case ids (an
 * import's last step, a few thousand cases), each case's person is looked up.
 */
export async function closeCasesWithContributions(db: Kysely<Database>, now: Date, ids?: { after: number; upTo: number }): Promise<number> {
  const at = now.toISOString();
  const close = () =>
    db
      .updateTable('lapse_case')
      .set({ status: 'closed', close_reason: 'contribution', closed_at: at, updated_at: at, paused_until: null })
      .where('status', '=', 'open')
      .where('kind', '=', 'lapse');
  if (ids) {
    const result = await close()
      .where('id', '>', ids.after)
      .where('id', '<=', ids.upTo)
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
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // One anti-join over every open case. The per-month `not in` below is a
    // hashed subplan only while the lapsed people's ids fit in work_mem (4 MB
    // by default); past that (10 million people, half a million lapsed)
    // PostgreSQL compared every case with the whole list and one screen ran
    // for over a quarter of an hour. A hash anti-join spills to disk instead.
    // The constant bound (the latest lapse month) lets it read only the
    // lapsed people, from the covering index.
    const latest = await db.selectFrom('lapse_case').select((eb) => eb.fn.max('first_missing_month').as('month')).where('status', '=', 'open').where('kind', '=', 'lapse').executeTakeFirst();
    if (!latest?.month) return 0;
    const result = await close()
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('lapse_person as p')
              .select('p.id')
              .whereRef('p.id', '=', 'lapse_case.person_id')
              .whereRef('p.last_paid_month', '<', 'lapse_case.first_missing_month')
              .where('p.last_paid_month', '<', latest.month),
          ),
        ),
      )
      .where((eb) => eb.not(eb.exists(eb.selectFrom('lapse_person as p').select('p.id').whereRef('p.id', '=', 'lapse_case.person_id').where('p.last_paid_month', 'is', null))))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
  const lapses = await db.selectFrom('lapse_case').select('first_missing_month').distinct().where('status', '=', 'open').where('kind', '=', 'lapse').execute();
  let closed = 0;
  for (const { first_missing_month: missing } of lapses) {
    // SQLite: paid since, i.e. not among the people whose latest paid month
    // is still before it, nor among those with none (two index ranges, not
    // an OR: each list is read from the covering index into a temporary
    // index; a correlated probe would read each case's person row).
    const result = await close()
      .where('first_missing_month', '=', missing)
      .where('person_id', 'not in', (eb) => eb.selectFrom('lapse_person').select('lapse_person.id').where('lapse_person.last_paid_month', '<', missing))
      .where('person_id', 'not in', (eb) => eb.selectFrom('lapse_person').select('lapse_person.id').where('lapse_person.last_paid_month', 'is', null))
      .executeTakeFirst();
    closed += Number(result.numUpdatedRows);
  }
  return closed;
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

/**
 * After a screen that opened many cases, PostgreSQL learns the case table's
 * new size at once instead of at autovacuum's next pass: planned from the
 * empty table's statistics, the next screen's close looked each of half a
 * million cases' people up one by one (6 s at 10 million people) where a
 * hash anti-join reads the lapsed people once. SQLite plans without them.
 */
export async function refreshCaseStatistics(db: Kysely<Database>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`analyze lapse_case`.execute(db);
}

/** The distinct latest-paid months of roster people who have paid nothing since before `month`. */
export async function lapsedLastPaidMonths(db: Kysely<Database>, month: string): Promise<string[]> {
  const rows = await db
    .selectFrom('lapse_person')
    .select('last_paid_month')
    .distinct()
    .where('last_paid_month', '<', month)
    .where('area_id', 'is not', null)
    .where(screenedPerson)
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
  const group = db.selectFrom('lapse_case').where('status', '=', 'open').where('first_missing_month', '=', g.firstMissingMonth).where('scan_month', '<=', g.scanMonth);
  const { n } = await group.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  // A case already at this scan (the month screened again) is counted but
  // not written: rewriting every row and its index entries was most of a
  // repeated screen's time.
  await db
    .updateTable('lapse_case')
    .set({ months_lapsed: g.monthsLapsed, stage: g.stage, scan_month: g.scanMonth, updated_at: now.toISOString() })
    .where('status', '=', 'open')
    .where('first_missing_month', '=', g.firstMissingMonth)
    .where((eb) => eb.or([eb('scan_month', '<', g.scanMonth), eb.and([eb('scan_month', '=', g.scanMonth), eb.or([eb('months_lapsed', '<>', g.monthsLapsed), eb('stage', '<>', g.stage)])])]))
    .execute();
  // A person moved to another township by a roster import moves their case
  // along. The group's people are read in one range of the covering index
  // (materialized, so that the planner cannot look each case's person up in
  // the table instead) and joined to their cases by the cases' own index.
  await db
    .with(
      (cte) => cte('p').materialized(),
      (qb) =>
        qb
          .selectFrom('lapse_person')
          .select(['lapse_person.id', 'lapse_person.area_id'])
          .where('lapse_person.last_paid_month', '=', g.lastPaidMonth)
          .where('lapse_person.area_id', 'is not', null)
          .$narrowType<{ area_id: number }>(),
    )
    .updateTable('lapse_case')
    .from('p')
    .set((eb) => ({ area_id: eb.ref('p.area_id') }))
    .whereRef('p.id', '=', 'lapse_case.person_id')
    .where('lapse_case.status', '=', 'open')
    .where('lapse_case.first_missing_month', '=', g.firstMissingMonth)
    .where('lapse_case.scan_month', '=', g.scanMonth)
    .whereRef('lapse_case.area_id', '<>', 'p.area_id')
    .execute();
  return Number(n);
}

/** Every case status: listed so that a lookup by lapse month can use the (status, first missing month) index. */
const CASE_STATUSES: readonly LapseCaseStatus[] = ['open', 'closed'];

/** Opens a case for each person of the group that has none for this lapse (open or closed); returns how many. */
export async function openNewCases(db: Kysely<Database>, g: LapseGroup, now: Date): Promise<number> {
  const at = now.toISOString();
  // With no case of this lapse yet (the lapse's first screen), nobody has
  // one, and the probe below is left out: planned against a case table
  // still empty, PostgreSQL scanned the table for every person instead,
  // rereading the rows this very insert had added (17 s for the first
  // 41,666 cases at 10 million people, against 0.4 s for each later month).
  // The unique (person, lapse) index still refuses a second case.
  const known = await db
    .selectFrom('lapse_case')
    .select('id')
    .where('status', 'in', CASE_STATUSES)
    .where('first_missing_month', '=', g.firstMissingMonth)
    .limit(1)
    .executeTakeFirst();
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
        .where((w) => w.or([w('p.insured_status', 'is', null), w('p.insured_status', 'in', SCREENED_STATUSES)]))
        .$if(known !== undefined, (q) =>
          q.where((w) =>
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
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** An open case as reminders and lists show it: name and phone are their masked forms (the clear ones are sealed). */
export interface OpenCaseRow {
  id: number;
  kind: CaseKind;
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
  /** A 帮扶对象 (roster flag). */
  supported: boolean;
  /** Special-group category (the roster's, or a named list's), or null. */
  category: string | null;
  village: string | null;
}

/** Which open cases to read. */
export interface CaseFilter {
  areaId?: number;
  /** Every township under this area path (`/1/`). */
  underPath?: string;
  /** The cases assigned to this member (as the roster's or the list's cadre). */
  cadreMemberId?: number;
  /** Leave out cases whose reminders are paused. */
  activeOnly?: boolean;
  /** Escalation: stage 3, or no follow-up since this instant. */
  escalateUntouchedBefore?: string;
  /** Only these kinds of case (all kinds when absent). */
  kinds?: readonly CaseKind[];
  /** Only 帮扶对象. */
  supportedOnly?: boolean;
}

function filtered(db: Kysely<Database>, f: CaseFilter) {
  let q = db
    .selectFrom('lapse_case as c')
    .innerJoin('lapse_person as p', 'p.id', 'c.person_id')
    .innerJoin('area as a', 'a.id', 'c.area_id')
    // A named case's person is known by the list entry; a lapse's by the roster.
    .leftJoin('named_person as n', 'n.id', 'c.named_id')
    .where('c.status', '=', 'open');
  if (f.areaId !== undefined) q = q.where('c.area_id', '=', f.areaId);
  if (f.underPath !== undefined) q = q.where('a.path', 'like', `${f.underPath}%`);
  if (f.cadreMemberId !== undefined) {
    const member = f.cadreMemberId;
    q = q.where((eb) => eb.or([eb('n.cadre_member_id', '=', member), eb.and([eb('c.named_id', 'is', null), eb('p.cadre_member_id', '=', member)])]));
  }
  if (f.activeOnly) q = q.where('c.paused_until', 'is', null);
  if (f.kinds !== undefined) q = q.where('c.kind', 'in', f.kinds.length ? [...f.kinds] : ['none' as CaseKind]);
  if (f.supportedOnly) q = q.where('p.supported', '=', 1);
  const before = f.escalateUntouchedBefore;
  if (before !== undefined) {
    q = q.where((eb) => eb.or([eb('c.stage', '=', 3), eb(eb.fn.coalesce('c.last_followup_at', 'c.opened_at'), '<=', before)]));
  }
  return q;
}

/**
 * Open cases, most urgent first: lapses in their last back-pay month, then
 * 2, 1, and lapses past back-pay, then the named lists; 帮扶对象 first within each.
 */
export async function openCases(db: Kysely<Database>, f: CaseFilter, limit: number): Promise<OpenCaseRow[]> {
  const rows = await filtered(db, f)
    .leftJoin('member as m', (j) => j.on((eb) => eb('m.id', '=', eb.fn.coalesce('n.cadre_member_id', eb.case().when('c.named_id', 'is', null).then(eb.ref('p.cadre_member_id')).else(null).end()))))
    .select((eb) => [
      'c.id',
      'c.kind',
      'c.area_id',
      'a.name as area_name',
      'c.stage',
      'c.months_lapsed',
      'c.first_missing_month',
      'c.last_paid_month',
      eb.fn.coalesce('n.name_masked', 'p.name_masked').as('name'),
      eb.fn.coalesce('n.id_masked', 'p.id_masked').as('id_masked'),
      eb.fn.coalesce('n.phone_masked', 'p.phone_masked').as('phone'),
      eb.case().when('c.named_id', 'is', null).then(eb.fn.coalesce('m.name', 'p.cadre_text')).else(eb.fn.coalesce('m.name', 'n.cadre_text')).end().as('cadre'),
      'm.id as cadre_member_id',
      'c.last_followup_at',
      'c.opened_at',
      'c.paused_until',
      'p.supported',
      eb.fn.coalesce('n.category', 'p.special_category').as('category'),
      'n.village',
      eb
        .case()
        .when('c.kind', '<>', 'lapse')
        .then(4)
        .when('c.stage', '=', 3)
        .then(0)
        .when('c.stage', '=', 2)
        .then(1)
        .when('c.stage', '=', 1)
        .then(2)
        .else(3)
        .end()
        .as('urgency'),
    ])
    .orderBy('urgency')
    .orderBy('p.supported', 'desc')
    .orderBy('c.months_lapsed', 'desc')
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
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
    supported: Number(r.supported) === 1,
    category: r.category,
    village: r.village,
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

/** How many open named cases (special groups, 包户到人) match, by list. */
export async function namedCaseCounts(db: Kysely<Database>, f: CaseFilter): Promise<{ special: number; unpaid: number }> {
  const rows = await filtered(db, { ...f, kinds: ['special', 'unpaid'] })
    .select((eb) => ['c.kind', eb.fn.countAll<number>().as('n')])
    .groupBy('c.kind')
    .execute();
  const out = { special: 0, unpaid: 0 };
  for (const r of rows) if (r.kind === 'special' || r.kind === 'unpaid') out[r.kind] += Number(r.n);
  return out;
}

/** How many open cases of 帮扶对象 match. */
export async function supportedCount(db: Kysely<Database>, f: CaseFilter): Promise<number> {
  const row = await filtered(db, { ...f, supportedOnly: true })
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
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

/** Members assigned as cadre to open, unpaused cases (of any kind). */
export async function cadresWithOpenCases(db: Kysely<Database>): Promise<{ memberId: number; name: string }[]> {
  const rows = await filtered(db, { activeOnly: true })
    .innerJoin('member as m', (j) =>
      j.on((eb) => eb('m.id', '=', eb.fn.coalesce('n.cadre_member_id', eb.case().when('c.named_id', 'is', null).then(eb.ref('p.cadre_member_id')).else(null).end()))),
    )
    .select(['m.id', 'm.name'])
    .distinct()
    .orderBy('m.id')
    .execute();
  return rows.map((r) => ({ memberId: r.id, name: r.name }));
}

/** One case with its township's path and assigned cadre, for a follow-up or a call. */
export async function getCase(db: Kysely<Database>, id: number) {
  const row = await db
    .selectFrom('lapse_case as c')
    .innerJoin('lapse_person as p', 'p.id', 'c.person_id')
    .innerJoin('area as a', 'a.id', 'c.area_id')
    .leftJoin('named_person as n', 'n.id', 'c.named_id')
    .select((eb) => [
      'c.id',
      'c.kind',
      'c.status',
      'c.scan_month',
      'c.stage',
      'c.months_lapsed',
      'c.person_id',
      'c.named_id',
      'a.name as area_name',
      'a.path as area_path',
      eb.fn.coalesce('n.name_masked', 'p.name_masked').as('name'),
      eb.fn.coalesce('n.phone_masked', 'p.phone_masked').as('phone_masked'),
      eb.case().when('c.named_id', 'is', null).then(eb.ref('p.cadre_member_id')).else(eb.ref('n.cadre_member_id')).end().as('cadre_member_id'),
      eb.case().when('c.named_id', 'is', null).then(eb.ref('p.contact')).else(eb.ref('n.contact')).end().as('contact'),
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
  return row && { ...row, cadre_member_id: row.cadre_member_id === null ? null : Number(row.cadre_member_id) };
}

/**
 * A follow-up's outcome. `paid` and `promised` pause reminders; `moved` and
 * the four that say the person is not to pay here (转居民医保, 退休, 死亡,
 * 已在外地参保) close the case, and those four also set the person's
 * 参保状态, so that later scans pass them by.
 */
export type FollowupOutcome = 'paid' | 'promised' | 'refused' | 'moved' | 'unreachable' | 'resident' | 'retired' | 'deceased' | 'elsewhere';

/** Outcomes that close the case. */
export const CLOSING_OUTCOMES: readonly FollowupOutcome[] = ['moved', 'resident', 'retired', 'deceased', 'elsewhere'];

/** Outcomes that say what the person's 参保状态 now is. */
const STATUS_OF: Partial<Record<FollowupOutcome, InsuredStatus>> = { resident: 'resident', retired: 'retired', deceased: 'deceased', elsewhere: 'elsewhere' };

/** Records a follow-up; a promise or a reported payment pauses reminders until `pauseUntil`; see `FollowupOutcome` for what closes. */
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
  const closed = CLOSING_OUTCOMES.includes(input.outcome);
  await db
    .updateTable('lapse_case')
    .set({
      last_followup_at: at,
      updated_at: at,
      ...(paused ? { paused_until: input.pauseUntil } : {}),
      ...(closed ? { status: 'closed' as const, close_reason: input.outcome, closed_at: at } : {}),
    })
    .where('id', '=', input.caseId)
    .execute();
  const status = STATUS_OF[input.outcome];
  if (status) {
    await db
      .updateTable('lapse_person')
      .set({ insured_status: status, updated_at: at })
      .where('id', '=', (eb) => eb.selectFrom('lapse_case').select('lapse_case.person_id').where('lapse_case.id', '=', input.caseId))
      .execute();
  }
  return { paused, closed };
}

/** How many lapse cases are open, everywhere (the named lists' cases are not lapses). */
export async function openCaseCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('lapse_case')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'open')
    .where('kind', '=', 'lapse')
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
