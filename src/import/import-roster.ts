/** `import roster <file>`: the employee-insurance contributors, by township, with their cadre. */
import { statSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { closeCasesWithContributions } from '../store/lapse-cases.ts';
import {
  createRosterStage,
  findCadre,
  mergeRosterStage,
  ROSTER_STAGE_PARTS,
  rosterStagePart,
  stageRoster,
  townshipsByName,
} from '../store/lapse-people.ts';
import type { ImportReport } from './report.ts';
import { ROSTER_ROW_WIDTH } from './roster-check.ts';
import { runImport, type ImportOptions } from './run-import.ts';
import { tableFormat } from './table-source.ts';

// Where a row's ID (then its hash), cadre text and the cadre's member id sit among its values (`RosterStageValues`).
const ID_HASH = 0;
const CADRE_MEMBER = 7;
const CADRE_TEXT = 8;

/** Row counts a part's last rows are staged in: few statement shapes, few statements. */
const TAIL_CHUNKS = [100, 10, 1];

export async function importRoster(path: string, options: ImportOptions): Promise<ImportReport> {
  const townships = await townshipsByName(options.db);
  const batchSize = options.batchSize ?? 500;
  const cadres = new Map<string, number | null>();
  const hasher = options.hasher;
  // Rows waiting for their staging part to fill a batch.
  const pending: unknown[][] = Array.from({ length: ROSTER_STAGE_PARTS }, () => []);
  return runImport(
    path,
    {
      kind: 'roster',
      context: {
        today: options.today,
        townships: [...townships],
        fileBytes: tableFormat(path) === 'csv' ? statSync(path).size : 0,
      },
    },
    {
      begin: (db) => createRosterStage(db),
      async write(db: Kysely<Database>, values: unknown[], rows: number) {
        for (let i = 0; i < rows * ROSTER_ROW_WIDTH; i += ROSTER_ROW_WIDTH) {
          values[i + ID_HASH] = hasher.hashId(values[i + ID_HASH] as string);
          const text = values[i + CADRE_TEXT] as string | null;
          if (text) {
            let m = cadres.get(text);
            if (m === undefined) cadres.set(text, (m = await findCadre(db, text)));
            values[i + CADRE_MEMBER] = m;
          }
          const part = rosterStagePart(values[i + ID_HASH] as string);
          const into = pending[part]!;
          for (let j = i; j < i + ROSTER_ROW_WIDTH; j++) into.push(values[j]);
          if (into.length === batchSize * ROSTER_ROW_WIDTH) {
            await stageRoster(db, part, into, batchSize);
            pending[part] = [];
          }
        }
        return 0; // counted by the merge
      },
      async merge(db: Kysely<Database>) {
        for (let part = 0; part < ROSTER_STAGE_PARTS; part++) {
          const rest = pending[part]!;
          let at = 0;
          for (const chunk of TAIL_CHUNKS) {
            for (; rest.length - at >= chunk * ROSTER_ROW_WIDTH; at += chunk * ROSTER_ROW_WIDTH) {
              await stageRoster(db, part, rest.slice(at, at + chunk * ROSTER_ROW_WIDTH), chunk);
            }
          }
          pending[part] = [];
        }
        return mergeRosterStage(db, options.now);
      },
      finish: (db) => closeCasesWithContributions(db, options.now),
    },
    options,
  );
}
