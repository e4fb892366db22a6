/** `import roster <file>`: the employee-insurance contributors, by township, with their cadre. */
import { statSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { ContributorKind, Database } from '../db/schema.ts';
import { parseIdNumber, type IdNumberProblem } from '../domain/id-number.ts';
import { maskIdNumber } from '../domain/mask.ts';
import type { PiiHasher } from '../domain/pii-hash.ts';
import { closeCasesWithContributions } from '../store/lapse-cases.ts';
import { createRosterStage, findCadre, mergeRosterStage, stageRoster, townshipsByName, type RosterPerson } from '../store/lapse-people.ts';
import { ROSTER_COLUMNS, type RosterColumn } from './columns.ts';
import { HashSet128 } from './hash-set.ts';
import type { ImportReport, RefusalReason, RefusalTally } from './report.ts';
import { cellText, runImport, type ImportOptions, type RowView } from './run-import.ts';
import type { Cell } from './table-source.ts';

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

function refuseCell<K extends string>(tally: RefusalTally, row: RowView<K>, reason: RefusalReason, col: K): void {
  tally.add(reason, row.ref(col));
}

export async function importRoster(path: string, options: ImportOptions): Promise<ImportReport> {
  const townships = await townshipsByName(options.db);
  // A roster row takes about 100 bytes of CSV: size the duplicate check for the file up front.
  const seen = new HashSet128(path.toLowerCase().endsWith('.csv') ? Math.ceil(statSync(path).size / 100) : 0);
  const cadres = new Map<string, number | null>();
  const hasher: PiiHasher = options.hasher;
  return runImport<RosterColumn, RosterPerson>(
    path,
    {
      kind: 'roster',
      columns: ROSTER_COLUMNS,
      check(row: RowView<RosterColumn>, tally: RefusalTally) {
        // No closure per row: a million rows would make a million.
        const before = tally.total;
        const id = checkIdCell(row.get('id_number'), options.today);
        let idHash = '';
        if (!id.ok) refuseCell(tally, row, id.reason, 'id_number');
        else {
          idHash = hasher.hashId(id.id);
          if (!seen.add(idHash)) refuseCell(tally, row, 'id_duplicate', 'id_number');
        }
        const name = cellText(row.get('name'));
        if (!name) refuseCell(tally, row, 'name_missing', 'name');
        const townshipName = cellText(row.get('township'));
        const areaId = townships.get(townshipName);
        if (!townshipName) refuseCell(tally, row, 'township_missing', 'township');
        else if (areaId === undefined) refuseCell(tally, row, 'township_unknown', 'township');
        else if (areaId === null) refuseCell(tally, row, 'township_ambiguous', 'township');
        const kind = KINDS.get(cellText(row.get('kind')).toLowerCase());
        if (!kind) refuseCell(tally, row, 'kind_invalid', 'kind');
        const phone = normalizePhone(cellText(row.get('phone')));
        if (phone === false) refuseCell(tally, row, 'phone_invalid', 'phone');
        if (tally.total !== before || !id.ok) return null;
        return {
          idHash,
          idMasked: maskIdNumber(id.id),
          name,
          phone: phone || null,
          areaId: areaId!,
          kind: kind!,
          employer: cellText(row.get('employer')) || null,
          cadreMemberId: null,
          cadreText: cellText(row.get('cadre')) || null,
        };
      },
      begin: (db) => createRosterStage(db),
      async write(db: Kysely<Database>, batch: RosterPerson[]) {
        for (const p of batch) {
          if (!p.cadreText) continue;
          let m = cadres.get(p.cadreText);
          if (m === undefined) cadres.set(p.cadreText, (m = await findCadre(db, p.cadreText)));
          p.cadreMemberId = m;
        }
        await stageRoster(db, batch);
        return 0; // counted by the merge
      },
      merge: (db) => mergeRosterStage(db, options.now),
      finish: (db) => closeCasesWithContributions(db, options.now),
    },
    options,
  );
}
