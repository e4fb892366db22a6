/**
 * `import official <file>`: the information platform's figures of who paid,
 * per township (and village), as of a date. The file is checked whole (every
 * bad line named, unknown areas with the nearest names) and taken whole or
 * not at all. What it says is kept as append-only snapshots: a figure equal
 * to the newest stored one for its area and date writes nothing, so
 * importing the same file again changes nothing; a different one adds a row
 * that then wins. Areas above the file's rows that the file gives no figure
 * of (the district over its townships, a township over its villages) get the
 * sum of what is under them.
 */
import { basename } from 'node:path';
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { allAreas, areaParents } from '../store/areas.ts';
import { appendAudit } from '../store/audit.ts';
import { updateCampaign } from '../store/campaigns.ts';
import { officialOnDates, storeOfficialImport, type NewSnapshot } from '../store/official.ts';
import { bumpSetupVersion } from '../store/setup-version.ts';
import { checkTable } from './check-table.ts';
import { officialChecker, officialRowAt, type OfficialCheckContext, type OfficialRowValues } from './official-check.ts';
import type { ImportReport, OfficialCounts } from './report.ts';
import type { RunImportOptions } from './run-import.ts';
import { ImportStopped } from './check-thread.ts';
import type { TableProgress } from './table-source.ts';
import { XlsxTooLarge } from './xlsx-guard.ts';

/** What checking a file needs, read from the database: every area, the campaign's first day. */
export async function officialCheckContext(
  db: Kysely<Database>,
  input: { campaign: Campaign; asOf: string | null; today: string },
): Promise<OfficialCheckContext> {
  const areas = await allAreas(db);
  return {
    areas: areas.map((a) => ({ id: a.id, name: a.name, parentId: a.parent_id, kind: a.kind })),
    asOf: input.asOf ?? input.today,
    today: input.today,
    start: input.campaign.start_date,
  };
}

/** Who imports, for the import's record and the audit log. */
export interface OfficialImporter {
  memberId: number | null;
  platform: string;
  channelId: string;
}

const noCounts = (): OfficialCounts => ({ stored: 0, unchanged: 0, summed: 0, skipped: 0, dates: [], switched: false });

/**
 * Every area's figure per date: the file's own, and for each area above
 * them that the file leaves out, the sum of what is under it (an amount only
 * when every part of it has one). Each given figure is added to the areas
 * above it up to the nearest one the file gives itself, so nothing is
 * counted twice whatever levels the file mixes.
 */
function withSums(rows: readonly OfficialRowValues[], parentOf: ReadonlyMap<number, number | null>): { figures: NewSnapshot[]; summed: number } {
  const byDate = new Map<string, Map<number, { people: number; amountFen: number | null }>>();
  for (const r of rows) {
    let m = byDate.get(r.asOf);
    if (!m) byDate.set(r.asOf, (m = new Map()));
    m.set(r.areaId, { people: r.people, amountFen: r.amountFen });
  }
  const figures: NewSnapshot[] = [];
  let summed = 0;
  for (const [asOf, given] of byDate) {
    const sums = new Map<number, { people: number; amountFen: number | null }>();
    for (const [areaId, v] of given) {
      figures.push({ areaId, asOf, people: v.people, amountFen: v.amountFen });
      for (let up = parentOf.get(areaId) ?? null; up !== null && !given.has(up); up = parentOf.get(up) ?? null) {
        const s = sums.get(up);
        if (!s) sums.set(up, { people: v.people, amountFen: v.amountFen });
        else {
          s.people += v.people;
          s.amountFen = s.amountFen === null || v.amountFen === null ? null : s.amountFen + v.amountFen;
        }
      }
    }
    for (const [areaId, s] of sums) figures.push({ areaId, asOf, people: s.people, amountFen: s.amountFen });
    summed += sums.size;
  }
  return { figures, summed };
}

/**
 * Stores a checked file's rows in the caller's transaction: the figures that
 * differ from the newest stored ones, the import's record and its audit
 * entry; the first import of a campaign that has not chosen its source makes
 * the board follow the official figures. Nothing at all when nothing differs.
 */
export async function storeOfficialRows(
  db: Kysely<Database>,
  input: {
    campaign: Campaign;
    rows: readonly OfficialRowValues[];
    file: string;
    by: OfficialImporter;
    now: Date;
    /** Each area's parent, when the caller has it already (the check read every area). */
    parentOf?: ReadonlyMap<number, number | null>;
  },
): Promise<OfficialCounts> {
  const counts = noCounts();
  const areaRows = input.rows.filter((r) => r.areaId !== 0);
  counts.skipped = input.rows.length - areaRows.length;
  counts.dates = [...new Set(areaRows.map((r) => r.asOf))].sort();
  const parentOf = input.parentOf ?? (await areaParents(db));
  const { figures, summed } = withSums(areaRows, parentOf);
  counts.summed = summed;
  const stored = await officialOnDates(db, input.campaign.id, counts.dates);
  const fresh = figures.filter((f) => {
    const same = stored.get(f.areaId)?.find((p) => p.asOf === f.asOf);
    // A file that gives no amount says nothing about it: the same people is the same figure.
    return !same || same.people !== f.people || (f.amountFen !== null && same.amountFen !== f.amountFen);
  });
  counts.unchanged = figures.length - fresh.length;
  counts.stored = fresh.length;
  if (fresh.length === 0) return counts;
  const importId = await storeOfficialImport(db, {
    campaignId: input.campaign.id,
    file: input.file,
    rows: areaRows.length,
    memberId: input.by.memberId,
    platform: input.by.platform,
    now: input.now,
    snapshots: fresh,
  });
  const audit = (action: string, detail: Record<string, unknown>) =>
    appendAudit(db, { at: input.now, memberId: input.by.memberId, platform: input.by.platform, channelId: input.by.channelId, action, detail });
  await audit('official.import', { import: importId, file: input.file, rows: areaRows.length, stored: fresh.length, dates: counts.dates });
  if (input.campaign.source === null) {
    await updateCampaign(db, input.campaign.id, { source: 'official' });
    await audit('campaign.set', { campaign: input.campaign.id, field: 'source', value: 'official', was: 'reported', by: 'first official import' });
    // Every running bot reads the campaign from its cached setup: it must drop it.
    await bumpSetupVersion(db);
    counts.switched = true;
  }
  return counts;
}

/**
 * The CLI's import: the file is read and checked in this thread (an export
 * of a city is some 30,000 lines: a reading thread would cost more to start
 * than it saves, as nothing is written before the whole file is checked),
 * then stored in one transaction. An XLSX past the reading limits stops the
 * import as any other import's does.
 */
export async function importOfficial(
  path: string,
  options: RunImportOptions & { campaign: Campaign; asOf: string | null; today: string; now: Date; by: OfficialImporter },
): Promise<ImportReport> {
  const context = await officialCheckContext(options.db, { campaign: options.campaign, asOf: options.asOf, today: options.today });
  let checked: CheckedOfficialFile;
  try {
    checked = await checkOfficialFile(path, context, options.onProgress);
  } catch (e) {
    if (e instanceof XlsxTooLarge) {
      throw new ImportStopped(e.message, e.limit === 'unpacked' ? { kind: 'xlsx_unpacked', maxBytes: e.max } : { kind: 'xlsx_shared_strings', max: e.max });
    }
    throw e;
  }
  const { report, rows } = checked;
  if (report.refused > 0 || report.missingColumns.length > 0 || report.unreadableAt !== null) return report;
  const parentOf = new Map(context.areas.map((a) => [a.id, a.parentId]));
  const counts = await options.db
    .transaction()
    .execute((tx) => storeOfficialRows(tx, { campaign: options.campaign, rows, file: basename(path), by: options.by, now: options.now, parentOf }));
  return { ...report, written: counts.stored, official: counts, committed: true };
}

/** A file checked in this thread (a chat import, a file of a few hundred lines): its report so far and its rows. */
export interface CheckedOfficialFile {
  report: ImportReport;
  rows: OfficialRowValues[];
}

/** Reads and checks a file without writing (a chat import checks before its transaction, then stores the rows). */
export async function checkOfficialFile(path: string, context: OfficialCheckContext, onProgress?: (p: TableProgress) => void): Promise<CheckedOfficialFile> {
  const rows: OfficialRowValues[] = [];
  const s = await checkTable(
    path,
    officialChecker(context),
    {
      batch(values, n) {
        for (let i = 0; i < n; i++) rows.push(officialRowAt(values, i));
      },
      ...(onProgress ? { progress: onProgress } : {}),
    },
    500,
  );
  const ok = s.refused === 0 && s.missingColumns.length === 0 && s.unreadableAt === null;
  return {
    rows: ok ? rows : [],
    report: {
      kind: 'official',
      format: s.format,
      encoding: s.encoding,
      rowsRead: s.rowsRead,
      taken: ok ? s.accepted : 0,
      written: 0,
      refused: s.refused,
      reasons: s.reasons,
      refusedLines: s.refusedLines,
      missingColumns: s.missingColumns,
      unreadableAt: s.unreadableAt,
      casesClosed: 0,
      committed: false,
      official: noCounts(),
    },
  };
}
