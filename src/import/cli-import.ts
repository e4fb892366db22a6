/** `npm run cli -- import roster|contributions|targets|special|unpaid <file>`: the operator's side of an import. */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { seedTimeZone } from '../domain/calendar.ts';
import { findCurrentCampaign } from '../store/campaigns.ts';
import { isPostgresUrl, openDatabase, sqlitePath } from '../db/database.ts';
import { migrateToLatestOrThrow } from '../db/migrate.ts';
import { businessDate, parseDate } from '../domain/calendar.ts';
import type { Logger } from '../core/logger.ts';
import { catalogue, type Catalogue } from '../i18n/index.ts';
import { ensureBaseline } from '../setup/baseline.ts';
import { openPersonalData } from '../setup/personal-data.ts';
import { ImportStopped } from './check-thread.ts';
import { importContributions } from './import-contributions.ts';
import { importRoster } from './import-roster.ts';
import { CLI_PLATFORM, importTargets } from './import-targets.ts';
import { importNamed } from './import-named.ts';
import { importOfficial } from './import-official.ts';
import { formatImportReport, type ImportReport } from './report.ts';
import { tableFormat, type TableProgress } from './table-source.ts';

export interface CliImportIo {
  out: { write(s: string): unknown };
  /** Where the progress bar goes, when it is a terminal. */
  progress: { write(s: string): unknown; isTTY?: boolean };
  now?: () => Date;
  /** `--as-of`: the date of an official file's rows that give none (null: the option without a date). */
  asOf?: string | null;
}

function bar(p: TableProgress): string {
  if (!p.totalBytes) return `\r  ${p.rows.toLocaleString('en')} rows`;
  const f = Math.min(1, p.bytes / p.totalBytes);
  const width = 30;
  const full = Math.round(f * width);
  return `\r  [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}%  ${p.rows.toLocaleString('en')} rows`;
}

/** Why an import stopped, for the operator: the limit it passed, said plainly, or what failed. */
function stoppedText(e: ImportStopped, t: Catalogue): string {
  switch (e.reason?.kind) {
    case 'xlsx_unpacked':
      return t.importXlsxTooLarge({ limitMb: Math.round(e.reason.maxBytes / (1024 * 1024)) });
    case 'xlsx_shared_strings':
      return t.importXlsxTooManyStrings({ limit: e.reason.max.toLocaleString('en') });
    case 'reader_memory':
      return t.importReaderOutOfMemory({ mb: e.reason.heapMb });
    default:
      return t.importStopped({ detail: e.detail });
  }
}

/** Runs one import; returns the process exit code (0 imported, 1 refused, 2 usage). */
export async function cliImport(args: string[], config: Config, log: Logger, io: CliImportIo): Promise<{ code: number; report?: ImportReport }> {
  const [what, file] = args;
  if (!['roster', 'contributions', 'targets', 'special', 'unpaid', 'official'].includes(what ?? '') || !file || args.length !== 2) {
    io.out.write(
      'usage: npm run cli -- import roster <file.csv|file.xlsx>\n' +
        '       npm run cli -- import contributions <file.csv|file.xlsx>\n' +
        '       npm run cli -- import targets <file.csv|file.xlsx>\n' +
        '       npm run cli -- import special <file.csv|file.xlsx>\n' +
        '       npm run cli -- import unpaid <file.csv|file.xlsx>\n' +
        '       npm run cli -- import official <file.csv|file.xlsx> [--as-of YYYY-MM-DD]\n',
    );
    return { code: 2 };
  }
  let asOf: string | null = null;
  if (io.asOf !== undefined) {
    asOf = io.asOf === null ? null : parseDate(io.asOf);
    if (asOf === null) {
      io.out.write(`--as-of: expected a date as YYYY-MM-DD, such as 2026-12-01\n`);
      return { code: 2 };
    }
  }
  if (!tableFormat(file)) {
    io.out.write(`${file}: expected a .csv or .xlsx file\n`);
    return { code: 2 };
  }
  if (!existsSync(file)) {
    io.out.write(`${file}: no such file\n`);
    return { code: 2 };
  }
  // People are matched to townships that must exist already: a roster or contributions import
  // never creates a database (a refused one would leave an empty one behind).
  if (what !== 'targets' && !isPostgresUrl(config.databaseUrl) && !existsSync(sqlitePath(config.databaseUrl))) {
    io.out.write(`there is no database at ${sqlitePath(config.databaseUrl)} (DATABASE_URL): start the bot once, or import targets first\n`);
    return { code: 2 };
  }
  const handle = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatestOrThrow(handle.db);
    if (handle.dialect === 'sqlite') {
      // A bigger page cache for this connection: contributions look people up by ID hash at random.
      await sql`pragma cache_size = -24576`.execute(handle.db);
      // A small one for TEMP tables: the roster's staging tables are written once and read once, in order.
      await sql`pragma temp.cache_size = -2048`.execute(handle.db);
    }
    const now = (io.now ?? (() => new Date()))();
    const tty = io.progress.isTTY === true;
    let last = 0;
    const onProgress = tty
      ? (p: TableProgress) => {
          const t = Date.now();
          if (t - last > 100) {
            last = t;
            io.progress.write(bar(p));
          }
        }
      : undefined;
    let report: ImportReport;
    try {
      if (what === 'official') {
        const campaign = await findCurrentCampaign(handle.db);
        if (!campaign) {
          io.out.write('the database has no campaign yet: start the bot once, or import targets first\n');
          return { code: 2 };
        }
        const today = businessDate(now, campaign.time_zone);
        report = await importOfficial(file, {
          db: handle.db,
          onProgress,
          campaign,
          asOf,
          today,
          now,
          by: { memberId: null, platform: CLI_PLATFORM, channelId: `import official ${basename(file)}` },
        });
      } else if (what === 'targets') {
        // A new database gets what the bot's first start gives it: townships need the root and a campaign.
        await ensureBaseline(handle.db, { areaName: config.areaName, areaKind: config.areaKind, timeZone: seedTimeZone(config), now, admins: config.admins });
        report = await importTargets(file, { db: handle.db, now, onProgress, source: `import targets ${basename(file)}` });
      } else {
        // Only these hash ID numbers: a targets import needs no key (nor creates one).
        // The database's own key, or none: a copy with another key is refused before a row is read.
        const pii = await openPersonalData({ db: handle.db, file: handle.file, dialect: handle.dialect, config, log });
        const campaign = await findCurrentCampaign(handle.db);
        const options = { db: handle.db, hasher: pii.hasher, sealer: pii.sealer, now, today: businessDate(now, campaign?.time_zone ?? seedTimeZone(config)), onProgress };
        if (what === 'special' || what === 'unpaid') {
          // A named list belongs to a campaign: the bot's first start makes one.
          if (!campaign) {
            io.out.write('there is no campaign in this database yet: start the bot once, or import targets first\n');
            return { code: 2 };
          }
          report = await importNamed(what, file, { ...options, campaignId: campaign.id });
        } else report = what === 'roster' ? await importRoster(file, options) : await importContributions(file, options);
      }
    } catch (e) {
      if (!(e instanceof ImportStopped)) throw e;
      if (tty) io.progress.write('\r\x1b[K');
      io.out.write(`${stoppedText(e, catalogue(config.locale))}\n`);
      log.warn('import failed', { kind: what, error: e.message, ...(e.reason ? { limit: e.reason.kind } : {}) });
      return { code: 1 };
    }
    if (tty) io.progress.write('\r\x1b[K');
    io.out.write(`${formatImportReport(report, catalogue(config.locale))}\n`);
    log.info('import finished', {
      kind: report.kind,
      rows: report.rowsRead,
      taken: report.taken,
      refused: report.refused,
      committed: report.committed,
      ...report.targets,
      ...(report.official ? { stored: report.official.stored, unchanged: report.official.unchanged } : {}),
    });
    return { code: report.committed ? 0 : 1, report };
  } finally {
    await handle.close();
  }
}
