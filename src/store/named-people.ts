/**
 * The campaign's named lists (special groups, 包户到人 unpaid residents) and
 * the cadre work around every list of people: linking a list's cadre name to
 * a chat user, assigning one case, counting a cadre's phone look-ups, and
 * the township figures progress and the board show.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, NamedList } from '../db/schema.ts';
import { getSetting, putSetting } from './settings.ts';

/** A checked list row ready to write: the ID only hashed and masked, name and phone only sealed and masked. */
export interface NamedRow {
  idHash: string;
  idMasked: string;
  contact: string;
  nameMasked: string;
  phoneMasked: string | null;
  areaId: number;
  village: string | null;
  category: string | null;
  cadreMemberId: number | null;
  cadreText: string | null;
  /** From the file's status column: true paid, false unpaid, null not said. */
  paid: boolean | null;
}

/** Writes a batch of one list's rows (insert, or update by ID hash); returns how many rows were written. */
export async function upsertNamed(db: Kysely<Database>, input: { list: NamedList; campaignId: number; rows: readonly NamedRow[]; now: Date }): Promise<number> {
  if (input.rows.length === 0) return 0;
  const at = input.now.toISOString();
  const result = await db
    .insertInto('named_person')
    .values(
      input.rows.map((r) => ({
        list: input.list,
        campaign_id: input.campaignId,
        id_hash: r.idHash,
        id_masked: r.idMasked,
        contact: r.contact,
        name_masked: r.nameMasked,
        phone_masked: r.phoneMasked,
        area_id: r.areaId,
        village: r.village,
        category: r.category,
        cadre_member_id: r.cadreMemberId,
        cadre_text: r.cadreText,
        // The unpaid list names only the unpaid; a special-group row without a status is unpaid until shown paid.
        paid: r.paid === true ? 1 : 0,
        listed: 1,
        seen_at: at,
        created_at: at,
        updated_at: at,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'list', 'id_hash']).doUpdateSet((eb) => ({
        contact: eb.ref('excluded.contact'),
        name_masked: eb.ref('excluded.name_masked'),
        phone_masked: eb.ref('excluded.phone_masked'),
        area_id: eb.ref('excluded.area_id'),
        village: eb.ref('excluded.village'),
        category: eb.ref('excluded.category'),
        // A file without a cadre for someone keeps the cadre assigned in chat (`assign`).
        cadre_member_id: eb.case().when(eb.ref('excluded.cadre_text'), 'is', null).then(eb.ref('named_person.cadre_member_id')).else(eb.ref('excluded.cadre_member_id')).end(),
        cadre_text: eb.fn.coalesce(eb.ref('excluded.cadre_text'), eb.ref('named_person.cadre_text')),
        // A file without a status keeps what is known; one with a status says it.
        ...(input.rows[0]!.paid === null ? {} : { paid: eb.ref('excluded.paid') }),
        listed: 1,
        seen_at: eb.ref('excluded.seen_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/**
 * After a list import: who the file no longer names, in the townships it
 * covers, has left the list: an unpaid resident has paid, a special-group
 * person is no longer in the group. Then every unpaid listed person without
 * a case gets one, and the cases of those now paid or off the list close.
 */
export async function settleNamedList(
  db: Kysely<Database>,
  input: { list: NamedList; campaignId: number; areaIds: readonly number[]; now: Date },
): Promise<{ opened: number; closed: number }> {
  const at = input.now.toISOString();
  const { list, campaignId } = input;
  if (input.areaIds.length) {
    const left = db
      .updateTable('named_person')
      .where('campaign_id', '=', campaignId)
      .where('list', '=', list)
      .where('area_id', 'in', [...input.areaIds])
      .where('seen_at', '<>', at);
    await (list === 'unpaid' ? left.set({ paid: 1, updated_at: at }) : left.set({ listed: 0, updated_at: at })).execute();
  }
  // Cases hang on a person of the lapse tables: a list person not on the roster is added bare (never screened).
  await db
    .insertInto('lapse_person')
    .columns(['id_hash', 'id_masked', 'created_at', 'updated_at'])
    .expression((eb) =>
      eb
        .selectFrom('named_person as n')
        .select(['n.id_hash', 'n.id_masked', sql.val(at).as('created_at'), sql.val(at).as('updated_at')])
        .where('n.campaign_id', '=', campaignId)
        .where('n.list', '=', list)
        .where((w) => w.not(w.exists(w.selectFrom('lapse_person as p').select('p.id').whereRef('p.id_hash', '=', 'n.id_hash')))),
    )
    .onConflict((oc) => oc.column('id_hash').doNothing())
    .execute();
  const key = namedCaseKey(list, campaignId);
  const opened = await db
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
      'kind',
      'named_id',
    ])
    .expression((eb) =>
      eb
        .selectFrom('named_person as n')
        .innerJoin('lapse_person as p', 'p.id_hash', 'n.id_hash')
        .select((s) => [
          'p.id',
          'n.area_id',
          s.val('').as('last_paid_month'),
          s.val(key).as('first_missing_month'),
          s.val(0).as('months_lapsed'),
          s.val(1).as('stage'),
          // Never a month: a named case must not move the lapse scans' latest month.
          s.val(NAMED_SCAN_MONTH).as('scan_month'),
          s.val('open').as('status'),
          s.val(at).as('opened_at'),
          s.val(at).as('updated_at'),
          s.val(list).as('kind'),
          'n.id',
        ])
        .where('n.campaign_id', '=', campaignId)
        .where('n.list', '=', list)
        .where('n.paid', '=', 0)
        .where('n.listed', '=', 1)
        .where((w) => w.not(w.exists(w.selectFrom('lapse_case as c').select('c.id').whereRef('c.person_id', '=', 'p.id').where('c.first_missing_month', '=', key))))
        // Case numbers in list order, on every database.
        .orderBy('n.id'),
    )
    .executeTakeFirst();
  const closed = await db
    .updateTable('lapse_case')
    .set((eb) => ({
      status: 'closed',
      close_reason: eb
        .case()
        .when(eb.selectFrom('named_person').select('named_person.paid').whereRef('named_person.id', '=', 'lapse_case.named_id'), '=', 1)
        .then('paid_official')
        .else('off_list')
        .end(),
      closed_at: at,
      updated_at: at,
      paused_until: null,
    }))
    .where('status', '=', 'open')
    .where('kind', '=', list)
    .where('named_id', 'in', (eb) =>
      eb
        .selectFrom('named_person')
        .select('named_person.id')
        .where('named_person.campaign_id', '=', campaignId)
        .where('named_person.list', '=', list)
        .where((w) => w.or([w('named_person.paid', '=', 1), w('named_person.listed', '=', 0)])),
    )
    .executeTakeFirst();
  // A case also follows its person to another township, as a lapse does.
  await db
    .updateTable('lapse_case')
    .set((eb) => ({ area_id: eb.selectFrom('named_person').select('named_person.area_id').whereRef('named_person.id', '=', 'lapse_case.named_id') }))
    .where('status', '=', 'open')
    .where('kind', '=', list)
    .execute();
  return { opened: Number(opened.numInsertedOrUpdatedRows ?? 0n), closed: Number(closed.numUpdatedRows) };
}

/** What a named case's `scan_month` holds: sorts before every month. */
export const NAMED_SCAN_MONTH = '0000-00';

/** A named case's lapse key (`first_missing_month`): one case per person, list and campaign. */
export function namedCaseKey(list: NamedList, campaignId: number): string {
  return `${list}:${campaignId}`;
}

/** The setting that remembers which chat member a list's cadre name stands for. */
function linkKey(name: string): string {
  return `cadre.link:${name}`;
}

/** The member linked to a list's cadre name by `cadre link`, if any. */
export async function linkedCadre(db: Kysely<Database>, name: string): Promise<number | null> {
  const v = await getSetting(db, linkKey(name));
  return v === undefined ? null : Number(v);
}

/**
 * Links a cadre name as the roster and the lists write it to a member: every
 * person with that cadre gets the member, and later imports keep matching
 * the name. Returns how many people, and their townships.
 */
export async function linkCadre(db: Kysely<Database>, input: { name: string; memberId: number; campaignId: number; now: Date }): Promise<{ people: number; areaIds: number[] }> {
  const at = input.now.toISOString();
  await putSetting(db, linkKey(input.name), String(input.memberId));
  const onRoster = await db
    .updateTable('lapse_person')
    .set({ cadre_member_id: input.memberId, updated_at: at })
    .where('cadre_text', '=', input.name)
    .executeTakeFirst();
  const onLists = await db
    .updateTable('named_person')
    .set({ cadre_member_id: input.memberId, updated_at: at })
    .where('cadre_text', '=', input.name)
    .where('campaign_id', '=', input.campaignId)
    .executeTakeFirst();
  const areas = await db
    .selectFrom('lapse_person')
    .select('area_id')
    .distinct()
    .where('cadre_text', '=', input.name)
    .where('area_id', 'is not', null)
    .union(db.selectFrom('named_person').select('area_id').distinct().where('cadre_text', '=', input.name).where('campaign_id', '=', input.campaignId))
    .execute();
  return { people: Number(onRoster.numUpdatedRows) + Number(onLists.numUpdatedRows), areaIds: [...new Set(areas.map((a) => a.area_id!))].sort((a, b) => a - b) };
}

/** Assigns one case's person to a cadre (the list entry of a named case, the roster person of a lapse). */
export async function assignCase(db: Kysely<Database>, input: { caseId: number; memberId: number; now: Date }): Promise<void> {
  const at = input.now.toISOString();
  const c = await db.selectFrom('lapse_case').select(['person_id', 'named_id']).where('id', '=', input.caseId).executeTakeFirstOrThrow();
  if (c.named_id !== null) await db.updateTable('named_person').set({ cadre_member_id: input.memberId, updated_at: at }).where('id', '=', c.named_id).execute();
  else await db.updateTable('lapse_person').set({ cadre_member_id: input.memberId, updated_at: at }).where('id', '=', c.person_id).execute();
}

/** How many full phones a member looked up since `since` (the audit log is the record). */
export async function callsSince(db: Kysely<Database>, memberId: number, since: Date): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'lapse.call')
    .where('member_id', '=', memberId)
    .where('at', '>=', since.toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A township's special-group figures: listed people (应参保) and those paid (已参保). */
export interface SpecialFigures {
  areaId: number;
  areaName: string;
  due: number;
  paid: number;
}

/** Special-group figures per township under an area path (townships with a list only). */
export async function specialFigures(db: Kysely<Database>, input: { campaignId: number; underPath: string }): Promise<SpecialFigures[]> {
  const rows = await db
    .selectFrom('named_person as n')
    .innerJoin('area as a', 'a.id', 'n.area_id')
    .select((eb) => ['a.id', 'a.name', eb.fn.countAll<number>().as('due'), eb.fn.sum<number>('n.paid').as('paid')])
    .where('n.campaign_id', '=', input.campaignId)
    .where('n.list', '=', 'special')
    .where('n.listed', '=', 1)
    .where('a.path', 'like', `${input.underPath}%`)
    .groupBy(['a.id', 'a.name'])
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({ areaId: r.id, areaName: r.name, due: Number(r.due), paid: Number(r.paid ?? 0) }));
}

/** Who holds a township's named unpaid residents still unpaid: per cadre (null: unassigned), most first. */
export async function unpaidHolders(db: Kysely<Database>, input: { campaignId: number; areaId: number }): Promise<{ name: string | null; count: number }[]> {
  const rows = await db
    .selectFrom('named_person as n')
    .leftJoin('member as m', 'm.id', 'n.cadre_member_id')
    .select((eb) => [eb.fn.coalesce('m.name', 'n.cadre_text').as('name'), eb.fn.countAll<number>().as('n')])
    .where('n.campaign_id', '=', input.campaignId)
    .where('n.list', '=', 'unpaid')
    .where('n.paid', '=', 0)
    .where('n.area_id', '=', input.areaId)
    .groupBy([(eb) => eb.fn.coalesce('m.name', 'n.cadre_text')])
    .execute();
  return rows
    .map((r) => ({ name: r.name, count: Number(r.n) }))
    .sort((a, b) => b.count - a.count || (a.name === null ? 1 : b.name === null ? -1 : a.name.localeCompare(b.name)));
}
