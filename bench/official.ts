/**
 * Official import benchmark (docs/figures.md): the information platform's
 * daily export of a city, 250 townships and 30,000 villages (120 each, their
 * names repeated from township to township as real village names are),
 * imported whole through `import official`: read and checked on its thread,
 * compared with what is stored, the sums above the rows made, and stored in
 * one transaction. Target ≤ 1 s. Printed beside it: raw better-sqlite3
 * inserting the same number of snapshot rows, and the same file imported a
 * second time (nothing new: compared, nothing written).
 *
 * The file is the same size with `--quick`: it is the target's size already.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatestOrThrow } from '../src/db/migrate.ts';
import { ensureBaseline } from '../src/setup/baseline.ts';
import { getRootArea } from '../src/store/areas.ts';
import { getCurrentCampaign } from '../src/store/campaigns.ts';
import { importOfficial } from '../src/import/import-official.ts';
import type { Figure } from './types.ts';

const TOWNSHIPS = 250;
const VILLAGES = 120;
const NOW = new Date('2026-11-23T02:00:00Z');

/** A city's areas, written with raw statements (the bench measures the import, not this setup). */
function seedAreas(file: string, rootId: number, rootPath: string): void {
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  const insert = raw.prepare('INSERT INTO area (parent_id, name, kind, path, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id');
  const setPath = raw.prepare('UPDATE area SET path = ? WHERE id = ?');
  raw.transaction(() => {
    for (let i = 1; i <= TOWNSHIPS; i++) {
      const { id } = insert.get(rootId, `第${i}街道`, 'township', '', NOW.toISOString()) as { id: number };
      const path = `${rootPath}${id}/`;
      setPath.run(path, id);
      for (let j = 1; j <= VILLAGES; j++) {
        const v = insert.get(id, `第${j}村`, 'village', '', NOW.toISOString()) as { id: number };
        setPath.run(`${path}${v.id}/`, v.id);
      }
    }
  })();
  raw.close();
}

/** The export: a township column, a village column, people paid, amount; one row per village and per township. */
function writeExport(path: string): number {
  const lines = ['乡镇,村,已缴费人数,缴费金额,截至日期'];
  for (let i = 1; i <= TOWNSHIPS; i++) {
    let township = 0;
    for (let j = 1; j <= VILLAGES; j++) {
      const people = 100 + ((i * 7 + j * 13) % 400);
      township += people;
      lines.push(`第${i}街道,第${j}村,${people},${people * 400},2026-11-22`);
    }
    lines.push(`第${i}街道,,${township},${township * 400},2026-11-22`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return lines.length - 1;
}

/** Raw better-sqlite3 inserting `rows` snapshot rows in one transaction, in a copy of the schema: milliseconds. */
function rawInsert(file: string, rows: number): number {
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.exec('CREATE TABLE raw_snapshot (id INTEGER PRIMARY KEY, import_id INTEGER, campaign_id INTEGER, area_id INTEGER, as_of TEXT, people INTEGER, amount_fen INTEGER)');
  raw.exec('CREATE INDEX raw_snapshot_area_date ON raw_snapshot (campaign_id, area_id, as_of, id)');
  raw.exec('CREATE INDEX raw_snapshot_date ON raw_snapshot (campaign_id, as_of)');
  const insert = raw.prepare('INSERT INTO raw_snapshot (import_id, campaign_id, area_id, as_of, people, amount_fen) VALUES (?, ?, ?, ?, ?, ?)');
  const t0 = performance.now();
  raw.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(1, 1, i + 2, '2026-11-22', 100 + (i % 400), (100 + (i % 400)) * 40_000);
  })();
  const ms = performance.now() - t0;
  raw.close();
  return ms;
}

export async function benchOfficial(_opts?: { quick: boolean }): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'enrollbot-bench-official-'));
  try {
    const dbFile = join(dir, 'bench.db');
    const handle = await openDatabase(`sqlite:${dbFile}`);
    await migrateToLatestOrThrow(handle.db);
    await ensureBaseline(handle.db, { areaName: '本市', areaKind: 'district', timeZone: 'Asia/Shanghai', now: NOW, admins: [] });
    const root = await getRootArea(handle.db);
    seedAreas(dbFile, root.id, root.path);
    const csv = join(dir, 'official.csv');
    const rows = writeExport(csv);
    const run = async () => {
      const campaign = await getCurrentCampaign(handle.db);
      const t0 = performance.now();
      const report = await importOfficial(csv, {
        db: handle.db,
        campaign,
        asOf: null,
        today: '2026-11-23',
        now: NOW,
        by: { memberId: null, platform: 'cli', channelId: 'bench' },
      });
      return { ms: performance.now() - t0, report };
    };
    const first = await run();
    const again = await run();
    await handle.close();
    const stored = first.report.official?.stored ?? 0;
    const rawMs = rawInsert(join(dir, 'raw.db'), stored);
    const ok = first.report.committed && stored === rows + 1 && again.report.official?.stored === 0;
    return [
      {
        name: `official import, ${TOWNSHIPS} townships + ${(TOWNSHIPS * VILLAGES).toLocaleString('en')} villages (${rows.toLocaleString('en')} CSV rows; ${stored.toLocaleString('en')} figures stored with the city's sum)`,
        value: `${(first.ms / 1000).toFixed(2)} s; the same file again: ${(again.ms / 1000).toFixed(2)} s, ${again.report.official?.stored ?? '?'} stored`,
        reference: `raw better-sqlite3 inserting ${stored.toLocaleString('en')} snapshot rows: ${(rawMs / 1000).toFixed(2)} s`,
        target: '≤ 1 s, whole file, nothing stored twice',
        pass: ok && first.ms <= 1000,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchOfficial()) process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.value}  (reference: ${r.reference})\n`);
}
