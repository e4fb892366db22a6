/**
 * Checking the rows of a named list (`import special`, `import unpaid`):
 * pure, so it runs in the import's checking thread.
 */
import { maskIdNumber, maskName, maskPhone, redact } from '../domain/mask.ts';
import { hasControlCharacter } from '../domain/control-characters.ts';
import { cellText, type RowChecker, type RowView } from './check-table.ts';
import { NAMED_COLUMNS, type NamedColumn } from './columns.ts';
import { IdNumberSet } from './id-set.ts';
import { CONTROL_REFUSAL, type RefusalTally } from './report.ts';
import type { RefusalReason } from '../domain/import-reasons.ts';
import { checkIdCell, normalizePhone } from './roster-check.ts';

/** What checking a named list needs from the importing thread (copied to the checking thread). */
export interface NamedCheckContext {
  list: 'special' | 'unpaid';
  today: string;
  townships: [string, number | null][];
}

const PAID = new Set(['已参保', '已缴费', '已缴', '是', 'y', 'yes', '1', 'paid']);
const UNPAID = new Set(['未参保', '未缴费', '未缴', '否', 'n', 'no', '0', 'unpaid']);

/** A paid-status cell: true, false, null when empty, or 'bad'. */
function paidOf(text: string): boolean | null | 'bad' {
  if (!text) return null;
  const t = text.toLowerCase();
  return PAID.has(t) ? true : UNPAID.has(t) ? false : 'bad';
}

/**
 * Values per accepted row (`NamedRowValues`): the ID, its masked form, name
 * and phone in clear (sealed by the importing thread), their masked forms,
 * township, village, category, cadre cell and paid status.
 */
export const NAMED_ROW_WIDTH: NamedRowValues['length'] = 11;

type NamedRowValues = [
  id: string,
  idMasked: string,
  name: string,
  phone: string | null,
  nameMasked: string,
  phoneMasked: string | null,
  areaId: number,
  village: string | null,
  category: string | null,
  cadreText: string | null,
  paid: boolean | null,
];

export function namedChecker(ctx: NamedCheckContext): RowChecker<NamedColumn> {
  const townships = new Map(ctx.townships);
  const seen = new IdNumberSet(1024);
  const refuse = (tally: RefusalTally, row: RowView<NamedColumn>, reason: RefusalReason, col: NamedColumn) => tally.add(reason, row.ref(col));
  return {
    columns: NAMED_COLUMNS,
    check(row, tally, out) {
      const before = tally.total;
      const id = checkIdCell(row.get('id_number'), ctx.today);
      if (!id.ok) refuse(tally, row, id.reason, 'id_number');
      else if (!seen.add(id.id)) refuse(tally, row, 'id_duplicate', 'id_number');
      const name = cellText(row.get('name'));
      if (!name) refuse(tally, row, 'name_missing', 'name');
      const townshipName = cellText(row.get('township'));
      const areaId = townships.get(townshipName);
      if (!townshipName) refuse(tally, row, 'township_missing', 'township');
      else if (areaId === undefined) refuse(tally, row, 'township_unknown', 'township');
      else if (areaId === null) refuse(tally, row, 'township_ambiguous', 'township');
      const category = cellText(row.get('category'));
      // A special-group list is about the groups: each person says which.
      if (ctx.list === 'special' && !category) refuse(tally, row, 'category_missing', 'category');
      const phone = normalizePhone(cellText(row.get('phone')));
      if (phone === false) refuse(tally, row, 'phone_invalid', 'phone');
      // The unpaid list names only the unpaid: a status column there says nothing new.
      const paid = ctx.list === 'special' ? paidOf(cellText(row.get('paid'))) : false;
      if (paid === 'bad') refuse(tally, row, 'paid_invalid', 'paid');
      const village = cellText(row.get('village'));
      const cadre = cellText(row.get('cadre'));
      for (const [col, text] of [['name', name], ['village', village], ['category', category], ['cadre', cadre]] as const) {
        if (hasControlCharacter(text)) tally.add(CONTROL_REFUSAL, row.ref(col));
      }
      if (tally.total !== before || !id.ok) return false;
      out.push(
        id.id,
        maskIdNumber(id.id),
        name,
        phone || null,
        maskName(name),
        phone ? maskPhone(phone) : null,
        areaId!,
        village ? redact(village) : null,
        category ? redact(category) : null,
        cadre || null,
        paid,
      );
      return true;
    },
  };
}
