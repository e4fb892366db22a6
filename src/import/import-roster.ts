/** `import roster <file>`: the employee-insurance contributors, by township, with their cadre. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { closeCasesInSlices, closeCasesNoLongerScreened } from '../store/lapse-cases.ts';
import { hasherKey } from '../domain/pii-hash.ts';
import { sealKeysOf, type SealKeys } from '../domain/pii-seal.ts';
import { redact } from '../domain/mask.ts';
import { EnrollbotError } from '../core/errors.ts';
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
import { ROSTER_CHECKED_WIDTH } from './roster-check.ts';
import { runImport, type ImportOptions } from './run-import.ts';

// Where a posted row's cadre sits (`RosterCheckedValues`): the rest is staged as it comes.
const CADRE_MEMBER = 8;
const CADRE_TEXT = 9;
/** Values a row, posted and staged alike: typed by both, so a column added to one and not the other fails to compile. */
const WIDTH: typeof ROSTER_STAGE_WIDTH = ROSTER_CHECKED_WIDTH;

/** Row counts a part's last rows are staged in: few statement shapes, few statements. */
const TAIL_CHUNKS = [100, 10, 1];

export async function importRoster(path: string, options: ImportOptions): Promise<ImportReport> {
  const townships = await townshipsByName(options.db);
  const batchSize = options.batchSize ?? 500;
  const cadres = new Map<string, { member: number | null; shown: string }>();
  const { idKey, sealKeys } = rosterKeys(options);
  // Rows waiting for their staging part to fill a batch.
  const pending: unknown[][] = Array.from({ length: ROSTER_STAGE_PARTS }, () => []);
  return runImport(
    path,
    {
      kind: 'roster',
      context: {
        today: options.today,
        townships: [...townships],
        idKey,
      },
      sealKeys,
    },
    {
      staged: true,
      begin: (db) => createRosterStage(db),
      async write(db: Kysely<Database>, values: unknown[], rows: number) {
        // Hashed and sealed by the checking thread: rows go to their part as they come, but for the cadre.
        for (let r = 0, i = 0; r < rows; r++, i += WIDTH) {
          const text = values[i + CADRE_TEXT] as string | null;
          if (text) {
            let cadre = cadres.get(text);
            // Matched as written (a platform id is no personal data), kept masked (a phone typed as the cadre is).
            if (cadre === undefined) cadres.set(text, (cadre = { member: await findCadre(db, text), shown: redact(text) }));
            values[i + CADRE_MEMBER] = cadre.member;
            values[i + CADRE_TEXT] = cadre.shown;
          }
          const part = rosterStagePart(values[i] as string);
          const into = pending[part]!;
          for (let k = 0; k < WIDTH; k++) into.push(values[i + k]);
          if (into.length === batchSize * WIDTH) {
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

/** The keys the checking thread hashes and the sealing thread seals under: copies of the ones `options`' hasher and sealer were made with. */
function rosterKeys(options: ImportOptions): { idKey: Uint8Array; sealKeys: SealKeys } {
  const idKey = hasherKey(options.hasher);
  const sealKeys = sealKeysOf(options.sealer);
  if (!idKey || !sealKeys) throw new EnrollbotError('internal', 'a roster import needs a hasher and a sealer made by piiHasher and piiSealer');
  return { idKey, sealKeys };
}
