/** `import roster <file>`: the employee-insurance contributors, by township, with their cadre. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { closeCasesInSlices, closeCasesNoLongerScreened } from '../store/lapse-cases.ts';
import { contactText } from '../domain/pii-seal.ts';
import { redact } from '../domain/mask.ts';
import {
  createRosterStage,
  dropRosterStage,
  findCadre,
  indexRosterStage,
  mergeRosterStage,
  rosterStageDuplicates,
  ROSTER_STAGE_PARTS,
  ROSTER_STAGE_WIDTH,
  rosterStagePart,
  stageRoster,
  townshipsByName,
} from '../store/lapse-people.ts';
import { LISTED_LINES, type ImportReport } from './report.ts';
import { ROSTER_ROW_WIDTH } from './roster-check.ts';
import { runImport, type ImportOptions } from './run-import.ts';

// Where a checked row's values sit (`RosterRowValues`).
const ID = 0;
const NAME = 2;
const PHONE = 3;
const CADRE_TEXT = 10;
const LINE = 14;

/** Row counts a part's last rows are staged in: few statement shapes, few statements. */
const TAIL_CHUNKS = [100, 10, 1];

export async function importRoster(path: string, options: ImportOptions): Promise<ImportReport> {
  const townships = await townshipsByName(options.db);
  const batchSize = options.batchSize ?? 500;
  const cadres = new Map<string, { member: number | null; shown: string }>();
  const hasher = options.hasher;
  const sealer = options.sealer;
  // Rows waiting for their staging part to fill a batch.
  const pending: unknown[][] = Array.from({ length: ROSTER_STAGE_PARTS }, () => []);
  return runImport(
    path,
    {
      kind: 'roster',
      context: {
        today: options.today,
        townships: [...townships],
      },
    },
    {
      staged: true,
      begin: (db) => createRosterStage(db),
      async write(db: Kysely<Database>, values: unknown[], rows: number) {
        // The batch's IDs hashed, then its names and phones sealed in one go (one call into the cipher).
        const hashes: string[] = new Array<string>(rows);
        const items: { value: string; person: string }[] = new Array<{ value: string; person: string }>(rows);
        for (let r = 0, i = 0; r < rows; r++, i += ROSTER_ROW_WIDTH) {
          hashes[r] = hasher.hashId(values[i + ID] as string);
          items[r] = { value: contactText(values[i + NAME] as string, values[i + PHONE] as string | null), person: hashes[r]! };
        }
        const sealed = sealer.sealMany(items, 'contact');
        for (let r = 0, i = 0; r < rows; r++, i += ROSTER_ROW_WIDTH) {
          const text = values[i + CADRE_TEXT] as string | null;
          let cadre: { member: number | null; shown: string } | undefined;
          if (text) {
            cadre = cadres.get(text);
            // Matched as written (a platform id is no personal data), kept masked (a phone typed as the cadre is).
            if (cadre === undefined) cadres.set(text, (cadre = { member: await findCadre(db, text), shown: redact(text) }));
          }
          const part = rosterStagePart(hashes[r]!);
          const into = pending[part]!;
          // `RosterStageValues`, in order.
          into.push(hashes[r], values[i + 1], sealed[r], values[i + 4], values[i + 5], values[i + 6], values[i + 7], values[i + 8], cadre?.member ?? null, cadre?.shown ?? null);
          // 参保状态, 帮扶对象, special-group category, and the file's line (`RosterStageValues`' last four).
          into.push(values[i + 11], values[i + 12], values[i + 13], values[i + LINE]);
          if (into.length === batchSize * ROSTER_STAGE_WIDTH) {
            await stageRoster(db, part, into, batchSize);
            pending[part] = [];
          }
        }
        return 0; // counted by the merge
      },
      async refusals(db: Kysely<Database>) {
        await flushPending(db);
        await indexRosterStage(db);
        const duplicates = await rosterStageDuplicates(db, LISTED_LINES);
        return duplicates.count ? [{ reason: 'id_duplicate' as const, column: 'id_number', ...duplicates }] : [];
      },
      merge: (db: Kysely<Database>) => mergeRosterStage(db, options.now),
      end: (db) => dropRosterStage(db),
      // A retiree (or someone now insured elsewhere) the roster names closes their case too.
      finish: async (db) => (await closeCasesInSlices(db, options.now)) + (await closeCasesNoLongerScreened(db, options.now)),
    },
    options,
  );

  /** Stages the rows still waiting for their part to fill a batch. */
  async function flushPending(db: Kysely<Database>): Promise<void> {
    for (let part = 0; part < ROSTER_STAGE_PARTS; part++) {
      const rest = pending[part]!;
      let at = 0;
      for (const chunk of TAIL_CHUNKS) {
        for (; rest.length - at >= chunk * ROSTER_STAGE_WIDTH; at += chunk * ROSTER_STAGE_WIDTH) {
          await stageRoster(db, part, rest.slice(at, at + chunk * ROSTER_STAGE_WIDTH), chunk);
        }
      }
      pending[part] = [];
    }
  }
}
