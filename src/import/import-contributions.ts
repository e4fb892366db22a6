/** `import contributions <file>`: monthly contributions by ID number; closes the lapses they end. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { closeCasesWithContributions } from '../store/lapse-cases.ts';
import { hasContributions, personIds, recordContributionMonths, upsertContributions } from '../store/lapse-people.ts';
import { CONTRIBUTION_ROW_WIDTH } from './contribution-check.ts';
import type { ImportReport } from './report.ts';
import { runImport, type ImportOptions } from './run-import.ts';

interface Pending {
  idHash: string;
  idMasked: string;
  month: string;
  amountFen: number;
}

export async function importContributions(path: string, options: ImportOptions): Promise<ImportReport> {
  // The months this file brings, kept on record so that a scan can tell a month never imported.
  const months = new Set<string>();
  let first = false;
  return runImport(
    path,
    { kind: 'contributions', context: { today: options.today } },
    {
      async begin(db) {
        first = !(await hasContributions(db));
      },
      async write(db: Kysely<Database>, values: unknown[], rows: number) {
        const batch: Pending[] = [];
        for (let i = 0; i < rows * CONTRIBUTION_ROW_WIDTH; i += CONTRIBUTION_ROW_WIDTH) {
          batch.push({ idHash: options.hasher.hashId(values[i] as string), idMasked: values[i + 1] as string, month: values[i + 2] as string, amountFen: values[i + 3] as number });
          months.add(values[i + 2] as string);
        }
        const ids = await personIds(db, batch, options.now);
        // A person and month twice in one batch: the later row wins, as it would across batches.
        const upserts = new Map<string, { personId: number; month: string; amountFen: number }>();
        for (const p of batch) {
          const personId = ids.get(p.idHash)!;
          upserts.set(`${personId}:${p.month}`, { personId, month: p.month, amountFen: p.amountFen });
        }
        return upsertContributions(db, [...upserts.values()], options.now);
      },
      async finish(db) {
        await recordContributionMonths(db, months, first);
        return closeCasesWithContributions(db, options.now);
      },
    },
    options,
  );
}
