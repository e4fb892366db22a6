/**
 * Group robots: the board of 250 townships (120 with `--quick`) posted to 250 WeCom group robots
 * (the strictest app: 20 messages a minute each, and the board takes
 * several markdown messages and the chart), through the real outbox worker
 * and robot platform, over HTTP to a fake WeCom on loopback that keeps each
 * robot's window and answers a share of requests with rate-limit answers
 * (errcode 45009, or HTTP 429) as if another sender shared the robot.
 *
 * Time is scaled: every window and wait, and the fake's windows, run
 * `SCALE` times faster, so minutes of pacing take seconds.
 *
 * The floor is the time the board's k messages take to each robot at an
 * even 20 a minute, (k − 1) × 3 s ÷ SCALE, however many robots there are.
 * The bot keeps the apps' own window (20 in any 60 s), so a board goes to a
 * robot at once and only the rate-limit answers (waiting until the window
 * has room, at least 3 s) add to the sending time. The fake also counts
 * requests it refused because a robot's window was full: the bot must cause
 * none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { jsonLogger } from '../src/core/logger.ts';
import { getCurrentCampaign } from '../src/store/campaigns.ts';
import { createArea, getRootArea } from '../src/store/areas.ts';
import { setTarget } from '../src/store/targets.ts';
import { digest, seal } from '../src/domain/secret-box.ts';
import { imagePartId, insertRobot } from '../src/store/robots.ts';
import { storedChart } from '../src/store/charts.ts';
import { warmChartThreads } from '../src/board/chart.ts';
import { createRobotPlatforms } from '../src/robots/robot-platform.ts';
import { robotSlotMs, urlHint } from '../src/robots/apps.ts';
import { createOutboxWorker } from '../src/outbox/worker.ts';
import { publishBoards } from '../src/board/publish.ts';
import { catalogue } from '../src/i18n/index.ts';
import { businessDate } from '../src/domain/calendar.ts';
import { readStoredReply } from '../src/store/outbox.ts';
import { fitImage, robotBody, WECOM_IMAGE_MAX_BYTES } from '../src/robots/render.ts';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import type { BenchOptions, Figure } from './types.ts';
import { benchDatabaseUrl, dialectName, dropBenchDatabase } from './db.ts';

const ROBOTS = 250;

export async function benchRobots(opts: BenchOptions): Promise<Figure[]> {
  // Quick: twice as fast as the apps (a 3 s interval is 1.5 s); full: the apps' real rate.
  const SCALE = opts.quick ? 2 : 1;
  // Quick: a 120-township board (its chart renders in a third of the time; 3 messages a robot).
  const TOWNSHIPS = opts.quick ? 120 : 250;
  const dir = mkdtempSync(join(tmpdir(), 'enrollbot-bench-robots-'));
  const url = await benchDatabaseUrl(opts, dir, 'robots');
  const config = loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0', LOG_LEVEL: 'silent', ENROLLBOT_PII_KEY: 'bench-robots-pii-secret-0123456789abcdef' });
  const log = jsonLogger('silent');
  const now = new Date();
  const app = await openApp({ config, log, seedDemo: false, consoleAdmin: false, now: () => now });
  const tokens = Array.from({ length: ROBOTS }, (_, r) => `bench-robot-${String(r + 1).padStart(4, '0')}-0000`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'robots-fake-child.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (msg: unknown) => {
    child.stdin.write(`${JSON.stringify(msg)}\n`);
    return JSON.parse(String((await answers.next()).value)) as Record<string, unknown>;
  };
  const { port } = (await ask({ scale: SCALE, tokens })) as { port: number };
  const urlOf = (token: string) => `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=${token}`;
  try {
    const db = app.database.db;
    const campaign = await getCurrentCampaign(db);
    const root = await getRootArea(db);
    const key = app.robotKey();
    await db.transaction().execute(async (tx) => {
      for (let i = 1; i <= TOWNSHIPS; i++) {
        const a = await createArea(tx, { parent: root, name: `乡镇${String(i).padStart(3, '0')}`, kind: 'township', now });
        await setTarget(tx, campaign.id, a.id, 20_000);
      }
      for (const token of tokens) {
        const url = urlOf(token);
        await insertRobot(tx, { app: 'wecom', urlSealed: seal(key, url), urlDigest: digest(key, url), urlHint: urlHint(url), secretSealed: null, kind: 'leaders', areaId: root.id, now, by: null });
      }
    });
    await db.transaction().execute((tx) =>
      publishBoards(tx, { campaign, businessDate: businessDate(now, campaign.time_zone), slot: '18:00', kind: 'manual', late: false, now, t: catalogue('zh-CN'), demo: false, claimedBy: 'bench' }),
    );
    const rows = await db.selectFrom('outbox').select(['id', 'channel_id', 'reply', 'image']).where('platform', '=', 'wecom-robot').execute();
    const partBody = async (row: { reply: string; image: string | null }) => {
      const part = await readStoredReply(row.reply, async () => {});
      const id = imagePartId(part.text);
      // The drawing the first sender stored: every robot must have got these bytes.
      const png = id === null ? null : ((await storedChart(db, id))?.png ?? null);
      return JSON.stringify(robotBody('wecom', png ? { status: 'ok', text: '', image: fitImage({ png, filename: '', alt: '' }, WECOM_IMAGE_MAX_BYTES) } : part));
    };
    const perRobot = rows.filter((r) => r.channel_id === 'R1').length;

    // BENCH_TRACE=1: when each robot's messages left and how long the app took to answer (where the time goes).
    const sends: { key: string; at: number; ms: number }[] = [];
    let t0 = 0;
    const timedFetch: typeof fetch = async (input, init) => {
      const at = performance.now();
      const r = await fetch(input, init);
      await r.clone().text();
      sends.push({ key: String(input).slice(-20), at: at - t0, ms: performance.now() - at });
      return r;
    };
    const robots = createRobotPlatforms({ db, key: () => key, t: catalogue('zh-CN'), log, timeScale: SCALE, fetch: process.env.BENCH_TRACE ? timedFetch : undefined });
    const worker = createOutboxWorker({ db, platforms: robots, log, pollMs: 20 });
    // A running bot: its chart threads opened the font at start (src/background.ts).
    await warmChartThreads();
    t0 = performance.now();
    worker.start();
    const finished = await worker.idle(120_000);
    const elapsed = performance.now() - t0;
    await worker.stop({ timeoutMs: 5000 });
    if (process.env.BENCH_TRACE) {
      const by = new Map<string, number[]>();
      for (const s of sends) by.set(s.key, [...(by.get(s.key) ?? []), s.at]);
      for (let k = 0; k < 4; k++) {
        const xs = [...by.values()].map((ts) => [...ts].sort((a, b) => a - b)[k]).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
        if (xs.length) process.stderr.write(`message ${k + 1} left: ${xs.length} robots, first ${xs[0]!.toFixed(0)} ms, median ${xs[xs.length >> 1]!.toFixed(0)} ms, last ${xs[xs.length - 1]!.toFixed(0)} ms\n`);
      }
      const lat = sends.map((s) => s.ms).sort((a, b) => a - b);
      process.stderr.write(`answer time p50 ${lat[lat.length >> 1]!.toFixed(0)} p99 ${lat[Math.floor(lat.length * 0.99)]!.toFixed(0)} max ${lat[lat.length - 1]!.toFixed(0)}\n`);
    }

    const undelivered = await db.selectFrom('outbox').select('id').where('delivered_at', 'is', null).execute();
    const report = (await ask({ report: true })) as { accepted: string[]; refused: number; overWindow: number };
    const seen = new Map<string, number>();
    for (const k of report.accepted) seen.set(k, (seen.get(k) ?? 0) + 1);
    // Every queued message, as the app should have received it once.
    const bodies = new Map<string, string>();
    const expected = new Set<string>();
    for (const r of rows) {
      const key = `${r.reply}\u0000${r.image ?? ''}`;
      if (!bodies.has(key)) bodies.set(key, createHash('sha256').update(await partBody(r)).digest('hex'));
      expected.add(`bench-robot-${r.channel_id.slice(1).padStart(4, '0')}-0000:${bodies.get(key)}`);
    }
    const lost = [...expected].filter((k) => !seen.has(k)).length;
    const doubled = [...seen.values()].filter((n) => n > 1).length;
    const rateAnswers = report.refused - report.overWindow;
    const interval = robotSlotMs('wecom') / SCALE;
    const floor = (perRobot - 1) * interval;
    return [
      {
        name: `group robots, ${dialectName(opts)}: a ${TOWNSHIPS}-township board to ${ROBOTS} WeCom robots at 20 messages a minute each (${perRobot} messages each: markdown parts and the chart), time ×${SCALE}, ${rateAnswers} rate-limit answers injected`,
        value: `${(elapsed / 1000).toFixed(2)} s (= ${((elapsed * SCALE) / 1000).toFixed(1)} s at the real rate), ${lost} lost, ${doubled} doubled, ${undelivered.length} left undelivered, ${report.overWindow} over a robot's window`,
        reference: `floor at an even 20 a minute (${perRobot} − 1) × ${interval.toFixed(0)} ms = ${(floor / 1000).toFixed(2)} s (= ${((floor * SCALE) / 1000).toFixed(0)} s real); 2 × floor = ${((2 * floor) / 1000).toFixed(2)} s`,
        target: '≤ 2 × the floor, nothing lost or doubled, never over a window',
        pass: finished && elapsed <= 2 * floor && lost === 0 && doubled === 0 && undelivered.length === 0 && report.overWindow === 0,
      },
    ];
  } finally {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    await app.close();
    await dropBenchDatabase(url);
    rmSync(dir, { recursive: true, force: true });
  }
}
