/**
 * Lapse figures (docs/figures.md):
 * - roster import of 1 million and of 10 million CSV rows: ≤ 1.0 × raw
 *   better-sqlite3 inserting like rows, ≤ 300 MB peak RSS at both sizes (the
 *   memory stays flat), measured in a child process; references: the same
 *   child only reading the same file, and the raw insert;
 * - pay while the 1-million-row import runs in that child on the same file:
 *   none fails, none waits more than one short write past the idle p99;
 * - monthly screening of 1 million contributors × 12 months: ≤ 5 s;
 *   reference: one aggregate pass over all contributions (what a naive
 *   set-wise screen would read). With --pg the import is measured at one size
 *   on PostgreSQL. bench/lapse-scale.ts screens up to 10 million.
 * `--quick` uses 100,000 and 300,000 rows / 100,000 contributors and scales
 * the time limits linearly (the memory limit stays), and says so.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { APP_NODE_FLAGS } from '../src/ops/node-flags.ts';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatestOrThrow } from '../src/db/migrate.ts';
import { ensureBaseline } from '../src/setup/baseline.ts';
import { createArea, getRootArea } from '../src/store/areas.ts';
import { idCheckDigit } from '../src/domain/id-number.ts';
import { addMonths } from '../src/domain/months.ts';
import { refreshLastPaid } from '../src/store/lapse-people.ts';
import { screenLapses } from '../src/lapse/screen.ts';
import { contributionMonths } from '../src/store/lapse-people.ts';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { consoleMessage } from '../src/platforms/console/console-platform.ts';
import { jsonLogger } from '../src/core/logger.ts';
import { benchDatabaseUrl, dialectName, dropBenchDatabase } from './db.ts';
import type { BenchOptions } from './types.ts';

/** The file of a `sqlite:` URL (the import child takes a file, or a PostgreSQL URL). */
const sqlitePathOf = (url: string) => url.replace(/^sqlite:/, '');

export interface LapseFigure {
  name: string;
  value: string;
  reference: string;
  target?: string;
  pass: boolean;
}

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const TOWNSHIPS = 250;

function townshipName(i: number): string {
  return `第${i + 1}街道`;
}

/** A valid, distinct ID for each i below 36 million. */
function benchId(i: number): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + (i % 18_250) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `430602${birth}${String(Math.floor(i / 18_250) % 1000).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}

export async function writeRosterCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const names = ['张三丰', '李四', '王小明', '赵敏', '欧阳娜娜', '刘洋'];
  let buf = '姓名,身份证号,乡镇,参保类型,单位,电话,网格员\n';
  for (let i = 0; i < rows; i++) {
    buf += `${names[i % names.length]},${benchId(i)},${townshipName(i % TOWNSHIPS)},${i % 4 === 0 ? '灵活就业' : '单位'},"岳阳市第${i % 5000}有限公司",138${String(i).padStart(8, '0')},\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.on('finish', () => r()));
}

export async function newDatabase(url: string) {
  const handle = await openDatabase(url);
  await migrateToLatestOrThrow(handle.db);
  const now = new Date();
  await ensureBaseline(handle.db, { areaName: '本市', areaKind: 'district', timeZone: 'Asia/Shanghai', now, admins: [] });
  const root = await getRootArea(handle.db);
  const first = (await createArea(handle.db, { parent: root, name: townshipName(0), kind: 'township', now })).id;
  await handle.db.transaction().execute(async (tx) => {
    for (let i = 1; i < TOWNSHIPS; i++) await createArea(tx, { parent: root, name: townshipName(i), kind: 'township', now });
  });
  return { handle, firstArea: first };
}

function child(args: string[]): Promise<{ ms: number; rows: number; peakMb: number; taken?: number; committed?: boolean }> {
  return run(process.execPath, [...APP_NODE_FLAGS, '--import', 'tsx', join(here, 'lapse-child.ts'), ...args], { maxBuffer: 1 << 20 }).then(({ stdout }) =>
    JSON.parse(stdout.trim().split('\n').at(-1)!),
  );
}

/** Pay latencies in ms, sorted, from `say` called one after another until `done()` (at least `min` of them). */
async function payLatencies(say: (i: number) => Promise<boolean>, done: () => boolean, min = 0): Promise<{ sorted: number[]; failed: number }> {
  const ms: number[] = [];
  let failed = 0;
  for (let i = 0; !done() || i < min; i++) {
    // A busy township's pace (50 a second), not a flood that would slow the import it measures.
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    if (!(await say(i))) failed++;
    ms.push(performance.now() - t0);
  }
  return { sorted: ms.sort((x, y) => x - y), failed };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** A roster import of `rows` rows in a child process (its peak memory its own), with its references. */
async function importAt(dir: string, rows: number, withPays: boolean) {
  const csv = join(dir, `roster-${rows}.csv`);
  await writeRosterCsv(csv, rows);
  const db = join(dir, `import-${rows}.db`);
  const rawDb = join(dir, `raw-${rows}.db`);
  for (const file of [db, rawDb]) await (await newDatabase(`sqlite:${file}`)).handle.close();
  const read = await child(['read', csv]);
  const raw = await child(['raw', rawDb, String(rows)]);
  const imp = await child(['import', db, csv]);
  if (!withPays) return { read, raw, imp, pays: null };
  // Again on a fresh database, with the bot logging payments on it meanwhile.
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  await (await newDatabase(`sqlite:${db}`)).handle.close();
  // The bot on the same database, logging payments before and while the import runs.
  const app = await openApp({
    config: loadConfig({ DATABASE_URL: `sqlite:${db}`, ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: join(dir, 'keys') }),
    log: jsonLogger('error'),
    now: () => new Date('2026-11-23T02:00:00Z'),
    seedDemo: false,
    consoleAdmin: true,
  });
  try {
    const say = (user: string, channel: string, text: string, id: string) => app.dispatcher.handle(consoleMessage({ user, channel, text, messageId: id }));
    await say('admin', 't0', `bind ${townshipName(0)}`, 'b');
    await say('admin', 'setup', `grant coord coordinator ${townshipName(0)}`, 'g');
    const pay = (tag: string) => async (i: number) => (await say('coord', 't0', 'pay 1 400', `${tag}${i}`)).status === 'ok';
    const idle = await payLatencies(pay('idle'), () => true, 300);
    let running = true;
    const importing = child(['import', db, csv]).finally(() => (running = false));
    const during = await payLatencies(pay('during'), () => !running);
    await importing;
    return { read, raw, imp, pays: { idle, during } };
  } finally {
    await app.close();
  }
}

/** SQLite: the import at two sizes (memory flat) and payments during the first. */
async function benchImportSqlite(dir: string, quick: boolean): Promise<LapseFigure[]> {
  // The second size shows the memory stays flat as the file grows tenfold (quick: threefold).
  const sizes = quick ? [100_000, 300_000] : [1_000_000, 10_000_000];
  const first = await importAt(dir, sizes[0]!, true);
  const second = await importAt(dir, sizes[1]!, false);
  const figures: LapseFigure[] = [];
  for (const [rows, r] of [
    [sizes[0]!, first],
    [sizes[1]!, second],
  ] as const) {
    const label = `roster import, ${rows.toLocaleString('en')} CSV rows${quick ? ' (quick: smaller than the target\'s 1,000,000 and 10,000,000)' : ''}`;
    figures.push({
      name: label,
      value: `${(r.imp.ms / 1000).toFixed(2)} s (${Math.round(r.imp.rows / (r.imp.ms / 1000)).toLocaleString('en')} rows/s, ${(r.imp.ms / r.raw.ms).toFixed(2)} × raw), ${r.imp.taken ?? 0} taken, peak RSS ${r.imp.peakMb.toFixed(0)} MB`,
      reference:
        `reading the same file with no processing: ${(r.read.ms / 1000).toFixed(2)} s, peak RSS ${r.read.peakMb.toFixed(0)} MB; ` +
        `raw better-sqlite3 inserting as many like rows into the same table, one prepared statement, no parsing or checks: ${(r.raw.ms / 1000).toFixed(2)} s`,
      target: `≤ 1.0 × raw and ≤ 300 MB${rows === sizes[1] ? ` (the ${sizes[0]!.toLocaleString('en')}-row import: ${first.imp.peakMb.toFixed(0)} MB)` : ''}`,
      pass: r.imp.committed === true && r.imp.taken === rows && r.imp.ms <= r.raw.ms && r.imp.peakMb <= 300,
    });
  }
  const p = first.pays!;
  const lock = 100;
  figures.push({
    name: `pay while a ${sizes[0]!.toLocaleString('en')}-row roster import runs (another process, the same SQLite file)`,
    value: `${p.during.sorted.length} payments during the import, ${p.during.failed} failed; p99 ${pct(p.during.sorted, 99).toFixed(1)} ms, slowest ${pct(p.during.sorted, 100).toFixed(1)} ms`,
    reference: `idle, before the import: p99 ${pct(p.idle.sorted, 99).toFixed(1)} ms, slowest ${pct(p.idle.sorted, 100).toFixed(1)} ms (${p.idle.sorted.length} payments)`,
    target: `none fails, p99 within one short write (${lock} ms) of the idle p99`,
    pass: p.during.failed === 0 && p.during.sorted.length > 0 && pct(p.during.sorted, 99) <= pct(p.idle.sorted, 99) + lock,
  });
  return figures;
}

/** PostgreSQL: the import at one size, against better-sqlite3's raw insert (the floor on this machine). */
async function benchImport(dir: string, opts: BenchOptions): Promise<LapseFigure[]> {
  if (!opts.pg) return benchImportSqlite(dir, opts.quick);
  const quick = opts.quick;
  const rows = quick ? 100_000 : 1_000_000;
  const csv = join(dir, 'roster.csv');
  await writeRosterCsv(csv, rows);
  const dbUrl = await benchDatabaseUrl(opts, dir, 'import');
  const rawDb = join(dir, 'raw.db');
  for (const url of [dbUrl, `sqlite:${rawDb}`]) await (await newDatabase(url)).handle.close();
  const read = await child(['read', csv]);
  // The raw reference is better-sqlite3's on both runs: the floor of inserting those rows on this machine.
  const raw = await child(['raw', rawDb, String(rows)]);
  const imp = await child(['import', opts.pg ? dbUrl : sqlitePathOf(dbUrl), csv]).finally(() => dropBenchDatabase(dbUrl));
  const label = `${quick ? `roster import, ${rows.toLocaleString('en')} CSV rows (quick: 1/10 of the target's 1,000,000)` : 'roster import, 1,000,000 CSV rows'}, ${dialectName(opts)}`;
  return [
    {
      name: label,
      value: `${(imp.ms / 1000).toFixed(2)} s (${Math.round(imp.rows / (imp.ms / 1000)).toLocaleString('en')} rows/s, ${(imp.ms / raw.ms).toFixed(2)} × raw), ${imp.taken ?? 0} taken, peak RSS ${imp.peakMb.toFixed(0)} MB`,
      reference:
        `reading the same file with no processing: ${(read.ms / 1000).toFixed(2)} s (${Math.round(read.rows / (read.ms / 1000)).toLocaleString('en')} rows/s), peak RSS ${read.peakMb.toFixed(0)} MB; ` +
        `raw better-sqlite3 inserting as many like rows into the same table, one prepared statement, no parsing or checks: ${(raw.ms / 1000).toFixed(2)} s`,
      target: '≤ 1.0 × raw and ≤ 300 MB',
      pass: imp.committed === true && imp.taken === rows && imp.ms <= raw.ms && imp.peakMb <= 300,
    },
  ];
}

async function benchScreen(dir: string, opts: BenchOptions): Promise<LapseFigure[]> {
  const quick = opts.quick;
  const people = quick ? 100_000 : 1_000_000;
  const scale = people / 1_000_000;
  const url = await benchDatabaseUrl(opts, dir, 'screen');
  const { handle, firstArea } = await newDatabase(url);
  const db = handle.db;
  try {
    const now = new Date().toISOString();
    const months = Array.from({ length: 12 }, (_, k) => addMonths('2025-11', k)); // 2025-11 … 2026-10
    // The numbers 1…people, and a hash-like text for each, as each dialect writes them.
    const pg = handle.dialect === 'postgres';
    const numbers = pg ? sql`select i::int as i from generate_series(1, ${people}) i` : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${people}) select i from n`;
    const hashOf = pg ? sql`'h' || lpad(i::text, 21, '0')` : sql`printf('h%021d', i)`;
    // One person in 20 stops paying, at a month spread over the year.
    await db.transaction().execute(async (tx) => {
      await sql`insert into lapse_person (id, id_hash, id_masked, name, phone, area_id, kind, created_at, updated_at, insured_status, supported)
        select i, ${hashOf}, '430602********0000', '张三', null, ${firstArea} + (i % ${TOWNSHIPS}), 'employer', ${now}, ${now},
          case when i % 10 = 3 then 'retired' else 'active' end, case when i % 7 = 0 then 1 else 0 end from (${numbers}) n`.execute(tx);
      const monthValues = sql.join(months.map((m, k) => sql`(cast(${k} as integer), ${m})`));
      await sql`insert into lapse_contribution (person_id, month, amount_fen, imported_at)
        select i, month, 50000, ${now} from (${numbers}) n, (select column1 as k, column2 as month from (values ${monthValues}) as v) m where not (i % 20 = 0 and k > (i / 20) % 12) order by i, month`.execute(tx);
      if (pg) await sql`select setval(pg_get_serial_sequence('lapse_person', 'id'), ${people})`.execute(tx);
    });
    const t1 = performance.now();
    await db.transaction().execute((tx) => refreshLastPaid(tx, null));
    const refreshMs = performance.now() - t1;
    const contributions = Number((await sql<{ n: number }>`select count(*) as n from lapse_contribution`.execute(db)).rows[0]!.n);

    const t2 = performance.now();
    const naive = await sql<{ n: number }>`select count(*) as n from (select person_id, max(month) as m from lapse_contribution group by person_id) as latest where m < ${'2026-10'}`.execute(db);
    const naiveMs = performance.now() - t2;

    await contributionMonths(db); // kept on record by the import; here the rows were inserted directly
    const t3 = performance.now();
    const result = await db.transaction().execute((tx) => screenLapses(tx, { month: '2026-10', now: new Date() }));
    const screenMs = performance.now() - t3;
    const t4 = performance.now();
    const again = await db.transaction().execute((tx) => screenLapses(tx, { month: '2026-10', now: new Date() }));
    const againMs = performance.now() - t4;

    const limitMs = 5_000 * scale;
    // Retirees are not screened: what the scan must open is the lapsed who are not retired.
    const screened = await sql<{ n: number }>`select count(*) as n from lapse_person where last_paid_month < ${'2026-10'} and insured_status <> 'retired'`.execute(db);
    const expected = Number(screened.rows[0]!.n);
    return [
      {
        name: quick
          ? `monthly lapse screening, ${people.toLocaleString('en')} contributors × 12 months, with status and 帮扶 flags, ${dialectName(opts)} (quick: 1/10 of the target's 1,000,000; time limit scaled)`
          : `monthly lapse screening, 1,000,000 contributors × 12 months, with status and 帮扶 flags, ${dialectName(opts)}`,
        value: `${(screenMs / 1000).toFixed(2)} s, ${result.opened.toLocaleString('en')} cases opened (the same scan again: ${(againMs / 1000).toFixed(2)} s, ${again.updated.toLocaleString('en')} updated, ${again.opened.toLocaleString('en')} opened)`,
        reference: `one aggregate pass over all ${contributions.toLocaleString('en')} contributions: ${(naiveMs / 1000).toFixed(2)} s (${Number(naive.rows[0]!.n).toLocaleString('en')} lapsed, retirees included); keeping each latest paid month, done by the import, from scratch: ${(refreshMs / 1000).toFixed(2)} s`,
        target: `≤ ${(limitMs / 1000).toFixed(1)} s`,
        pass: screenMs <= limitMs && againMs <= limitMs && result.opened === expected,
      },
    ];
  } finally {
    await handle.close();
    await dropBenchDatabase(url);
  }
}

export async function benchLapse(opts: BenchOptions): Promise<LapseFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'enrollbot-bench-lapse-'));
  try {
    return [...(await benchImport(dir, opts)), ...(await benchScreen(dir, opts))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/lapse.ts [--quick]` runs this suite alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await benchLapse({ quick: process.argv.includes('--quick'), pg: process.argv.includes('--pg') });
  for (const r of rows) {
    process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}\n      ${r.value}\n      reference: ${r.reference}\n      target: ${r.target}\n`);
  }
  process.exit(rows.every((r) => r.pass) ? 0 : 1);
}
