/**
 * Where the time of a PostgreSQL `pay` goes (a measuring aid, not a figure):
 * the bench's pipeline (bench/pay.ts) with every statement node-postgres
 * sends recorded: statements a pay, each kind's count and time to answer,
 * the connections that carried them, how many entry statements each
 * transaction held, the Node CPU a pay, and the machine's (the server's
 * too). `raw` traces bench/pay-raw-pg.ts instead, the second number then
 * being its pays a transaction.
 *   scripts/with-postgres.sh npx tsx bench/pay-trace.ts [pays] [in flight] [raw]
 * Profile the same run with `node --cpu-prof --import tsx bench/pay-trace.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { consoleMessage } from '../src/platforms/console/console-platform.ts';
import { jsonLogger } from '../src/core/logger.ts';
import { benchDatabaseUrl, dropBenchDatabase } from './db.ts';

const log: { t: number; client: number; text: string; dur: number; rows: number }[] = [];
let tracing = false;
const ids = new WeakMap<object, number>();
let nextId = 0;
type Query = (this: object, a: unknown, b?: unknown, c?: unknown) => unknown;
const client = pg.Client.prototype as unknown as { query: Query };
const orig = client.query;
client.query = function (this: object, a: unknown, b?: unknown, c?: unknown) {
  if (!ids.has(this)) ids.set(this, ++nextId);
  const text = typeof a === 'string' ? a : ((a as { text?: string } | null)?.text ?? String(a));
  // A shared statement's rows come as arrays: the first one's length is how many writes it carries.
  const values = typeof a === 'string' ? b : (a as { values?: unknown[] } | null)?.values;
  const first = Array.isArray(values) ? values[0] : undefined;
  const rows = Array.isArray(first) ? first.length : 1;
  const t0 = performance.now();
  const r = orig.call(this, a, b, c) as Promise<unknown> | undefined;
  if (tracing && r && typeof r.then === 'function') {
    const id = ids.get(this)!;
    r.then(() => log.push({ t: t0, client: id, text: text.slice(0, 60).replace(/\s+/g, ' '), dur: performance.now() - t0, rows }), () => {});
  }
  return r;
};
/** The machine's busy and total CPU ticks (all cores, all processes: the server's too). */
const machineTicks = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + f[4]!;
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};
/** Measures a window: this process's CPU and the machine's, a pay. */
function cpuWindow(n: number) {
  const machine0 = machineTicks();
  const cpu0 = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    const machine1 = machineTicks();
    const busy = machine1.busy - machine0.busy;
    return `Node CPU ${((cpu.user + cpu.system) / n).toFixed(0)} µs a pay; machine busy ${((busy / (machine1.total - machine0.total)) * 100).toFixed(0)}% of its cores, ${((busy * 10_000) / n).toFixed(0)} µs of CPU a pay in all processes`;
  };
}
if (process.argv[4] === 'raw') {
  const { rawPgRate } = await import('./pay-raw-pg.ts');
  const rurl = await benchDatabaseUrl({ quick: true, pg: true }, '/tmp', 'rawtrace');
  tracing = true;
  let measured = () => '';
  const rate = await rawPgRate(rurl, Number(process.argv[2] ?? 600), Number(process.argv[3] ?? 1), 2000, {
    start: () => (measured = cpuWindow(Number(process.argv[2] ?? 600))),
    end: () => console.log(measured()),
  });
  tracing = false;
  await dropBenchDatabase(rurl);
  console.log(`raw ${rate.toFixed(0)}/s`);
  const byText = new Map<string, { n: number; dur: number }>();
  for (const e of log.slice(-4 * Number(process.argv[2] ?? 600))) { const x = byText.get(e.text) ?? { n: 0, dur: 0 }; x.n++; x.dur += e.dur; byText.set(e.text, x); }
  for (const [k, v] of byText) console.log(`${v.n}\t${(v.dur / v.n).toFixed(3)}ms\t${k}`);
  process.exit(0);
}
const url = await benchDatabaseUrl({ quick: true, pg: true }, '/tmp', 'trace');
const app = await openApp({ config: loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0' }), log: jsonLogger('error'), now: () => new Date('2026-11-23T02:00:00Z'), seedDemo: false, consoleAdmin: true });
const say = (user: string, channel: string, text: string, id: string) => app.dispatcher.handle(consoleMessage({ user, channel, text, messageId: id }));
for (let i = 0; i < 20; i++) await say('admin', 'setup', `township add 镇${i} target 10000000`, `s${i}`);
await say('admin', 't0', 'bind 镇0', 'b');
await say('admin', 'setup', 'grant coord coordinator 镇0', 'g');
for (let i = 0; i < 50; i++) await say('coord', 't0', `pay 2 800`, `w${i}`);
const n = Number(process.argv[2] ?? 600), inFlight = Number(process.argv[3] ?? 20);
tracing = true;
let next = 0;
/** CPU ticks per thread of this process, by the thread's name. */
const threadTicks = () => {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${name}#${tid}`, Number(f[11]) + Number(f[12]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
};
const threads0 = threadTicks();
const measured = cpuWindow(n);
const window0 = process.hrtime.bigint();
const start = performance.now();
await Promise.all(Array.from({ length: inFlight }, async () => {
  for (let i = next++; i < n; i = next++) {
    const r = await say('coord', 't0', `缴费 ${1 + (i % 9)}人 0.0${1 + (i % 9)}万`, `m${i}`);
    if (!r.text.startsWith('已登记')) throw new Error(r.text);
  }
}));
const ms = performance.now() - start;
console.log(measured());
const threads1 = threadTicks();
console.error('threads (ms of CPU in the window):', [...threads1].map(([k, v]) => [k, (v - (threads0.get(k) ?? 0)) * 10]).filter(([, v]) => (v as number) > 0).map(([k, v]) => `${k} ${v}`).join(', '));
// The measured window on the monotonic clock a --cpu-prof profile's timestamps use (µs).
console.error(`window ${window0 / 1000n} ${process.hrtime.bigint() / 1000n}`);
tracing = false;
await app.close();
await dropBenchDatabase(url);
console.log(`${n} pays in ${ms.toFixed(0)} ms = ${(n / ms * 1000).toFixed(0)}/s, ${(ms / n).toFixed(3)} ms/pay`);
const byText = new Map<string, { n: number; dur: number }>();
for (const e of log) { const k = e.text; const x = byText.get(k) ?? { n: 0, dur: 0 }; x.n++; x.dur += e.dur; byText.set(k, x); }
console.log(`statements: ${log.length} (${(log.length / n).toFixed(2)} per pay)`);
for (const [k, v] of [...byText].sort((a, b) => b[1].n - a[1].n)) console.log(`${v.n}\t${(v.dur / v.n).toFixed(3)}ms\t${k}`);
const clients = new Map<number, number>(); for (const e of log) clients.set(e.client, (clients.get(e.client) ?? 0) + 1);
console.log('per client', [...clients]);
// Per transaction: the pays it carried (the rows of its entry statements) and how many entry statements.
const batches: { pays: number; statements: number }[] = [];
let cur: { pays: number; statements: number } | null = null;
for (const e of [...log].sort((a, b) => a.t - b.t)) {
  if (e.text.startsWith('begin')) cur = { pays: 0, statements: 0 };
  else if (e.text.startsWith('commit') && cur) {
    batches.push(cur);
    cur = null;
  } else if (e.text.startsWith('with "e"') && cur) {
    cur.pays += e.rows;
    cur.statements++;
  }
}
const hist = new Map<string, number>();
for (const b of batches) hist.set(`${b.pays} pays/${b.statements} st`, (hist.get(`${b.pays} pays/${b.statements} st`) ?? 0) + 1);
console.log('transactions', batches.length, [...hist].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}: ${v}`).join(', '));
