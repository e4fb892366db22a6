/** `import contributions <file>`: monthly contributions by ID number; closes the lapses they end. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { yieldWriteLock } from '../db/sqlite-lock-wait.ts';
import { closeCasesInSlices } from '../store/lapse-cases.ts';
import {
  createContributionStage,
  dropContributionStage,
  hasContributions,
  personIds,
  recordContributionMonths,
  stageContributions,
  stagedContributions,
  upsertContributions,
  type StagedContribution,
} from '../store/lapse-people.ts';
import { CONTRIBUTION_ROW_WIDTH } from './contribution-check.ts';
import type { ImportReport } from './report.ts';
import { runImport, type ImportOptions } from './run-import.ts';

/** Rows merged per transaction: each holds the write lock for milliseconds, never the whole file's time. */
const MERGE_SLICE = 1_000;

export async function importContributions(path: string, options: ImportOptions): Promise<ImportReport> {
  // The months this file brings, kept on record so that a scan can tell a month never imported.
  const months = new Set<string>();
  let first = false;
  let seq = 0;
  return runImport(
    path,
    { kind: 'contributions', context: { today: options.today } },
    {
      staged: true,
      async begin(db) {
        first = !(await hasContributions(db));
        await createContributionStage(db);
      },
      async write(db: Kysely<Database>, values: unknown[], rows: number) {
        const batch: StagedContribution[] = [];
        for (let i = 0; i < rows * CONTRIBUTION_ROW_WIDTH; i += CONTRIBUTION_ROW_WIDTH) {
          batch.push({ seq: ++seq, idHash: options.hasher.hashId(values[i] as string), idMasked: values[i + 1] as string, month: values[i + 2] as string, amountFen: values[i + 3] as number });
          months.add(values[i + 2] as string);
        }
        await stageContributions(db, batch);
        return 0; // counted by the merge
      },
      async merge(db: Kysely<Database>) {
        let written = 0;
        for (let after = 0; ; ) {
          const batch = await stagedContributions(db, after, MERGE_SLICE);
          if (batch.length === 0) return written;
          after = batch.at(-1)!.seq;
          written += await db.transaction().execute(async (tx) => {
            const ids = await personIds(tx, batch, options.now);
            // A person and month twice in one slice: the later row wins, as it would across slices.
            const upserts = new Map<string, { personId: number; month: string; amountFen: number }>();
            for (const p of batch) {
              const personId = ids.get(p.idHash)!;
              upserts.set(`${personId}:${p.month}`, { personId, month: p.month, amountFen: p.amountFen });
            }
            return upsertContributions(tx, [...upserts.values()], options.now);
          });
          await yieldWriteLock(db);
        }
      },
      end: (db) => dropContributionStage(db),
      async finish(db) {
        await db.transaction().execute((tx) => recordContributionMonths(tx, months, first));
        return closeCasesInSlices(db, options.now);
      },
    },
    options,
  );
}
