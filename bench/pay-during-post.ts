/**
 * `pay` latency and the event loop while a `board post` runs, at a city's
 * 250 townships and a province's 2,000: the post commits rows only, and
 * the chart (at most 22 bars however many units) is drawn on a chart thread
 * by the first sender, so a coordinator's payment waits for neither.
 * Targets: the event loop's worst delay during each post (from the command
 * to its delivery with the chart) under 100 ms, and the p99 of pays during
 * the posts ≤ 2 × the p99 of the same payments with nothing else running,
 * measured in the same run on the same database.
 *
 * Each p99 is taken over at least a thousand pays: over a few hundred it is
 * the third-worst pay, which one slow disk flush moves. On SQLite the bench
 * also runs the 2,000-township case with the database in memory-backed files
 * (/dev/shm): there a commit's flush costs nothing, so the figure is the
 * bot's own share (the event loop, the threads, the CPU) and holds steady
 * from run to run, where the on-disk figure also carries the disk's flush
 * latency, which the bot does not control (docs/figures.md). That case runs
 * once more posting to Slack: the real Slack client renders the board (its
 * first 100 rows as a table block, the whole as an XLSX built on the chart
 * threads) and uploads it with the chart to a fake Slack Web API in another
 * process, as a province's board goes to a Slack workspace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { consoleMessage } from '../src/platforms/console/console-platform.ts';
import { jsonLogger } from '../src/core/logger.ts';
import { createOutboxWorker } from '../src/outbox/worker.ts';
import type { PlatformOutbound } from '../src/core/platform-port.ts';
import { createArea, getRootArea } from '../src/store/areas.ts';
import { getCurrentCampaign } from '../src/store/campaigns.ts';
import { setTarget } from '../src/store/targets.ts';
import { bumpSetupVersion } from '../src/store/setup-version.ts';
import { warmChartThreads } from '../src/board/chart.ts';
import { bindChannel } from '../src/store/bindings.ts';
import { createSlackOutbound } from '../src/platforms/slack/outbound.ts';
import { createLookupClient } from '../src/platforms/slack/directory.ts';
import { startChild } from './slack.ts';
import { benchDatabaseUrl, dialectName, dropBenchDatabase } from './db.ts';
import type { BenchOptions, Figure } from './types.ts';

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

/** Where the SQLite file lives: on the disk, as the bot runs, or in memory-backed files, to see the bot's own share. */
type Where = 'disk' | 'memory';

/** Where the leaders' board goes: a console-like platform that takes it as it is, or Slack. */
type To = 'console' | 'slack';

async function payDuringPost(opts: BenchOptions, townships: number, where: Where = 'disk', to: To = 'console'): Promise<Figure[]> {
  // At least this many posts, and as many more as it takes for as many pays during them as idle.
  const minPosts = opts.quick ? 10 : 30;
  const idlePays = opts.quick ? 1000 : 3000;
  // /dev/shm: Linux's memory-backed files, on every machine this runs on.
  const dir = mkdtempSync(join(where === 'memory' ? '/dev/shm' : tmpdir(), 'enrollbot-bench-post-'));
  // Each post is another minute: `board post` publishes once per minute.
  let now = new Date('2026-11-23T02:00:00Z');
  const url = await benchDatabaseUrl(opts, dir, `post${townships}`);
  const config = loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0' });
  const app = await openApp({ config, log: jsonLogger('error'), now: () => now, seedDemo: false, consoleAdmin: true });
  let id = 0;
  const say = (user: string, channel: string, text: string) => app.dispatcher.handle(consoleMessage({ user, channel, text, messageId: `b${++id}` }));
  let delivered = 0;
  let charts = 0;
  let fakeSlack: ReturnType<typeof startChild> | null = null;
  let fake: { apiUrl: string; url: string } | null = null;
  let slack: PlatformOutbound | null = null;
  const platform: PlatformOutbound = {
    name: to,
    post: async (channel, reply) => {
      await slack?.post(channel, reply);
      delivered++;
      if (reply.image) charts++;
    },
  };
  const worker = createOutboxWorker({ db: app.database.db, platforms: [platform], log: jsonLogger('error'), channelIntervalMs: 0, pollMs: 20 });
  try {
    if (to === 'slack') {
      fakeSlack = startChild('./slack-fake-child.ts', []);
      fake = (await fakeSlack.ready) as { apiUrl: string; url: string };
      slack = createSlackOutbound(createLookupClient({ token: 'xoxb-bench', apiUrl: fake.apiUrl }));
    }
    const db = app.database.db;
    const campaign = await getCurrentCampaign(db);
    const root = await getRootArea(db);
    // The townships straight into the database, as `import targets` would add them: 2,000 commands would take minutes.
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < townships; i++) {
        const a = await createArea(tx, { parent: root, name: `镇${i}`, kind: 'township', now });
        await setTarget(tx, campaign.id, a.id, 10_000_000);
      }
      await bumpSetupVersion(tx);
    });
    if (to === 'slack') await bindChannel(db, { platform: 'slack', channelId: 'CLEADERS', channelName: 'leaders', kind: 'leaders', areaId: root.id, now });
    else await say('admin', 'leaders', 'bind leaders');
    await say('admin', 't0', 'bind 镇0');
    await say('admin', 'setup', 'grant coord coordinator 镇0');
    for (let i = 0; i < 20; i++) await say('admin', 'setup', `pay 1 in 镇${i}`);
    worker.start();
    // A running bot: its chart threads opened the font, and its board thread its connection, at start (src/background.ts).
    await warmChartThreads();
    await app.boardThread?.warm();
    const pay = async (i: number) => {
      const start = performance.now();
      const r = await say('coord', 't0', `pay ${1 + (i % 9)}`);
      if (r.status !== 'ok') throw new Error(`pay not recorded in the bench: ${r.text}`);
      return performance.now() - start;
    };
    /** A post with pays running beside it, until its chart is delivered. */
    const postWhilePaying = async () => {
      now = new Date(now.getTime() + 60_000);
      const before = delivered;
      const pays: number[] = [];
      let running = true;
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const paying = (async () => {
        for (let i = 0; running; i++) {
          pays.push(await pay(i));
          // Payments arrive from the network: let timers and I/O run between
          // them (better-sqlite3 answers synchronously, so a tight loop of
          // pays would starve the event loop, which no chat platform does).
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const start = performance.now();
      const r = await say('admin', 'leaders', 'board post');
      if (r.status !== 'ok') throw new Error(`board post failed in the bench: ${r.text}`);
      // The post is done when its chart is drawn and delivered.
      while (delivered === before) await new Promise((resolve) => setTimeout(resolve, 5));
      const ms = performance.now() - start;
      running = false;
      await paying;
      loop.disable();
      return { pays, ms, worstDelayMs: loop.max / 1e6 };
    };
    // Warm: pays, and one whole post with pays beside it, unmeasured. The
    // figures are a running bot's, not its first post's compiling (the
    // optimizing compiler works on the cores the database needs).
    for (let i = 0; i < 50; i++) await pay(i);
    await postWhilePaying();
    const idle: number[] = [];
    // The same monitor over the idle pays: what the machine's own load does to the event loop.
    const idleLoop = monitorEventLoopDelay({ resolution: 5 });
    idleLoop.enable();
    for (let i = 0; i < idlePays; i++) {
      idle.push(await pay(i));
      await new Promise((resolve) => setImmediate(resolve)); // as during the posts
    }
    idleLoop.disable();

    const during: number[] = [];
    let postMs = 0;
    let worstDelayMs = 0;
    let posts = 0;
    for (; posts < minPosts || during.length < idlePays; posts++) {
      if (posts >= 10 * minPosts) throw new Error(`${during.length} pays during ${posts} posts: the pays are not running beside the posts`);
      const post = await postWhilePaying();
      during.push(...post.pays);
      postMs += post.ms;
      worstDelayMs = Math.max(worstDelayMs, post.worstDelayMs);
    }
    if (charts !== posts + 1) throw new Error(`${charts} of ${posts + 1} posts had their chart`);
    if (fake) {
      // Each post to Slack uploads its chart and its whole table as XLSX (longer than a table block).
      const uploads = Number(await (await fetch(`${fake.url}/_count/upload`)).text());
      if (uploads !== 2 * (posts + 1)) throw new Error(`${uploads} files uploaded to Slack for ${posts + 1} posts, not 2 each`);
    }
    const idleP99 = p99(idle);
    const duringP99 = p99(during);
    const situation = `board post of ${townships.toLocaleString('en')} townships runs, ${dialectName(opts)}${where === 'memory' ? ' in memory-backed files (the bot\'s own share, without the disk\'s flushes)' : ''}${to === 'slack' ? ', posted to Slack (a fake Web API in another process)' : ''}`;
    return [
      {
        name: `event loop while ${situation} (${posts} posts, each from the command to its delivery with the chart)`,
        value: `worst delay ${worstDelayMs.toFixed(1)} ms (each post ${(postMs / posts).toFixed(0)} ms to delivery)`,
        reference: `monitorEventLoopDelay (5 ms resolution); over the idle pays, worst ${(idleLoop.max / 1e6).toFixed(1)} ms, p99 ${(idleLoop.percentile(99) / 1e6).toFixed(1)} ms`,
        target: '< 100 ms',
        pass: worstDelayMs < 100,
      },
      {
        name: `pay while ${situation} (${during.length} pays during the posts)`,
        value: `p99 ${duringP99.toFixed(1)} ms`,
        reference: `the same pays with nothing else running: p99 ${idleP99.toFixed(1)} ms (${idle.length} pays)`,
        target: `≤ 2 × the idle p99 = ${(2 * idleP99).toFixed(1)} ms`,
        pass: duringP99 <= 2 * idleP99,
      },
    ];
  } finally {
    await worker.stop();
    await fakeSlack?.stop();
    await app.close();
    await dropBenchDatabase(url);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchPayDuringPost(opts: BenchOptions): Promise<Figure[]> {
  const onDisk = [...(await payDuringPost(opts, 250)), ...(await payDuringPost(opts, 2000))];
  // PostgreSQL's files are its cluster's, not the bench's to place.
  if (opts.pg) return onDisk;
  return [...onDisk, ...(await payDuringPost(opts, 2000, 'memory')), ...(await payDuringPost(opts, 2000, 'memory', 'slack'))];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const r of await benchPayDuringPost({ quick: process.argv.includes('--quick'), pg: process.argv.includes('--pg') })) {
    process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}\n      ${r.value}\n      reference: ${r.reference}\n      target: ${r.target}\n`);
  }
}
