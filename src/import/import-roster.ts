/** `import roster <file>`: the employee-insurance contributors, by township, with their cadre. */
import { statSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { ContributorKind, Database } from '../db/schema.ts';
import { parseIdNumber, type IdNumberProblem } from '../domain/id-number.ts';
import { maskIdNumber } from '../domain/mask.ts';
import type { PiiHasher } from '../domain/pii-hash.ts';
import { closeCasesWithContributions } from '../store/lapse-cases.ts';
import { findCadre, townshipsByName, upsertRoster, type RosterPerson } from '../store/lapse-people.ts';
import { ROSTER_COLUMNS, type RosterColumn } from './columns.ts';
import { HashSet128 } from './hash-set.ts';
import type { ImportReport, RefusalReason, RefusalTally } from './report.ts';
import { cellText, runImport, type ImportOptions, type RowView } from './run-import.ts';
import type { Cell } from './table-source.ts';

const KINDS: Record<string, ContributorKind> = {
  单位: 'employer',
  单位职工: 'employer',
  单位缴费: 'employer',
  职工: 'employer',
  employer: 'employer',
  灵活就业: 'flexible',
  灵活就业人员: 'flexible',
  个人: 'flexible',
  flexible: 'flexible',
};

const ID_REASONS: Record<IdNumberProblem, RefusalReason> = {
  empty: 'id_empty',
  number_format: 'id_number_format',
  format: 'id_format',
  birth_date: 'id_birth_date',
  check_digit: 'id_check_digit',
};

/** Checks an ID cell: a number stored by a spreadsheet is refused even when its digits are right. */
export function checkIdCell(cell: Cell, today: string): { ok: true; id: string } | { ok: false; reason: RefusalReason } {
  if (typeof cell === 'number') return { ok: false, reason: 'id_number_format' };
  // Exports keep long numbers as text with ="…" or a leading apostrophe: both are text, not numbers.
  const text = cellText(cell).replace(/^=\s*"(.*)"$/, '$1').replace(/^'/, '');
  const r = parseIdNumber(text, today);
  return r.ok ? r : { ok: false, reason: ID_REASONS[r.problem] };
}

/** Phone as digits (a landline keeps its area code); null when absent. */
export function normalizePhone(text: string): string | null | false {
  const t = text.normalize('NFKC').replace(/[\s\-()（）]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  if (!t) return null;
  return /^\d{7,12}$/.test(t) ? t : false;
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
        let ok = true;
        const refuse = (reason: RefusalReason, col: RosterColumn) => {
          tally.add(reason, row.ref(col));
          ok = false;
        };
        const id = checkIdCell(row.get('id_number'), options.today);
        let idHash = '';
        if (!id.ok) refuse(id.reason, 'id_number');
        else {
          idHash = hasher.hashId(id.id);
          if (!seen.add(idHash)) refuse('id_duplicate', 'id_number');
        }
        const name = cellText(row.get('name'));
        if (!name) refuse('name_missing', 'name');
        const townshipName = cellText(row.get('township'));
        const areaId = townships.get(townshipName);
        if (!townshipName) refuse('township_missing', 'township');
        else if (areaId === undefined) refuse('township_unknown', 'township');
        else if (areaId === null) refuse('township_ambiguous', 'township');
        const kind = KINDS[cellText(row.get('kind')).toLowerCase()];
        if (!kind) refuse('kind_invalid', 'kind');
        const phone = normalizePhone(cellText(row.get('phone')));
        if (phone === false) refuse('phone_invalid', 'phone');
        if (!ok || !id.ok) return null;
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
      async write(db: Kysely<Database>, batch: RosterPerson[]) {
        for (const p of batch) {
          if (!p.cadreText) continue;
          let m = cadres.get(p.cadreText);
          if (m === undefined) cadres.set(p.cadreText, (m = await findCadre(db, p.cadreText)));
          p.cadreMemberId = m;
        }
        return upsertRoster(db, batch, options.now);
      },
      finish: (db) => closeCasesWithContributions(db, options.now),
    },
    options,
  );
}
