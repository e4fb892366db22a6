/**
 * Where the time of the replicas figure goes (a measuring aid, not a figure):
 * runs bench/pay-replicas.ts with one and then two bot processes on the
 * server of ENROLLBOT_TEST_DATABASE_URL while sampling, every 20 ms, what
 * the server's active backends wait on (pg_stat_activity), and reading the
 * machine's CPU (/proc/stat) and the PostgreSQL processes' CPU over the run.
 *   scripts/with-postgres.sh npx tsx bench/pay-replicas-probe.ts [pays]
 */
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { benchDatabaseUrl, benchPostgresUrl, dropBenchDatabase } from './db.ts';
import { replicasRun } from './pay-replicas.ts';

const n = Number(process.argv[2] ?? 600);
const ticks = () => {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const v = f.map(Number);
  return { busy: v[0]! + v[1]! + v[2]! + v[5]! + v[6]! + v[7]!, all: v.reduce((a, b) => a + b, 0) };
};
/** The bench server's postmaster: other PostgreSQL clusters may run on the machine. */
let postmaster = 0;
/** CPU ticks of the bench server's processes (its postmaster and the postmaster's children). */
const serverTicks = () => {
  let sum = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pid) !== postmaster && Number(f[1]) !== postmaster) continue;
      sum += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return sum;
};
const admin = new pg.Client({ connectionString: benchPostgresUrl()! });
await admin.connect();
const backend = Number((await admin.query('select pg_backend_pid() as pid')).rows[0].pid);
postmaster = Number(readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
for (const count of [1, 2]) {
  const url = await benchDatabaseUrl({ quick: true, pg: true }, '/tmp', `probe${count}`);
  /** Every 20 ms: when, the machine's and the server's CPU ticks, and what each busy backend was doing. */
  const marks: { at: number; machine: ReturnType<typeof ticks>; server: number; backends: string[] }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const at = Date.now();
      const machine = ticks();
      const server = serverTicks();
      const r = await admin.query(
        `select state || ' ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') as w from pg_stat_activity where state <> 'idle' and backend_type = 'client backend' and pid <> pg_backend_pid()`,
      );
      marks.push({ at, machine, server, backends: (r.rows as { w: string }[]).map((row) => row.w) });
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  const run = await replicasRun(url, count, n);
  sampling = false;
  await sampler;
  // Only the pays' window counts: setting up the processes is not their work.
  const inside = marks.filter((m) => m.at >= run.start && m.at <= run.end);
  const first = inside[0]!;
  const last = inside[inside.length - 1]!;
  const pays = run.rate * ((last.at - first.at) / 1000);
  const waits = new Map<string, number>();
  for (const m of inside) for (const w of m.backends) waits.set(w, (waits.get(w) ?? 0) + 1);
  console.log(
    `${count} process(es): ${run.rate.toFixed(0)}/s; machine CPU busy ${((100 * (last.machine.busy - first.machine.busy)) / (last.machine.all - first.machine.all)).toFixed(0)}% of its cores; PostgreSQL CPU ${(((last.server - first.server) * 10_000) / pays).toFixed(0)} µs a pay`,
  );
  console.log(`  busy backends in ${inside.length} samples:`, [...waits].sort((a, b) => b[1] - a[1]).map(([w, c]) => `${w} ${c}`).join(', '));
  await dropBenchDatabase(url);
}
await admin.end();
