/**
 * docs/figures.md: Slack over HTTP acknowledges a signed slash command with a
 * p99 of at most 1.5 × the reference's when 100 arrive at once on loopback.
 * The reference is the same round trip to a bare node:http server answering 200, in the same
 * child process, with the same client, in the same run.
 *
 * Each acknowledged `/enroll pay 1 400` goes on to record a payment in SQLite
 * and answer at its response_url; a burst is sent once the previous burst's
 * work has drained; bursts to the app and to the reference alternate. Three
 * processes: this load generator, the app (with the bare reference server
 * beside it), and the fake Slack Web API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDatabaseUrl, dropBenchDatabase } from './db.ts';
import { request, Agent } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APP_NODE_FLAGS } from '../src/ops/node-flags.ts';
import { slackSignature } from '../src/platforms/slack/signature.ts';
import { slashBody } from '../test/platforms/slack/fake-slack.ts';

/** One figure, printed beside its reference. */
export interface SlackFigure {
  name: string;
  value: string;
  reference: string;
  target?: string;
  pass: boolean;
}

const CONCURRENCY = 100;
/** The acknowledgement's p99 may be at most this many times the bare server's, in the same run. */
const TARGET_RATIO = 1.5;
/** Bursts sent to each server before measuring: sockets opened, code paths compiled. */
const WARM_UP_ROUNDS = 2;
const SECRET = 'bench-signing-secret';

/** One POST; resolves with its round-trip time in ms once the answer has been read. */
function post(agent: Agent, port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** A client for one server: each `burst()` sends 100 concurrent signed requests over kept-alive sockets. */
function burster(port: number, makeBody: () => string) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return {
    async burst(): Promise<number[]> {
      // Sign first, then send: the burst leaves as close together as one process can make it.
      const ts = Math.floor(Date.now() / 1000);
      const signed = Array.from({ length: CONCURRENCY }, () => {
        const body = makeBody();
        return { body, signature: slackSignature(SECRET, ts, body) };
      });
      return Promise.all(
        signed.map(({ body, signature }) =>
          post(agent, port, body, {
            'content-type': 'application/x-www-form-urlencoded',
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': signature,
          }),
        ),
      );
    },
    close: () => agent.destroy(),
  };
}

/**
 * A child process running one of the bench's scripts, with node's `flags`
 * (the app's for the app, none for the fake Slack); each stdout line is
 * JSON, the first once it is ready.
 */
export function startChild(script: string, args: string[], flags: readonly string[] = []) {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const child = spawn(tsx, [...flags, fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const waiting: { resolve: (line: unknown) => void; reject: (e: Error) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`bench/${script} exited with ${code}`));
  });
  const nextLine = () => new Promise<unknown>((resolve, reject) => waiting.push({ resolve, reject }));
  const ready = nextLine();
  return {
    ready,
    /** The child's CPU time so far, in µs (slack-child only). */
    async cpuMicros(): Promise<number> {
      const answer = nextLine();
      child.stdin!.write('cpu\n');
      return ((await answer) as { cpuMicros: number }).cpuMicros;
    },
    async stop() {
      child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}

export async function benchSlack(opts: { quick: boolean; pg?: boolean; door?: 'front-door' | 'bolt' }): Promise<SlackFigure[]> {
  const rounds = opts.quick ? 5 : 30;
  const fakeChild = startChild('./slack-fake-child.ts', []);
  let appChild: ReturnType<typeof startChild> | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'enrollbot-bench-slack-'));
  const url = await benchDatabaseUrl(opts, dir, 'slack');
  try {
    const fake = (await fakeChild.ready) as { apiUrl: string; url: string };
    appChild = startChild('./slack-child.ts', [fake.apiUrl, SECRET, opts.door ?? 'front-door', url], APP_NODE_FLAGS);
    const { slackPort, barePort } = (await appChild.ready) as { slackPort: number; barePort: number };
    const answered = async () => Number(await (await fetch(`${fake.url}/_count/response`)).text());

    let sent = 0;
    const slashCommand = () => {
      sent++;
      // Unique trigger ids: a repeated one would be a replay, and nothing would answer it.
      return slashBody({ text: 'pay 1 400', userId: 'UCOORD', channelId: 'CSOUTH', channelName: 'south', triggerId: `bench.${sent}`, responseUrl: `${fake.url}/response/${sent}` });
    };
    const drained = async () => {
      const until = Date.now() + 60_000;
      for (let n = await answered(); n < sent; n = await answered()) {
        if (Date.now() > until) throw new Error(`only ${n} of ${sent} commands answered`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    // Slack and bare bursts alternate, each after the app's previous work has drained, so
    // that both meet the same machine (other processes, disk) and neither meets the app's work.
    const slackClient = burster(slackPort, slashCommand);
    // The same bodies for the reference, not counted: nothing answers their response_url.
    let bareSent = 0;
    const bareBody = () => {
      bareSent++;
      return slashBody({ text: 'pay 1 400', userId: 'UCOORD', channelId: 'CSOUTH', channelName: 'south', triggerId: `bench.${bareSent}`, responseUrl: `${fake.url}/response/${bareSent}` });
    };
    const bareClient = burster(barePort, bareBody);
    const slackTimes: number[] = [];
    const bareTimes: number[] = [];
    // The app process's CPU time while each burst is acknowledged: steadier than
    // latency on a busy machine, and it shows what the door costs per request.
    const cpu = { slack: 0, bare: 0 };
    const app = appChild;
    const measured = async (times: number[], which: 'slack' | 'bare', burst: () => Promise<number[]>, counted: boolean) => {
      const before = await app.cpuMicros();
      const t = await burst();
      const spent = (await app.cpuMicros()) - before;
      if (counted) {
        times.push(...t);
        cpu[which] += spent;
      }
    };
    try {
      for (let r = -WARM_UP_ROUNDS; r < rounds; r++) {
        await drained();
        await measured(slackTimes, 'slack', () => slackClient.burst(), r >= 0);
        await drained();
        await measured(bareTimes, 'bare', () => bareClient.burst(), r >= 0);
      }
      await drained();
    } finally {
      slackClient.close();
      bareClient.close();
    }
    slackTimes.sort((a, b) => a - b);
    bareTimes.sort((a, b) => a - b);
    const p99 = percentile(slackTimes, 0.99);
    const p50 = percentile(slackTimes, 0.5);
    const ref99 = percentile(bareTimes, 0.99);
    const ref50 = percentile(bareTimes, 0.5);
    return [
      {
        name: `Slack HTTP${opts.door === 'bolt' ? " (Bolt's HTTPReceiver)" : ''}: acknowledge a signed /enroll pay (${CONCURRENCY} concurrent, ${slackTimes.length} requests)`,
        value: `p99 ${p99.toFixed(1)} ms (p50 ${p50.toFixed(1)} ms)`,
        reference: `bare node:http answering 200: p99 ${ref99.toFixed(1)} ms (p50 ${ref50.toFixed(1)} ms)`,
        target: `p99 ≤ ${TARGET_RATIO} × the bare server's = ${(TARGET_RATIO * ref99).toFixed(1)} ms (now ${(p99 / ref99).toFixed(2)} ×)`,
        pass: p99 <= TARGET_RATIO * ref99,
      },
      {
        name: `Slack HTTP${opts.door === 'bolt' ? " (Bolt's HTTPReceiver)" : ''}: the app process's CPU time per acknowledged request (shown for transparency, not a target)`,
        value: `${(cpu.slack / slackTimes.length).toFixed(1)} µs (${(cpu.slack / cpu.bare).toFixed(2)} × the bare server's)`,
        reference: `bare node:http answering 200, same process: ${(cpu.bare / bareTimes.length).toFixed(1)} µs`,
        pass: true,
      },
    ];
  } finally {
    await appChild?.stop();
    await fakeChild.stop();
    await dropBenchDatabase(url);
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/slack.ts [--quick]`: this figure alone, printed as `npm run bench` prints it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchSlack({ quick: process.argv.includes('--quick'), pg: process.argv.includes('--pg'), door: process.argv.includes('--bolt') ? 'bolt' : 'front-door' });
  for (const r of rows) {
    process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}\n      ${r.value}\n      reference: ${r.reference}${r.target ? `\n      target: ${r.target}` : ''}\n`);
  }
  process.exit(rows.every((r) => r.pass) ? 0 : 1);
}
