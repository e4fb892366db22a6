/**
 * `npm run bench [-- --quick]`: the figures of docs/figures.md, each printed
 * beside the reference it is compared with, measured in the same run.
 */
import { benchPay } from './pay.ts';
import { benchPayDuringPost } from './pay-during-post.ts';
import { benchBoard } from './board.ts';
import { benchSlack } from './slack.ts';
import { benchLapse } from './lapse.ts';
import { benchLapseScale } from './lapse-scale.ts';
import { benchRobots } from './robots.ts';
import type { BenchOptions, Figure } from './types.ts';

const opts: BenchOptions = { quick: process.argv.includes('--quick') };

const suites: [string, (o: BenchOptions) => Promise<Figure[]>][] = [
  ['pay', benchPay],
  ['pay during board post', benchPayDuringPost],
  ['board', benchBoard],
  ['lapse', benchLapse],
  ['lapse at scale', (o) => benchLapseScale({ ...o, pgUrl: process.env.ENROLLBOT_BENCH_PG })],
  ['slack', benchSlack],
  ['robots', benchRobots],
];

const rows: Figure[] = [];
for (const [name, run] of suites) {
  process.stderr.write(`bench: ${name}${opts.quick ? ' (quick)' : ''}…\n`);
  rows.push(...(await run(opts)));
}
for (const r of rows) {
  process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}\n      ${r.value}\n      reference: ${r.reference}${r.target ? `\n      target: ${r.target}` : ''}\n`);
}
process.exit(rows.every((r) => r.pass) ? 0 : 1);
