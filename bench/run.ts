/**
 * `npm run bench [-- --quick] [-- --pg]`: the figures of docs/figures.md,
 * each printed beside the reference it is compared with, measured in the
 * same run. `--pg` measures every figure on PostgreSQL instead of SQLite:
 * on the server of a `postgres://` DATABASE_URL (or ENROLLBOT_TEST_DATABASE_URL)
 * when one is set, otherwise on a throwaway cluster started for the run by
 * scripts/with-postgres.sh.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { APP_NODE_FLAGS, v8PoolSize } from '../src/ops/node-flags.ts';
import { benchDatabaseUrl, benchPostgresUrl, dropBenchDatabase } from './db.ts';
import { benchPay } from './pay.ts';
import { benchPayDuringPost } from './pay-during-post.ts';
import { benchBoard } from './board.ts';
import { benchSlack } from './slack.ts';
import { benchLapse } from './lapse.ts';
import { benchLapseScale } from './lapse-scale.ts';
import { benchRobots } from './robots.ts';
import { benchOfficial } from './official.ts';
import type { BenchOptions, Figure } from './types.ts';

const opts: BenchOptions = { quick: process.argv.includes('--quick'), pg: process.argv.includes('--pg') };
/**
 * `--report`: print every figure, and exit non-zero only when a suite could not
 * run to its end (CI: a broken bench fails the run; a figure that misses its
 * limit shows as FAIL in the log, beside its reference).
 */
const reportOnly = process.argv.includes('--report');

if (v8PoolSize(process.execArgv, process.env.NODE_OPTIONS) === null) {
  // The figures are the app's as it runs (`npm run bench` passes its node
  // flags): run directly (`npx tsx bench/run.ts`), it runs itself again with them.
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...APP_NODE_FLAGS, ...process.execArgv, self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

if (opts.pg && !benchPostgresUrl()) {
  // No server named: run this same bench again inside a throwaway cluster.
  const script = fileURLToPath(new URL('../scripts/with-postgres.sh', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(script, [process.execPath, ...APP_NODE_FLAGS, '--import', 'tsx', self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

/** Each suite by its short name (`--only pay,board` runs those alone) and its title. */
const suites: [string, string, (o: BenchOptions) => Promise<Figure[]>][] = [
  ['pay', 'pay', benchPay],
  ['pay-during-post', 'pay during board post', benchPayDuringPost],
  ['board', 'board', benchBoard],
  ['lapse', 'lapse', benchLapse],
  ['official', 'official import', benchOfficial],
  // With --pg in a database of its own on the bench's server (it empties the one it is given).
  ['lapse-scale', 'lapse at scale', async (o) => {
    if (!o.pg) return benchLapseScale({ ...o, pgUrl: process.env.ENROLLBOT_BENCH_PG });
    const url = await benchDatabaseUrl(o, tmpdir(), 'lapse_scale');
    return benchLapseScale({ ...o, pgUrl: url }).finally(() => dropBenchDatabase(url));
  }],
  ['slack', 'slack', benchSlack],
  ['robots', 'robots', benchRobots],
];
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const unknown = only ? [...only].filter((k) => !suites.some(([key]) => key === k)) : [];
if (unknown.length) {
  process.stderr.write(`bench: no suite ${unknown.join(', ')}; the suites are ${suites.map(([key]) => key).join(', ')}\n`);
  process.exit(2);
}

const rows: Figure[] = [];
let broken = false;
for (const [key, name, run] of suites) {
  if (only && !only.has(key)) continue;
  process.stderr.write(`bench: ${name}${opts.quick ? ' (quick)' : ''}${opts.pg ? ' on PostgreSQL' : ''}…\n`);
  try {
    rows.push(...(await run(opts)));
  } catch (e) {
    // One suite that fails to run is a failed figure, not the end of the others.
    broken = true;
    rows.push({ name: `${name}: the suite did not finish`, value: e instanceof Error ? e.message : String(e), reference: '', pass: false });
  }
}
for (const r of rows) {
  process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}\n      ${r.value}\n      reference: ${r.reference}${r.target ? `\n      target: ${r.target}` : ''}\n`);
}
const missed = rows.filter((r) => !r.pass).length;
process.stdout.write(`${rows.length - missed} of ${rows.length} figures within their limits${opts.pg ? ' on PostgreSQL' : ''}\n`);
process.exit(reportOnly ? (broken ? 1 : 0) : missed === 0 ? 0 : 1);
