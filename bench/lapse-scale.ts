/**
 * Lapse screening as the roster grows: the same screen at three sizes, to
 * show it stays linear in the people (docs/figures.md). The screen reads each
 * person's latest paid month (kept by the contributions import), never the
 * contributions themselves, so the people are seeded with that month directly
 * and the imported months recorded as the import would: 10 million people
 * need no 120 million contribution rows to be screened.
 *
 *   npx tsx bench/lapse-scale.ts [--quick]          SQLite
 *   ENROLLBOT_BENCH_PG=postgres://… npx tsx bench/lapse-scale.ts [--quick]
 *                                                   PostgreSQL (a database it may fill and drop tables in)
 *
 * Full: 1, 3 and 10 million people; quick: 100, 300 thousand and 1 million.
 * Passes when 10 million (quick: 1 million, limit scaled) screen within 5 s on
 * SQLite (10 s on PostgreSQL, 2 × SQLite's target) and the largest size costs
 * no more than 1.3 × its share of the smallest (linear).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatestOrThrow } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { ensureBaseline } from '../src/setup/baseline.ts';
import { createArea, getRootArea } from '../src/store/areas.ts';
import { addMonths } from '../src/domain/months.ts';
import { recordContributionMonths } from '../src/store/lapse-people.ts';
import { screenLapses } from '../src/lapse/screen.ts';
import type { BenchOptions, Figure } from './types.ts';

const TOWNSHIPS = 250;
const MONTHS = Array.from({ length: 12 }, (_, k) => addMonths('2025-11', k)); // 2025-11 … 2026-10
const SCAN = '2026-10';

/** A fresh database: SQLite in `dir`, or a PostgreSQL database emptied of enrollbot's tables. */
async function freshDatabase(dir: string, pgUrl: string | undefined) {
  if (pgUrl) {
    const handle = await openDatabase(pgUrl);
    await sql`drop schema public cascade`.execute(handle.db);
    await sql`create schema public`.execute(handle.db);
    return handle;
  }
  return openDatabase(`sqlite:${join(dir, `scale-${Date.now()}.db`)}`);
}

/** `people` roster people, one in 20 lapsed at a month spread over the year, the rest paid up to the scan. */
async function seed(db: Kysely<Database>, people: number, postgres: boolean): Promise<void> {
  await migrateToLatestOrThrow(db);
  const now = new Date();
  await ensureBaseline(db, { areaName: '本市', areaKind: 'district', timeZone: 'Asia/Shanghai', now, admins: [] });
  const root = await getRootArea(db);
  let first = 0;
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < TOWNSHIPS; i++) {
      const id = (await createArea(tx, { parent: root, name: `第${i + 1}街道`, kind: 'township', now })).id;
      if (i === 0) first = id;
    }
  });
  const at = now.toISOString();
  const months = sql.join(MONTHS.map((m, k) => sql`(cast(${k} as integer), cast(${m} as text))`));
  // In slices of a million: one statement for ten million rows needs gigabytes of temporary space on PostgreSQL.
  for (let from = 1; from <= people; from += 1_000_000) {
    const to = Math.min(people, from + 999_999);
    const ids = postgres
      ? sql`select g as i from generate_series(${from}::int, ${to}::int) g`
      : sql`with recursive n(i) as (select ${from} union all select i + 1 from n where i < ${to}) select i from n`;
    const hash = postgres ? sql`'h' || lpad(n.i::text, 21, '0')` : sql`printf('h%021d', n.i)`;
    await db.transaction().execute(async (tx) => {
      await sql`with m(k, month) as (values ${months})
        insert into lapse_person (id, id_hash, id_masked, area_id, kind, last_paid_month, created_at, updated_at)
        select n.i, ${hash}, '430602********0000', ${first} + (n.i % ${TOWNSHIPS}), 'employer',
          (select month from m where k = case when n.i % 20 = 0 then (n.i / 20) % 12 else 11 end), ${at}, ${at}
        from (${ids}) n`.execute(tx);
    });
  }
  if (postgres) {
    await sql`select setval(pg_get_serial_sequence('lapse_person', 'id'), ${people})`.execute(db);
    // A month is screened days after its roster import, when autovacuum has
    // long set the visibility map (PostgreSQL vacuums a table after inserts
    // too): without it an index-only scan still reads each row's page.
    await sql`vacuum analyze`.execute(db);
  } else {
    await sql`analyze`.execute(db);
  }
  await recordContributionMonths(db, MONTHS, true);
}

async function screenAt(dir: string, pgUrl: string | undefined, people: number): Promise<{ ms: number; againMs: number; opened: number; lapsed: number }> {
  const handle = await freshDatabase(dir, pgUrl);
  try {
    await seed(handle.db, people, handle.dialect === 'postgres');
    const t1 = performance.now();
    const first = await handle.db.transaction().execute((tx) => screenLapses(tx, { month: SCAN, now: new Date() }));
    const ms = performance.now() - t1;
    const t2 = performance.now();
    await handle.db.transaction().execute((tx) => screenLapses(tx, { month: SCAN, now: new Date() }));
    const againMs = performance.now() - t2;
    const lapsed = await handle.db.selectFrom('lapse_person').select((eb) => eb.fn.countAll<number>().as('n')).where('last_paid_month', '<', SCAN).executeTakeFirstOrThrow();
    return { ms, againMs, opened: first.opened, lapsed: Number(lapsed.n) };
  } finally {
    await handle.close();
  }
}

export async function benchLapseScale(opts: BenchOptions & { pgUrl?: string }): Promise<Figure[]> {
  const sizes = opts.quick ? [100_000, 300_000, 1_000_000] : [1_000_000, 3_000_000, 10_000_000];
  const dir = mkdtempSync(join(tmpdir(), 'enrollbot-bench-lapse-scale-'));
  const dialect = opts.pgUrl ? 'PostgreSQL' : 'SQLite';
  try {
    const runs: { people: number; ms: number; againMs: number; opened: number; lapsed: number }[] = [];
    for (const people of sizes) runs.push({ people, ...(await screenAt(dir, opts.pgUrl, people)) });
    const smallest = runs[0]!;
    const largest = runs.at(-1)!;
    const growth = largest.ms / smallest.ms / (largest.people / smallest.people);
    const limitMs = (opts.pgUrl ? 10_000 : 5_000) * (largest.people / 10_000_000);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return [
      {
        name: `lapse screening on ${dialect}, ${largest.people.toLocaleString('en')} contributors${opts.quick ? ' (quick: 1/10 of the target\'s 10,000,000; time limit scaled)' : ''}`,
        value: runs.map((r) => `${r.people.toLocaleString('en')}: ${s(r.ms)} (again ${s(r.againMs)}, ${r.opened.toLocaleString('en')} opened)`).join('; '),
        reference: `the smallest size scaled up: ${growth.toFixed(2)} × linear`,
        target: `≤ ${s(limitMs)}, ≤ 1.3 × linear`,
        pass: largest.ms <= limitMs && largest.againMs <= limitMs && growth <= 1.3 && runs.every((r) => r.opened === r.lapsed),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await benchLapseScale({ quick: process.argv.includes('--quick'), pgUrl: process.env.ENROLLBOT_BENCH_PG });
  for (const r of rows) process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}\n      ${r.value}\n      reference: ${r.reference}\n      target: ${r.target}\n`);
  process.exit(rows.every((r) => r.pass) ? 0 : 1);
}
