/** Checking contribution rows: pure, so it runs in the import's checking thread. */
import { maskIdNumber } from '../domain/mask.ts';
import { parseAmount } from '../domain/money.ts';
import { parseMonth } from '../domain/months.ts';
import { cellText, type RowChecker } from './check-table.ts';
import { CONTRIBUTION_COLUMNS, type ContributionColumn } from './columns.ts';
import type { RefusalReason } from '../domain/import-reasons.ts';
import { checkIdCell } from './roster-check.ts';
import type { Cell } from './table-source.ts';

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

/** What checking contributions needs from the importing thread. */
export interface ContributionCheckContext {
  /** The business date (birth dates after it are refused). */
  today: string;
}

/** Values per accepted contribution row: ID number (the importing thread hashes it), masked ID, month, amount in fen. */
export const CONTRIBUTION_ROW_WIDTH = 4;

/** The contributions' checks; an accepted row adds `CONTRIBUTION_ROW_WIDTH` values. */
export function contributionChecker(ctx: ContributionCheckContext): RowChecker<ContributionColumn> {
  return {
    columns: CONTRIBUTION_COLUMNS,
    check(row, tally, out) {
      let ok = true;
      const id = checkIdCell(row.get('id_number'), ctx.today);
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
      if (!ok || !id.ok || !amount.ok) return false;
      out.push(id.id, maskIdNumber(id.id), month, amount.fen);
      return true;
    },
  };
}
