/**
 * A child process of the lapse bench, so its peak memory is its own:
 * `import <db> <file>` imports a roster; `read <file>` only reads the file
 * (the reference); `raw <db> <rows>` inserts like rows with better-sqlite3 alone
 * (the floor on this machine). Prints one JSON line: elapsed ms, rows, peak RSS in MB.
 */
import { createReadStream } from 'node:fs';
import { sql } from 'kysely';
import Sqlite from 'better-sqlite3';
import { openDatabase, SQLITE_PRAGMAS } from '../src/db/database.ts';
import { migrateToLatestOrThrow } from '../src/db/migrate.ts';
import { piiHasher } from '../src/domain/pii-hash.ts';
import { deriveSealKeys, piiSealer } from '../src/domain/pii-seal.ts';
import { importRoster } from '../src/import/import-roster.ts';

const [mode, a, b] = process.argv.slice(2);
/** The rest of a sealed contact's length, after its prefix and a row number. */
const SEALED_TAIL = 'Qk9hV2xTc3R1dnd4eXpBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWjAx';
const peakMb = () => process.resourceUsage().maxRSS / 1024;
/** CPU time of every thread of the process so far, in ms: steadier than elapsed time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

if (mode === 'read') {
  const t0 = performance.now();
  let lines = 0;
  for await (const chunk of createReadStream(a!, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  }
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, rows: lines - 1, peakMb: peakMb() })}\n`);
} else if (mode === 'import') {
  // A file, or (`npm run bench -- --pg`) a PostgreSQL URL.
  const handle = await openDatabase(/^postgres(ql)?:\/\//.test(a!) ? a! : `sqlite:${a}`);
  await migrateToLatestOrThrow(handle.db);
  if (handle.dialect === 'sqlite') {
    // The same page caches the CLI import sets.
    await sql`pragma cache_size = -24576`.execute(handle.db);
    await sql`pragma temp.cache_size = -2048`.execute(handle.db);
  }
  const t0 = performance.now();
  const cpu0 = cpuMs();
  const report = await importRoster(b!, {
    db: handle.db,
    hasher: piiHasher('bench-key'), sealer: piiSealer(deriveSealKeys('bench-key')),
    now: new Date(),
    today: '2026-11-23',
  });
  const ms = performance.now() - t0;
  await handle.close();
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: cpuMs() - cpu0, rows: report.rowsRead, taken: report.taken, committed: report.committed, peakMb: peakMb() })}\n`);
} else if (mode === 'raw') {
  // The floor: the same table and indexes, one prepared multi-row statement, no parsing or checking.
  const db = new Sqlite(a!);
  const firstArea = (db.prepare(`select min(id) as id from area where kind = 'township'`).get() as { id: number }).id;
  for (const p of SQLITE_PRAGMAS) db.pragma(p);
  db.pragma('cache_size = -24576');
  const rows = Number(b);
  const B = 500;
  const stmt = db.prepare(
    `insert into lapse_person (id_hash, id_masked, contact, name_masked, phone_masked, area_id, kind, employer, cadre_member_id, cadre_text, created_at, updated_at) values ${Array(B).fill('(?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`,
  );
  const t0 = performance.now();
  const cpu0 = cpuMs();
  db.transaction(() => {
    const params: unknown[] = [];
    for (let i = 0; i < rows; i++) {
      // Rows shaped like the import's: the same columns filled with values as
      // long (a sealed contact of a three-character name and a phone is 69
      // characters), a real township, a random-looking hash.
      params.push(
        `h${String((i * 2654435761) % 4294967296).padStart(10, '0')}${String(i).padStart(11, '0')}`,
        '430602********0000',
        `g1.${String(i).padStart(10, '0')}${SEALED_TAIL}`,
        '张*丰',
        '138****0000',
        firstArea + (i % 250),
        'employer',
        `岳阳市第${i % 5000}有限公司`,
        null,
        null,
        'now',
        'now',
      );
      if (params.length === B * 12) {
        stmt.run(params);
        params.length = 0;
      }
    }
  })();
  const ms = performance.now() - t0;
  db.close();
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: cpuMs() - cpu0, rows, peakMb: peakMb() })}\n`);
} else {
  process.stderr.write('usage: lapse-child.ts read <file> | import <db> <file>\n');
  process.exit(2);
}
