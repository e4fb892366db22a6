/** `import contributions <file>`: monthly contributions by ID number; closes the lapses they end. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { parseAmount } from '../domain/money.ts';
import { maskIdNumber } from '../domain/mask.ts';
import { parseMonth } from '../domain/months.ts';
import { closeCasesWithContributions } from '../store/lapse-cases.ts';
import { personIds, upsertContributions } from '../store/lapse-people.ts';
import { CONTRIBUTION_COLUMNS, type ContributionColumn } from './columns.ts';
import { checkIdCell } from './import-roster.ts';
import type { ImportReport, RefusalReason, RefusalTally } from './report.ts';
import { cellText, runImport, type ImportOptions, type RowView } from './run-import.ts';
import type { Cell } from './table-source.ts';

interface Pending {
  idHash: string;
  idMasked: string;
  month: string;
  amountFen: number;
}

/** A month cell: text in the usual forms, a sheet date, or a number like 202510. */
export function monthOfCell(cell: Cell): string | null {
  if (cell instanceof Date) return parseMonth(`${cell.getUTCFullYear()}-${cell.getUTCMonth() + 1}`);
  return parseMonth(cellText(cell));
}

/** An amount cell in 元 to fen; text goes through the same parser as chat amounts. */
export function amountOfCell(cell: Cell): { ok: true; fen: number } | { ok: false; reason: RefusalReason } {
  const text = typeof cell === 'number' ? String(cell) : cellText(cell);
  const r = parseAmount(text.normalize('NFKC'));
  if (r.ok) return r.fen > 0 ? r : { ok: false, reason: 'amount_invalid' };
  return { ok: false, reason: r.problem === 'negative' ? 'amount_negative' : 'amount_invalid' };
}

export async function importContributions(path: string, options: ImportOptions): Promise<ImportReport> {
  return runImport<ContributionColumn, Pending>(
    path,
    {
      kind: 'contributions',
      columns: CONTRIBUTION_COLUMNS,
      check(row: RowView<ContributionColumn>, tally: RefusalTally) {
        let ok = true;
        const id = checkIdCell(row.get('id_number'), options.today);
        if (!id.ok) {
          tally.add(id.reason, row.ref('id_number'));
          ok = false;
        }
        const month = monthOfCell(row.get('month'));
        if (!month) {
          tally.add('month_invalid', row.ref('month'));
          ok = false;
        }
        const amount = amountOfCell(row.get('amount'));
        if (!amount.ok) {
          tally.add(amount.reason, row.ref('amount'));
          ok = false;
        }
        if (!ok || !id.ok || !amount.ok) return null;
        return { idHash: options.hasher.hashId(id.id), idMasked: maskIdNumber(id.id), month: month!, amountFen: amount.fen };
      },
      async write(db: Kysely<Database>, batch: Pending[]) {
        const ids = await personIds(db, batch, options.now);
        // A person and month twice in one batch: the later row wins, as it would across batches.
        const rows = new Map<string, { personId: number; month: string; amountFen: number }>();
        for (const p of batch) {
          const personId = ids.get(p.idHash)!;
          rows.set(`${personId}:${p.month}`, { personId, month: p.month, amountFen: p.amountFen });
        }
        return upsertContributions(db, [...rows.values()], options.now);
      },
      finish: (db) => closeCasesWithContributions(db, options.now),
    },
    options,
  );
}
