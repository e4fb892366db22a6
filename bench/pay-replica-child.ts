/**
 * One bot process of the replicas figure (bench/pay-replicas.ts): opens the
 * app on the database named by argv[2], sets up townships of its own
 * (prefix argv[3]) with a coordinator and a bound channel each, prints
 * `ready`, waits for `go` on stdin, then logs argv[4] pays from 20
 * coordinators at once and prints one JSON line: when it started and ended
 * (ms since the epoch) and how many pays were recorded.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { consoleMessage } from '../src/platforms/console/console-platform.ts';
import { jsonLogger } from '../src/core/logger.ts';

const [url, prefix, count] = process.argv.slice(2);
const n = Number(count);
/** Townships of this process; its 20 senders share them. */
const TOWNSHIPS = 4;
const IN_FLIGHT = 20;

const app = await openApp({
  config: loadConfig({ DATABASE_URL: url!, ENROLLBOT_DEMO: '0' }),
  log: jsonLogger('error'),
  now: () => new Date('2026-11-23T02:00:00Z'),
  seedDemo: false,
  consoleAdmin: true,
});
const say = (user: string, channel: string, text: string, id: string) =>
  app.dispatcher.handle(consoleMessage({ user, channel, text, messageId: `${prefix}-${id}` }));
for (let t = 0; t < TOWNSHIPS; t++) {
  await say('admin', 'setup', `township add ${prefix}镇${t} target 10000000`, `s${t}`);
  await say('admin', `${prefix}-t${t}`, `bind ${prefix}镇${t}`, `b${t}`);
  await say('admin', 'setup', `grant ${prefix}c${t} coordinator ${prefix}镇${t}`, `g${t}`);
}
for (let i = 0; i < 50; i++) await say(`${prefix}c${i % TOWNSHIPS}`, `${prefix}-t${i % TOWNSHIPS}`, 'pay 2 800', `w${i}`);
/**
 * The burst's path (pays sharing their statements) run until the JIT has
 * compiled it: the figure is a bot's steady rate. With 200 warm-up pays the
 * optimizing compiler was still at work in the measured window, on the
 * cores the other process and the server needed.
 */
async function warmBurst(count: number): Promise<void> {
  let k = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, sender) => {
      for (let i = k++; i < count; i = k++) await say(`${prefix}c${sender % TOWNSHIPS}`, `${prefix}-t${sender % TOWNSHIPS}`, 'pay 2 800', `wb${i}`);
    }),
  );
}
await warmBurst(3000);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
let next = 0;
let recorded = 0;
const start = Date.now();
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async (_, sender) => {
    const t = sender % TOWNSHIPS;
    for (let i = next++; i < n; i = next++) {
      const r = await say(`${prefix}c${t}`, `${prefix}-t${t}`, `缴费 ${1 + (i % 9)}人 0.0${1 + (i % 9)}万`, `m${i}`);
      if (r.status !== 'ok' || !r.text.startsWith('已登记')) throw new Error(`pay not recorded in the bench: ${r.text}`);
      recorded++;
    }
  }),
);
const end = Date.now();
await app.close();
process.stdout.write(`${JSON.stringify({ start, end, recorded })}\n`);
lines.close();
