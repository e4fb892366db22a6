/**
 * `pay` through the full pipeline (parse, permission, transaction, reply text)
 * on a durable SQLite file, against raw better-sqlite3 doing the same writes in
 * one transaction with the same pragmas, in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { consoleMessage } from '../src/platforms/console/console-platform.ts';
import { jsonLogger } from '../src/core/logger.ts';
import { openDatabase, SQLITE_PRAGMAS } from '../src/db/database.ts';
import { migrateToLatestOrThrow } from '../src/db/migrate.ts';
import type { BenchOptions, Figure } from './types.ts';
import { benchDatabaseUrl, dropBenchDatabase } from './db.ts';
import { NEWEST_DAY_SET, rawPgRate } from './pay-raw-pg.ts';
import { replicasRate } from './pay-replicas.ts';

/**
 * Pays each side makes before its measured ones: a bot's figure is its
 * steady rate, and its pipeline is far more code than the raw loop. With 50
 * the optimizing compiler was still compiling the bot's hot functions in the
 * measured window (over a second of CPU for one of them on PostgreSQL),
 * taking the core the database needed. The raw loops warm up as long.
 */
const WARM_PAYS = 2000;

/** `inFlight` coordinators logging at once, each waiting for its reply before the next. */
async function pipelineRate(dir: string, n: number, inFlight: number, opts: BenchOptions = { quick: false }): Promise<number> {
  const url = await benchDatabaseUrl(opts, dir, 'pipeline');
  const config = loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0' });
  const app = await openApp({
    config,
    log: jsonLogger('error'),
    now: () => new Date('2026-11-23T02:00:00Z'),
    seedDemo: false,
    consoleAdmin: true,
  });
  const say = (user: string, channel: string, text: string, id: string) =>
    app.dispatcher.handle(consoleMessage({ user, channel, text, messageId: id }));
  for (let i = 0; i < 20; i++) await say('admin', 'setup', `township add 镇${i} target 10000000`, `s${i}`);
  await say('admin', 't0', 'bind 镇0', 'b');
  await say('admin', 'setup', 'grant coord coordinator 镇0', 'g');
  for (let i = 0; i < 50; i++) await say('coord', 't0', `pay 2 800`, `w${i}`);
  // Warm the measured path until the JIT has compiled it (see WARM_PAYS).
  let warmed = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = warmed++; i < WARM_PAYS; i = warmed++) await say('coord', 't0', 'pay 2 800', `wb${i}`);
    }),
  );
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < n; i = next++) {
        const r = await say('coord', 't0', `缴费 ${1 + (i % 9)}人 0.0${1 + (i % 9)}万`, `m${i}`);
        if (r.status !== 'ok' || !r.text.startsWith('已登记')) throw new Error(`pay not recorded in the bench: ${r.text}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await app.close();
  await dropBenchDatabase(url);
  return n / seconds;
}

async function rawRate(dir: string, n: number): Promise<number> {
  const file = join(dir, 'raw.db');
  const handle = await openDatabase(`sqlite:${file}`);
  await migrateToLatestOrThrow(handle.db);
  await handle.close();
  const db = new SqliteDatabase(file);
  for (const p of SQLITE_PRAGMAS) db.pragma(p);
  const now = '2026-11-23T02:00:00.000Z';
  db.prepare(`insert into area (id, parent_id, name, kind, path, created_at) values (1, null, '本区', 'district', '/1/', ?)`).run(now);
  db.prepare(`insert into area (id, parent_id, name, kind, path, created_at) values (2, 1, '镇0', 'township', '/1/2/', ?)`).run(now);
  db.prepare(`insert into campaign (id, name, start_date, deadline, premium_fen, time_zone, is_current, created_at) values (1, 'c', '2026-09-01', '2026-12-31', 40000, 'Asia/Shanghai', 1, ?)`).run(now);
  db.prepare(`insert into member (id, name, locale, created_at) values (1, 'coord', null, ?)`).run(now);
  const insertEntry = db.prepare(
    `insert into ledger_entry (campaign_id, area_id, kind, people, amount_fen, member_id, platform, channel_id, source_key, business_date, recorded_at) values (1, 2, 'payment', ?, ?, 1, 'console', 't0', ?, '2026-11-23', ?)`,
  );
  const total = db.prepare(
    `insert into area_total (campaign_id, area_id, people, amount_fen, entries, day, day_people) values (1, ?, ?, ?, 1, '2026-11-23', ?) on conflict (campaign_id, area_id) do update set people = area_total.people + excluded.people, amount_fen = area_total.amount_fen + excluded.amount_fen, entries = area_total.entries + excluded.entries, ${NEWEST_DAY_SET}`,
  );
  const day = db.prepare(
    `insert into area_day (campaign_id, area_id, business_date, people, amount_fen) values (1, ?, '2026-11-23', ?, ?) on conflict (campaign_id, area_id, business_date) do update set people = area_day.people + excluded.people, amount_fen = area_day.amount_fen + excluded.amount_fen`,
  );
  const audit = db.prepare(`insert into audit_log (at, member_id, platform, channel_id, action, detail) values (?, 1, 'console', 't0', 'ledger.pay', ?)`);
  const inbound = db.prepare(`insert into inbound_message (source_key, reply, created_at) values (?, ?, ?)`);
  const pay = db.transaction((i: number) => {
    const people = 1 + (i % 9);
    const fen = people * 10_000;
    const key = `console:m${i}`;
    const id = insertEntry.run(people, fen, key, now).lastInsertRowid;
    for (const area of [1, 2]) total.run(area, people, fen, people);
    for (const area of [1, 2]) day.run(area, people, fen);
    audit.run(now, JSON.stringify({ entry: Number(id), people, amount_fen: fen }));
    inbound.run(key, JSON.stringify({ status: 'ok', text: `recorded #${id}` }), now);
  });
  for (let i = 0; i < WARM_PAYS; i++) pay(1_000_000 + i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) pay(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return n / seconds;
}

/** Coordinators logging at the same moment in the bench's main figure. */
const IN_FLIGHT = 20;

export async function benchPay(opts: BenchOptions): Promise<Figure[]> {
  const n = opts.quick ? 600 : 4000;
  const dir = mkdtempSync(join(tmpdir(), 'enrollbot-bench-pay-'));
  try {
    // Alternate the runs so disk and CPU drift hit all alike; keep the best round of each.
    let burst = 0;
    let serial = 0;
    let raw = 0;
    const rawOnce = async () => {
      if (!opts.pg) return rawRate(mkdtempSync(join(dir, 'r')), n);
      const url = await benchDatabaseUrl(opts, dir, 'raw');
      try {
        return await rawPgRate(url, n, 1, WARM_PAYS);
      } finally {
        await dropBenchDatabase(url);
      }
    };
    for (let round = 0; round < 2; round++) {
      raw = Math.max(raw, await rawOnce());
      burst = Math.max(burst, await pipelineRate(mkdtempSync(join(dir, 'p')), n, IN_FLIGHT, opts));
      serial = Math.max(serial, await pipelineRate(mkdtempSync(join(dir, 's')), n, 1, opts));
    }
    const pct = (x: number) => `${((x / raw) * 100).toFixed(0)}% of raw`;
    const replicas: Figure[] = [];
    let sameRoundTrips = raw;
    if (opts.pg) {
      // What the bot's own round trips allow (20 pays a transaction, two shared statements), without the bot.
      let rawBatched = 0;
      for (let round = 0; round < 2; round++) {
        const url = await benchDatabaseUrl(opts, dir, 'raw_batched');
        try {
          rawBatched = Math.max(rawBatched, await rawPgRate(url, n, IN_FLIGHT, WARM_PAYS));
        } finally {
          await dropBenchDatabase(url);
        }
      }
      // The target's reference is raw node-postgres making the bot's own
      // round trips: since a burst's pays share their statements, that is
      // the batched loop, not one transaction per pay.
      sameRoundTrips = rawBatched;
      replicas.push({
        name: `pay through the full pipeline against raw node-postgres with one transaction per pay (shown for transparency, not a target)`,
        value: `${burst.toFixed(0)}/s (${pct(burst)})`,
        reference: `raw node-postgres, one transaction per pay (entry and totals in one statement, audit and reply in another), one connection: ${raw.toFixed(0)}/s`,
        pass: true,
      });
      // One bot process, then two on one database; alternated, the best round of each.
      // At least 2,000 pays each: 600 (quick) ran in under half a second, so
      // one process getting the CPU a tenth of a second late on a shared
      // machine moved the figure by a quarter.
      const each = Math.max(n, 2000);
      let one = 0;
      let two = 0;
      for (let round = 0; round < 2; round++) {
        for (const [count, set] of [[1, (x: number) => (one = Math.max(one, x))], [2, (x: number) => (two = Math.max(two, x))]] as const) {
          const url = await benchDatabaseUrl(opts, dir, `replicas${count}`);
          try {
            set(await replicasRate(url, count, each));
          } finally {
            await dropBenchDatabase(url);
          }
        }
      }
      replicas.push({
        name: `pay from two bot processes on one PostgreSQL database, ${each} commands each from 20 coordinators at once, townships of their own`,
        value: `${two.toFixed(0)}/s (${(two / one).toFixed(2)} × one process)`,
        reference: `one bot process, the same commands: ${one.toFixed(0)}/s`,
        target: '≥ 1.6 × one process',
        pass: two >= 1.6 * one,
      });
    }
    return [
      {
        name: `pay through the full pipeline, ${opts.pg ? 'PostgreSQL' : 'durable SQLite'}: ${n} commands from ${IN_FLIGHT} coordinators at once`,
        value: `${burst.toFixed(0)}/s (${((burst / sameRoundTrips) * 100).toFixed(0)}% of raw); group commit, each reply after its own ${opts.pg ? '' : "fsync'd "}commit`,
        reference: opts.pg
          ? `raw node-postgres making the bot's round trips, ${IN_FLIGHT} pays a transaction (their entries and totals in one statement, audit rows and replies in another), one connection: ${sameRoundTrips.toFixed(0)}/s`
          : `raw better-sqlite3, the same statements in one transaction per pay, same pragmas (WAL, synchronous=FULL): ${raw.toFixed(0)}/s`,
        target: '≥ 80% of raw',
        pass: burst >= 0.8 * sameRoundTrips,
      },
      {
        name: `pay through the full pipeline, one coordinator at a time (shown for transparency, not a target)`,
        value: `${serial.toFixed(0)}/s (${pct(serial)})`,
        reference: `raw: ${raw.toFixed(0)}/s`,
        pass: true,
      },
      ...replicas,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
