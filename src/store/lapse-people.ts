/**
 * Contributors and their contributions. Imports write in batches through one
 * compiled statement per batch size: a million rows cost a million bound
 * rows, not a million query compilations.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { ContributorKind, Database, InsuredStatus } from '../db/schema.ts';
import { getSetting, putSetting } from './settings.ts';
import { linkedCadre } from './named-people.ts';
import { EnrollbotError } from '../core/errors.ts';
import { yieldWriteLock } from '../db/sqlite-lock-wait.ts';

/**
 * A roster row ready to stage, as the flat values an import binds (the ID
 * only as hash and masked form, name and phone only sealed and masked): the
 * staging table's columns in order.
 */
type RosterStageValues = [
  idHash: string,
  idMasked: string,
  contact: string,
  nameMasked: string,
  phoneMasked: string | null,
  areaId: number,
  kind: ContributorKind,
  employer: string | null,
  cadreMemberId: number | null,
  cadreText: string | null,
  insuredStatus: InsuredStatus | null,
  supported: 0 | 1,
  specialCategory: string | null,
  line: number,
];

/** Values per staged roster row; typed by the tuple, so a column added there and not here fails to compile. */
export const ROSTER_STAGE_WIDTH: RosterStageValues['length'] = 14;

/** One month's contribution of a person. */
export interface ContributionRow {
  personId: number;
  month: string;
  amountFen: number;
}

function contributionUpsert(db: Kysely<Database>, rows: ContributionRow[], now: string) {
  return db
    .insertInto('lapse_contribution')
    .values(rows.map((r) => ({ person_id: r.personId, month: r.month, amount_fen: r.amountFen, imported_at: now })))
    .onConflict((oc) =>
      oc
        .columns(['person_id', 'month'])
        .doUpdateSet((eb) => ({ amount_fen: eb.ref('excluded.amount_fen'), imported_at: eb.ref('excluded.imported_at') }))
        .where((eb) => eb('lapse_contribution.amount_fen', '<>', eb.ref('excluded.amount_fen'))),
    );
}

/** Compiled statements by batch size, for one database handle. */
const templates = new WeakMap<Kysely<Database>, Map<string, CompiledQuery>>();

function template(db: Kysely<Database>, key: string, build: () => CompiledQuery, expectParams: number): CompiledQuery {
  let byKey = templates.get(db);
  if (!byKey) templates.set(db, (byKey = new Map()));
  let q = byKey.get(key);
  if (!q) {
    q = build();
    // The trick below relies on the values being the only parameters, row by row.
    if (q.parameters.length !== expectParams) throw new EnrollbotError('internal', `${key}: unexpected parameter count ${q.parameters.length}`);
    byKey.set(key, q);
  }
  return q;
}

/**
 * The roster's staging tables: TEMP tables of the import's own connection,
 * filled outside any transaction on the shared tables (SQLite writes only its
 * temporary database, PostgreSQL the session's temporary tables), so the bot
 * keeps logging payments while a large file is read; no index while they
 * fill, so a million rows go in at append speed. Filling `lapse_person`'s unique ID-hash index
 * in random order (a keyed hash is random by design) costs a page lookup and
 * often a page split per row once the index outgrows the page cache; merged
 * from here in hash order, the index is filled left to right. The rows are
 * staged in parts by the hash's first character, so each part is sorted in
 * memory: one sort of the whole roster would spill to temporary files.
 */
interface RosterStageTable {
  id_hash: string;
  id_masked: string;
  contact: string;
  name_masked: string;
  phone_masked: string | null;
  area_id: number;
  kind: ContributorKind;
  employer: string | null;
  cadre_member_id: number | null;
  cadre_text: string | null;
  insured_status: InsuredStatus | null;
  supported: number;
  special_category: string | null;
  /** The file's line: a duplicate ID is refused on its later lines. */
  line: number;
}

type StageTables = Record<`lapse_roster_stage_${number}`, RosterStageTable>;

const STAGE_COLUMNS = ROSTER_STAGE_WIDTH;

/** How many staging tables a roster import fills. */
export const ROSTER_STAGE_PARTS = 16;

// Base64url characters in byte order, so that parts in order hold hashes in order.
const PART_OF_CHAR = new Int8Array(128).fill(-1);
for (const [i, c] of [...'-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'].entries()) {
  PART_OF_CHAR[c.charCodeAt(0)] = Math.floor((i * ROSTER_STAGE_PARTS) / 64);
}

/** The staging part (0 to `ROSTER_STAGE_PARTS` − 1) of an ID hash: parts in order hold hashes in order. */
export function rosterStagePart(idHash: string): number {
  const part = PART_OF_CHAR[idHash.charCodeAt(0) & 127]!;
  if (part < 0) throw new EnrollbotError('internal', 'rosterStagePart: not a base64url hash');
  return part;
}

function stageTable(part: number): `lapse_roster_stage_${number}` {
  return `lapse_roster_stage_${part}`;
}

/** Creates the roster's staging tables on the import's connection (`dropRosterStage` drops them). */
export async function createRosterStage(db: Kysely<Database>): Promise<void> {
  await dropRosterStage(db);
  for (let part = 0; part < ROSTER_STAGE_PARTS; part++) {
    await db.schema
      .createTable(stageTable(part))
      .temporary()
      .addColumn('id_hash', 'text', (c) => c.notNull())
      .addColumn('id_masked', 'text', (c) => c.notNull())
      .addColumn('contact', 'text', (c) => c.notNull())
      .addColumn('name_masked', 'text', (c) => c.notNull())
      .addColumn('phone_masked', 'text')
      .addColumn('area_id', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('employer', 'text')
      .addColumn('cadre_member_id', 'integer')
      .addColumn('cadre_text', 'text')
      .addColumn('insured_status', 'text')
      .addColumn('supported', 'integer', (c) => c.notNull())
      .addColumn('special_category', 'text')
      .addColumn('line', 'integer', (c) => c.notNull())
      .execute();
  }
}

/** Drops the roster's staging tables, if there are any. */
export async function dropRosterStage(db: Kysely<Database>): Promise<void> {
  for (let part = 0; part < ROSTER_STAGE_PARTS; part++) await db.schema.dropTable(stageTable(part)).ifExists().execute();
}

/**
 * Indexes the staged rows by ID hash, once they are all in: one sort per
 * part, which both the duplicate check and the merge's slices then read in
 * order.
 */
export async function indexRosterStage(db: Kysely<Database>): Promise<void> {
  for (let part = 0; part < ROSTER_STAGE_PARTS; part++) {
    await db.schema.createIndex(`${stageTable(part)}_hash`).on(stageTable(part)).columns(['id_hash', 'line']).execute();
  }
}

/**
 * Lines whose ID is on an earlier line of the file too: how many, and the
 * first `limit` of them in file order. Read from the staged rows, so memory
 * does not grow with the file (a set of ten million IDs took 268 MB).
 */
export async function rosterStageDuplicates(db: Kysely<Database>, limit: number): Promise<{ count: number; lines: number[] }> {
  const stage = db.withTables<StageTables>();
  let count = 0;
  let lines: number[] = [];
  for (let part = 0; part < ROSTER_STAGE_PARTS; part++) {
    const later = stage
      .selectFrom(`${stageTable(part)} as a`)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom(`${stageTable(part)} as b`)
            .select('b.line')
            .whereRef('b.id_hash', '=', 'a.id_hash')
            .whereRef('b.line', '<', 'a.line'),
        ),
      );
    const n = await later.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(n.n) === 0) continue;
    count += Number(n.n);
    const first = await later.select('a.line').orderBy('a.line').limit(limit).execute();
    lines = [...lines, ...first.map((r) => Number(r.line))].sort((x, y) => x - y).slice(0, limit);
  }
  return { count, lines };
}

/**
 * Adds roster rows to a staging part (one statement compiled per part and
 * row count): `values` holds `rows` rows of `RosterStageValues`, one after
 * another, all of that part.
 */
export async function stageRoster(db: Kysely<Database>, part: number, values: unknown[], rows: number): Promise<void> {
  if (values.length !== rows * STAGE_COLUMNS) throw new EnrollbotError('internal', `stageRoster: ${values.length} values for ${rows} rows`);
  const stage = db.withTables<StageTables>();
  const dummy: RosterStageTable = { id_hash: '', id_masked: '', contact: '', name_masked: '', phone_masked: '', area_id: 0, kind: 'employer', employer: '', cadre_member_id: 0, cadre_text: '', insured_status: 'active', supported: 0, special_category: '', line: 0 };
  const q = template(
    db,
    `roster-stage:${part}:${rows}`,
    () => stage.insertInto(stageTable(part)).values(Array<RosterStageTable>(rows).fill(dummy)).compile(),
    values.length,
  );
  await db.executeQuery({ ...q, parameters: values });
}

/** Rows a merge writes in its first transaction; then as many as fit `ROSTER_MERGE_SLICE_MS`. */
export const ROSTER_MERGE_SLICE = 1_000;

/**
 * How long each of a merge's transactions aims to hold the write lock: far
 * under the 100 ms a payment may wait, and long enough that the pages every
 * slice touches (the indexes' last pages, their parents) are written to the
 * WAL a few times, not once per thousand rows (fixed slices of 1,000 cost
 * about 1.7 × the CPU time of slices of 5,000: docs/figures.md).
 */
const ROSTER_MERGE_SLICE_MS = 25;
const MIN_SLICE = 100;
const MAX_SLICE = 20_000;

/**
 * Writes the staged roster into `lapse_person` in hash order (the unique
 * index filled left to right), in slices of `slice` rows at first, each its
 * own short transaction, so a payment waits at most one slice for the write
 * lock; each next slice is sized from how long the last one took, so a
 * loaded machine gets smaller ones. Only a real change is written: merging
 * the same rows again changes nothing, so a merge cut short (a crash) is
 * finished by importing the file again. Returns how many persons were added
 * or changed.
 */
export async function mergeRosterStage(db: Kysely<Database>, now: Date, slice = ROSTER_MERGE_SLICE): Promise<number> {
  const stage = db.withTables<StageTables>();
  const at = now.toISOString();
  let changed = 0;
  for (let part = 0; part < ROSTER_STAGE_PARTS; part++) {
    const table = stageTable(part);
    for (let after = ''; ; ) {
      // The slice's last hash, read from the index; none when fewer rows are left.
      const bound = await stage
        .selectFrom(table)
        .select('id_hash')
        .where('id_hash', '>', after)
        .orderBy('id_hash')
        .limit(1)
        .offset(slice - 1)
        .executeTakeFirst();
      const upTo = bound?.id_hash;
      const started = performance.now();
      const result = await db.transaction().execute((tx) =>
        tx
          .withTables<StageTables>()
          .insertInto('lapse_person')
          .columns([
            'id_hash',
            'id_masked',
            'contact',
            'name_masked',
            'phone_masked',
            'area_id',
            'kind',
            'employer',
            'cadre_member_id',
            'cadre_text',
            'insured_status',
            'supported',
            'special_category',
            'created_at',
            'updated_at',
          ])
          .expression((eb) => {
            let rows = eb
              .selectFrom(table)
              .select(['id_hash', 'id_masked', 'contact', 'name_masked', 'phone_masked', 'area_id', 'kind', 'employer', 'cadre_member_id', 'cadre_text'])
              .select(['insured_status', 'supported', 'special_category'])
              .select([sql.val(at).as('created_at'), sql.val(at).as('updated_at')])
              // Also keeps SQLite from reading an upsert's ON CONFLICT as a join's ON.
              .where('id_hash', '>', after);
            if (upTo !== undefined) rows = rows.where('id_hash', '<=', upTo);
            return rows.orderBy('id_hash');
          })
          .onConflict((oc) =>
            oc
              .column('id_hash')
              .doUpdateSet((eb) => ({
                contact: eb.ref('excluded.contact'),
                name_masked: eb.ref('excluded.name_masked'),
                phone_masked: eb.ref('excluded.phone_masked'),
                area_id: eb.ref('excluded.area_id'),
                kind: eb.ref('excluded.kind'),
                employer: eb.ref('excluded.employer'),
                cadre_member_id: eb.ref('excluded.cadre_member_id'),
                cadre_text: eb.ref('excluded.cadre_text'),
                // A roster that does not say a status keeps the one a follow-up recorded (退休, 死亡…).
                insured_status: eb.fn.coalesce(eb.ref('excluded.insured_status'), eb.ref('lapse_person.insured_status')),
                supported: eb.ref('excluded.supported'),
                special_category: eb.ref('excluded.special_category'),
                updated_at: eb.ref('excluded.updated_at'),
              }))
              // Only a real change is written: re-importing a file changes nothing.
              .where((eb) =>
                eb.or([
                  // Sealing is deterministic per person and value: an unchanged name and phone seal alike.
                  eb('lapse_person.contact', 'is distinct from', eb.ref('excluded.contact')),
                  eb('lapse_person.area_id', 'is distinct from', eb.ref('excluded.area_id')),
                  eb('lapse_person.kind', 'is distinct from', eb.ref('excluded.kind')),
                  eb('lapse_person.employer', 'is distinct from', eb.ref('excluded.employer')),
                  eb('lapse_person.cadre_member_id', 'is distinct from', eb.ref('excluded.cadre_member_id')),
                  eb('lapse_person.cadre_text', 'is distinct from', eb.ref('excluded.cadre_text')),
                  eb.and([eb('excluded.insured_status', 'is not', null), eb('lapse_person.insured_status', 'is distinct from', eb.ref('excluded.insured_status'))]),
                  eb('lapse_person.supported', 'is distinct from', eb.ref('excluded.supported')),
                  eb('lapse_person.special_category', 'is distinct from', eb.ref('excluded.special_category')),
                ]),
              ),
          )
          .executeTakeFirst(),
      );
      changed += Number(result.numInsertedOrUpdatedRows ?? 0n);
      if (upTo === undefined) break;
      after = upTo;
      // At most twice the rows each time: one quick slice must not make the next a long one.
      const ms = performance.now() - started;
      slice = Math.round(Math.min(2 * slice, MAX_SLICE, Math.max(MIN_SLICE, (slice * ROSTER_MERGE_SLICE_MS) / Math.max(ms, 1))));
      await yieldWriteLock(db);
    }
  }
  return changed;
}

/**
 * A contributions file's checked rows, staged on the import's own connection
 * (a TEMP table, as the roster's) until the whole file is known good; `seq`
 * keeps the file's order, so a later row for the same person and month wins.
 */
interface ContributionStageTable {
  seq: number;
  id_hash: string;
  id_masked: string;
  month: string;
  amount_fen: number;
}

type ContributionStage = { lapse_contribution_stage: ContributionStageTable };

/** A staged contribution row. */
export interface StagedContribution {
  seq: number;
  idHash: string;
  idMasked: string;
  month: string;
  amountFen: number;
}

/** Creates the contributions staging table on the import's connection (`dropContributionStage` drops it). */
export async function createContributionStage(db: Kysely<Database>): Promise<void> {
  await dropContributionStage(db);
  await db.schema
    .createTable('lapse_contribution_stage')
    .temporary()
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('id_hash', 'text', (c) => c.notNull())
    .addColumn('id_masked', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .execute();
}

export async function dropContributionStage(db: Kysely<Database>): Promise<void> {
  await db.schema.dropTable('lapse_contribution_stage').ifExists().execute();
}

/** Stages rows (one statement compiled per row count). */
export async function stageContributions(db: Kysely<Database>, rows: readonly StagedContribution[]): Promise<void> {
  if (rows.length === 0) return;
  const stage = db.withTables<ContributionStage>();
  const dummy: ContributionStageTable = { seq: 0, id_hash: '', id_masked: '', month: '', amount_fen: 0 };
  const q = template(
    db,
    `contribution-stage:${rows.length}`,
    () => stage.insertInto('lapse_contribution_stage').values(Array<ContributionStageTable>(rows.length).fill(dummy)).compile(),
    rows.length * 5,
  );
  const params: unknown[] = [];
  for (const r of rows) params.push(r.seq, r.idHash, r.idMasked, r.month, r.amountFen);
  await db.executeQuery({ ...q, parameters: params });
}

/** Staged rows after `afterSeq`, at most `limit`, in file order. */
export async function stagedContributions(db: Kysely<Database>, afterSeq: number, limit: number): Promise<StagedContribution[]> {
  const rows = await db
    .withTables<ContributionStage>()
    .selectFrom('lapse_contribution_stage')
    .select(['seq', 'id_hash', 'id_masked', 'month', 'amount_fen'])
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), idHash: r.id_hash, idMasked: r.id_masked, month: r.month, amountFen: Number(r.amount_fen) }));
}

/** The person ids of ID hashes, creating bare persons (not on the roster) for unknown ones. */
export async function personIds(
  db: Kysely<Database>,
  people: { idHash: string; idMasked: string }[],
  now: Date,
): Promise<Map<string, number>> {
  const hashes = [...new Set(people.map((p) => p.idHash))];
  const ids = new Map<string, number>();
  const found = await db.selectFrom('lapse_person').select(['id', 'id_hash']).where('id_hash', 'in', hashes).execute();
  for (const f of found) ids.set(f.id_hash, f.id);
  const missing = people.filter((p) => !ids.has(p.idHash));
  if (missing.length) {
    const at = now.toISOString();
    const seen = new Set<string>();
    const rows = missing
      .filter((p) => !seen.has(p.idHash) && seen.add(p.idHash))
      .map((p) => ({ id_hash: p.idHash, id_masked: p.idMasked, created_at: at, updated_at: at }));
    const created = await db.insertInto('lapse_person').values(rows).returning(['id', 'id_hash']).execute();
    for (const c of created) ids.set(c.id_hash, c.id);
  }
  return ids;
}

/**
 * Inserts or updates contributions (a changed amount replaces the old one)
 * and refreshes the people's latest paid month; returns how many rows added
 * or changed something.
 */
export async function upsertContributions(db: Kysely<Database>, rows: ContributionRow[], now: Date): Promise<number> {
  const at = now.toISOString();
  const q = template(
    db,
    `contribution:${rows.length}`,
    () => contributionUpsert(db, Array(rows.length).fill({ personId: 0, month: '', amountFen: 0 }), at).compile(),
    rows.length * 4,
  );
  const params: unknown[] = [];
  for (const r of rows) params.push(r.personId, r.month, r.amountFen, at);
  const result = await db.executeQuery({ ...q, parameters: params });
  await refreshLastPaid(db, [...new Set(rows.map((r) => r.personId))]);
  return Number(result.numAffectedRows ?? 0n);
}

/** Sets each person's latest paid month from their contributions (all people when `ids` is null). */
export async function refreshLastPaid(db: Kysely<Database>, ids: number[] | null): Promise<void> {
  let q = db.updateTable('lapse_person').set((eb) => ({
    last_paid_month: eb
      .selectFrom('lapse_contribution')
      .select((e) => e.fn.max('lapse_contribution.month').as('m'))
      .whereRef('lapse_contribution.person_id', '=', 'lapse_person.id'),
  }));
  if (ids) q = q.where('id', 'in', ids);
  await q.execute();
}

/** Townships by name, for resolving an import's township column (`null`: the name is ambiguous). */
export async function townshipsByName(db: Kysely<Database>): Promise<Map<string, number | null>> {
  const rows = await db.selectFrom('area').select(['id', 'name']).where('kind', '=', 'township').execute();
  const map = new Map<string, number | null>();
  for (const r of rows) map.set(r.name, map.has(r.name) ? null : r.id);
  return map;
}

/** The member a roster's cadre column names: one linked by `cadre link`, a platform user id, else a unique member name. */
export async function findCadre(db: Kysely<Database>, text: string): Promise<number | null> {
  const linked = await linkedCadre(db, text);
  if (linked !== null) return linked;
  const byId = await db.selectFrom('identity').select('member_id').distinct().where('external_id', '=', text).execute();
  if (byId.length === 1) return byId[0]!.member_id;
  const byName = await db.selectFrom('member').select('id').where('name', '=', text).limit(2).execute();
  return byName.length === 1 ? byName[0]!.id : null;
}

/** Whether any contribution was imported yet: with none, there is nothing to screen. */
export async function hasContributions(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('lapse_contribution').select('person_id').limit(1).executeTakeFirst()) !== undefined;
}

/** The setting that lists the months contributions were imported for (a JSON array, sorted). */
export const CONTRIBUTION_MONTHS = 'lapse.contribution_months';

/**
 * The months any contribution was imported for, oldest first. Kept in a
 * setting by the contributions import, because reading them off the
 * contributions (millions of rows, no index on the month) would scan the
 * table; a database imported before the setting existed fills it once here.
 */
export async function contributionMonths(db: Kysely<Database>): Promise<string[]> {
  const kept = await getSetting(db, CONTRIBUTION_MONTHS);
  if (kept !== undefined) return JSON.parse(kept) as string[];
  const rows = await db.selectFrom('lapse_contribution').select('month').distinct().execute();
  const months = rows.map((r) => r.month).sort();
  if (months.length) await putSetting(db, CONTRIBUTION_MONTHS, JSON.stringify(months));
  return months;
}

/**
 * Adds the months of an import to those on record; call in the import's
 * transaction. `first`: nothing was imported before this file, so its months
 * are all there is (no need to read them back).
 */
export async function recordContributionMonths(db: Kysely<Database>, months: Iterable<string>, first: boolean): Promise<void> {
  const all = new Set([...(first ? [] : await contributionMonths(db)), ...months]);
  await putSetting(db, CONTRIBUTION_MONTHS, JSON.stringify([...all].sort()));
}
