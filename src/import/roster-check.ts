/** Checking roster rows (and the ID cells every import has): pure, so it runs in the import's checking thread. */
import type { ContributorKind, InsuredStatus } from '../db/schema.ts';
import { parseIdNumber, type IdNumberProblem } from '../domain/id-number.ts';
import { maskIdNumber, maskName, maskPhone, redact } from '../domain/mask.ts';
import { cellText, type RowChecker, type RowView } from './check-table.ts';
import { ROSTER_COLUMNS, type RosterColumn } from './columns.ts';
import { CONTROL_REFUSAL, type RefusalTally } from './report.ts';
import type { RefusalReason } from '../domain/import-reasons.ts';
import { hasControlCharacter } from '../domain/control-characters.ts';
import type { Cell } from './table-source.ts';
import { piiHasher } from '../domain/pii-hash.ts';

// A Map, not an object: a cell reading `constructor` must not pass as a kind.
const KINDS = new Map<string, ContributorKind>(Object.entries({
  单位: 'employer',
  单位职工: 'employer',
  单位缴费: 'employer',
  职工: 'employer',
  employer: 'employer',
  灵活就业: 'flexible',
  灵活就业人员: 'flexible',
  个人: 'flexible',
  flexible: 'flexible',
}) as [string, ContributorKind][]);

// 参保状态 as exports write it.
const STATUSES = new Map<string, InsuredStatus>(Object.entries({
  在职: 'active',
  在职职工: 'active',
  参保缴费: 'active',
  正常参保: 'active',
  正常缴费: 'active',
  active: 'active',
  退休: 'retired',
  退休人员: 'retired',
  retired: 'retired',
  灵活就业: 'flexible',
  灵活就业人员: 'flexible',
  flexible: 'flexible',
  转居民医保: 'resident',
  居民医保: 'resident',
  resident: 'resident',
  已在外地参保: 'elsewhere',
  外地参保: 'elsewhere',
  异地参保: 'elsewhere',
  elsewhere: 'elsewhere',
  死亡: 'deceased',
  已故: 'deceased',
  deceased: 'deceased',
}) as [string, InsuredStatus][]);

/** A 参保状态 cell: null when empty, false when unreadable. */
export function insuredStatus(text: string): InsuredStatus | null | false {
  if (!text) return null;
  return STATUSES.get(text.toLowerCase()) ?? false;
}

const YES = new Set(['是', 'y', 'yes', '1', '√', 'true', '帮扶对象']);
const NO = new Set(['', '否', 'n', 'no', '0', '×', 'false']);

/** A yes/no cell (帮扶对象): 1, 0, or false when unreadable. */
export function yesNo(text: string): 0 | 1 | false {
  const t = text.toLowerCase();
  return YES.has(t) ? 1 : NO.has(t) ? 0 : false;
}

const ID_REASONS: Record<IdNumberProblem, RefusalReason> = {
  empty: 'id_empty',
  number_format: 'id_number_format',
  format: 'id_format',
  birth_date: 'id_birth_date',
  check_digit: 'id_check_digit',
};

const ID_SHAPE = /^[1-9]\d{16}[\dX]$/;

/** Checks an ID cell: a number stored by a spreadsheet is refused even when its digits are right. */
export function checkIdCell(cell: Cell, today: string): { ok: true; id: string } | { ok: false; reason: RefusalReason } {
  if (typeof cell === 'number') return { ok: false, reason: 'id_number_format' };
  if (typeof cell === 'string' && ID_SHAPE.test(cell)) {
    // The common case, a clean ID as text: skip the unwrapping below.
    const r = parseIdNumber(cell, today);
    return r.ok ? r : { ok: false, reason: ID_REASONS[r.problem] };
  }
  // Exports keep long numbers as text with ="…" or a leading apostrophe: both are text, not numbers.
  const text = cellText(cell).replace(/^=\s*"(.*)"$/, '$1').replace(/^'/, '');
  const r = parseIdNumber(text, today);
  return r.ok ? r : { ok: false, reason: ID_REASONS[r.problem] };
}

const PHONE = /^\d{7,12}$/;

/** Phone as digits (a landline keeps its area code); null when absent. */
export function normalizePhone(text: string): string | null | false {
  if (PHONE.test(text)) return text; // already clean: most rows
  const t = text.normalize('NFKC').replace(/[\s\-()（）]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  if (!t) return null;
  return /^\d{7,12}$/.test(t) ? t : false;
}

/** What checking a roster needs from the importing thread (all of it can be copied to another thread). */
export interface RosterCheckContext {
  /** The business date (birth dates after it are refused). */
  today: string;
  /** Townships by name (`null`: the name is ambiguous). */
  townships: [string, number | null][];
  /** The ID hash's key (`piiHasher`'s, copied): IDs leave this thread only hashed. Never logged, never in a message. */
  idKey: Uint8Array;
}

/**
 * Values per row as `check` adds them (`RosterRowValues`): the ID (its hash
 * once the batch is done), its masked form, name and phone in clear, their
 * masked forms, township, kind, employer (redacted: free text), the cadre's
 * member id (left null), the cadre cell and the line. The sealing thread
 * then makes them `ROSTER_CHECKED_WIDTH` values a row (`RosterCheckedValues`).
 */
export const ROSTER_ROW_WIDTH: RosterRowValues['length'] = 15;

/** An accepted roster row as `check` adds it (the ID hashed before the batch leaves the thread), before it is sealed. */
type RosterRowValues = [
  idOrHash: string,
  idMasked: string,
  name: string,
  phone: string | null,
  nameMasked: string,
  phoneMasked: string | null,
  areaId: number,
  kind: ContributorKind,
  employer: string | null,
  cadreMemberId: null,
  cadreText: string | null,
  insuredStatus: InsuredStatus | null,
  supported: 0 | 1,
  specialCategory: string | null,
  line: number,
];

/**
 * An accepted roster row as the checking thread posts it: the staging
 * table's columns in order (`RosterStageValues` in the store), but for the
 * cadre, which the importing thread looks up (it needs the database) and
 * then masks: the ID's hash, its masked form, name and phone sealed
 * together, their masked forms, township, kind, employer, the cadre's
 * member id (null), the cadre cell as written, 参保状态, 帮扶对象, special
 * category, line.
 */
export type RosterCheckedValues = [
  idHash: string,
  idMasked: string,
  contact: string,
  nameMasked: string,
  phoneMasked: string | null,
  areaId: number,
  kind: ContributorKind,
  employer: string | null,
  cadreMemberId: null,
  cadreText: string | null,
  insuredStatus: InsuredStatus | null,
  supported: 0 | 1,
  specialCategory: string | null,
  line: number,
];

/** Values per posted roster row (`RosterCheckedValues`). */
export const ROSTER_CHECKED_WIDTH: RosterCheckedValues['length'] = 14;

/**
 * The roster's checks. An accepted row adds its `RosterRowValues`; each
 * batch then has its IDs hashed here and its names and phones sealed on a
 * thread of its own (`rosterSealer`): the two threads about as busy, and the
 * importing thread's time goes to the database alone.
 */
export function rosterChecker(ctx: RosterCheckContext): RowChecker<RosterColumn> {
  const townships = new Map(ctx.townships);
  const hasher = piiHasher(ctx.idKey);
  const width = ROSTER_ROW_WIDTH;

  const refuse = (tally: RefusalTally, row: RowView<RosterColumn>, reason: RefusalReason, col: RosterColumn) => tally.add(reason, row.ref(col));
  return {
    columns: ROSTER_COLUMNS,
    // An ID twice in the file is found by the importing thread in what it
    // staged (memory here stays the same for ten million rows as for one):
    // it must get every accepted line, also after a refusal.
    sendsAfterRefusal: true,
    check(row, tally, out) {
      // No closure per row: a million rows would make a million.
      const before = tally.total;
      const id = checkIdCell(row.get('id_number'), ctx.today);
      if (!id.ok) refuse(tally, row, id.reason, 'id_number');
      const name = cellText(row.get('name'));
      if (!name) refuse(tally, row, 'name_missing', 'name');
      const townshipName = cellText(row.get('township'));
      const areaId = townships.get(townshipName);
      if (!townshipName) refuse(tally, row, 'township_missing', 'township');
      else if (areaId === undefined) refuse(tally, row, 'township_unknown', 'township');
      else if (areaId === null) refuse(tally, row, 'township_ambiguous', 'township');
      const kind = KINDS.get(cellText(row.get('kind')).toLowerCase());
      if (!kind) refuse(tally, row, 'kind_invalid', 'kind');
      const phone = normalizePhone(cellText(row.get('phone')));
      if (phone === false) refuse(tally, row, 'phone_invalid', 'phone');
      const employer = cellText(row.get('employer'));
      const cadre = cellText(row.get('cadre'));
      const status = insuredStatus(cellText(row.get('status')));
      if (status === false) refuse(tally, row, 'status_invalid', 'status');
      const supported = yesNo(cellText(row.get('supported')));
      if (supported === false) refuse(tally, row, 'supported_invalid', 'supported');
      const category = cellText(row.get('category'));
      if (hasControlCharacter(category)) tally.add(CONTROL_REFUSAL, row.ref('category'));
      // A NUL in a name is invisible yet makes it another name; one in any text cell is a broken export.
      if (hasControlCharacter(name)) tally.add(CONTROL_REFUSAL, row.ref('name'));
      if (hasControlCharacter(employer)) tally.add(CONTROL_REFUSAL, row.ref('employer'));
      if (hasControlCharacter(cadre)) tally.add(CONTROL_REFUSAL, row.ref('cadre'));
      if (tally.total !== before || !id.ok) return false;
      // `RosterRowValues`, pushed one by one: no array per row.
      // Free-text cells may hold an ID or a phone typed by someone: kept masked.
      out.push(
        id.id,
        maskIdNumber(id.id),
        name,
        phone || null,
        maskName(name),
        phone ? maskPhone(phone) : null,
        areaId!,
        kind!,
        employer ? redact(employer) : null,
        null,
        cadre || null,
        status || null,
        supported || 0,
        category ? redact(category) : null,
        row.line,
      );
      return true;
    },
    finishBatch(values, rows) {
      for (let r = 0, i = 0; r < rows; r++, i += width) values[i] = hasher.hashId(values[i] as string);
      return values;
    },
  };
}
