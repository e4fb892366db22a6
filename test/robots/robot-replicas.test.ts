/**
 * Replicas sharing one group robot, on one database (SQLite file, or
 * PostgreSQL when the suite runs there) and a fake app on loopback that
 * keeps each robot's window as the app does:
 * - real bot processes and a Feishu robot: a replica killed while the app
 *   holds its request is resumed by the others once its lease ends; the two
 *   then keep Feishu's windows together (never 6 in one second), sending a
 *   burst at once, in order, every message delivered once;
 * - two outbox workers on their own connections and a WeCom robot, time
 *   scaled: never more than 20 in any (scaled) 60 s, `robot add`'s test
 *   message counted, the first messages at once.
 */
import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { makeDir, openTestApp } from '../helpers/app.ts';
import { startBot, type BotProcess } from '../helpers/bot-process.ts';
import { dropTestDatabase, testDatabaseUrl } from '../helpers/database.ts';
import { until } from '../helpers/until.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { enqueueFor } from '../../src/robots/fanout.ts';
import { createRobotPlatforms } from '../../src/robots/robot-platform.ts';
import { createOutboxWorker } from '../../src/outbox/worker.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { jsonLogger } from '../../src/core/logger.ts';
import { startFakeRobots, type FakeRobots } from './fake-robots.ts';

const PII = 'robot-replica-pii-secret-0123456789abcdef';
const TOKEN = 'feishu-replica-00000001';
const COUNT = 8;

let dir: string | undefined;
let databaseUrl: string | undefined;
let database: DatabaseHandle | undefined;
let feishu: FakeRobots | undefined;
const bots: BotProcess[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop('SIGKILL');
  await database?.close();
  await feishu?.close();
  if (databaseUrl) await dropTestDatabase(databaseUrl);
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = databaseUrl = database = feishu = undefined;
});

async function replica(): Promise<BotProcess> {
  const bot = await startBot({
    env: { DATABASE_URL: databaseUrl!, ENROLLBOT_PII_KEY: PII, PORT: '0', LOG_LEVEL: 'debug', ENROLLBOT_OUTBOX_LEASE_SECONDS: '2', ENROLLBOT_BACKUP_KEEP: '0', ENROLLBOT_BOARD_GRACE_HOURS: '0' },
    readyWhen: (line) => line.includes('"health listening"'),
  });
  bots.push(bot);
  return bot;
}

it('replicas share one robot: a killed sender is resumed after its lease, then both pace it, nothing lost or doubled', async () => {
  dir = await makeDir();
  databaseUrl = await testDatabaseUrl(dir);
  feishu = await startFakeRobots('feishu');
  feishu.add({ token: TOKEN });
  const setup = await openTestApp({ dir, env: { ENROLLBOT_PII_KEY: PII } });
  try {
    expect((await setup.say('admin', 'console', `robot add feishu ${feishu.url(TOKEN)} for leaders`)).status).toBe('ok');
  } finally {
    await setup.close();
  }
  feishu.delivered.splice(0);
  database = await openDatabase(databaseUrl);
  const now = new Date();
  for (let k = 1; k <= COUNT; k++) {
    await enqueueFor(database.db, { platform: 'feishu-robot', channelId: 'R1', reply: { status: 'ok', title: `消息 ${k}`, text: `第 ${k} 条` }, dedupeKey: `replica:${k}`, now });
  }

  // The first replica dies while Feishu holds its first request: that message never showed.
  const held = feishu.holdNext();
  const first = await replica();
  await held;
  first.kill('SIGKILL');
  await first.exited;

  const [two, three] = await Promise.all([replica(), replica()]);
  await until(
    async () => feishu!.delivered.length >= COUNT && Number((await database!.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('delivered_at', 'is', null).executeTakeFirstOrThrow()).n) === 0,
    () => `every message delivered (${feishu!.delivered.length} so far)`,
    30_000,
  );
  const titles = feishu.delivered.map((d) => d.body.card.header.title.content as string);
  expect(titles, JSON.stringify(feishu.delivered.map((d) => [d.body.card.header.title.content, d.at]))).toEqual(Array.from({ length: COUNT }, (_, k) => `消息 ${k + 1}`));
  expect(feishu.refused).toEqual([]);
  // Paced together within the app's windows as it counts them (by arrival):
  // never 6 in one second, and the app refused nothing; but not spread out
  // evenly either: the first four go at once (the fifth place in the second
  // is the killed replica's request, which may have reached the app).
  const at = feishu.delivered.map((d) => d.at);
  for (let k = 5; k < at.length; k++) expect(at[k]! - at[k - 5]!, `messages ${k - 4}–${k + 1} within one second`).toBeGreaterThan(1000);
  expect(at[3]! - at[0]!, 'the first four at once, not 600 ms apart').toBeLessThan(1000);
  for (const bot of [two, three]) expect(bot.logs().filter((l) => l.level === 'error' || l.level === 50)).toEqual([]);
});

it('two workers on one database keep a WeCom robot\'s window together: never 21 in any 60 s (its test message counted), a burst at once, each message once, in order', async () => {
  const SCALE = 10;
  const WINDOW = 60_000 / SCALE;
  const MESSAGES = 45;
  const token = 'wk-window-000000001';
  dir = await makeDir();
  databaseUrl = await testDatabaseUrl(dir);
  const wecom = await startFakeRobots('wecom', { timeScale: SCALE });
  feishu = wecom; // closed after the test
  wecom.add({ token });
  const setup = await openTestApp({ dir, env: { ENROLLBOT_PII_KEY: PII } });
  const key = setup.robotKey();
  try {
    expect((await setup.say('admin', 'console', `robot add wecom ${wecom.url(token)} for leaders`)).status).toBe('ok');
  } finally {
    await setup.close();
  }
  wecom.delivered.splice(0);
  database = await openDatabase(databaseUrl);
  const second = await openDatabase(databaseUrl);
  const log = jsonLogger('silent');
  const now = new Date();
  for (let k = 1; k <= MESSAGES; k++) {
    await enqueueFor(database.db, { platform: 'wecom-robot', channelId: 'R1', reply: { status: 'ok', title: `消息 ${k}`, text: `第 ${k} 条` }, dedupeKey: `window:${k}`, now });
  }
  const workers = [database, second].map((h, i) =>
    createOutboxWorker({ db: h.db, platforms: createRobotPlatforms({ db: h.db, key: () => key, t: catalogue('zh-CN'), log, timeScale: SCALE }), log, pollMs: 20, workerId: `w${i}` }),
  );
  try {
    for (const w of workers) w.start();
    await until(() => wecom.delivered.length >= MESSAGES, () => `every message delivered (${wecom.delivered.length} so far)`, 30_000);
    expect(await workers[0]!.idle(5000)).toBe(true);
    expect(await workers[1]!.idle(5000)).toBe(true);
  } finally {
    for (const w of workers) await w.stop({ timeoutMs: 1000 });
    await second.close();
  }
  const titles = wecom.delivered.map((d) => /\*\*(消息 \d+)/.exec(d.body.markdown?.content ?? '')?.[1] ?? JSON.stringify(d.body));
  expect(titles).toEqual(Array.from({ length: MESSAGES }, (_, k) => `消息 ${k + 1}`));
  // The app refused nothing, and by arrival no 21 fell in one window.
  expect(wecom.refused).toEqual([]);
  const at = wecom.delivered.map((d) => d.at);
  for (let k = 20; k < at.length; k++) expect(at[k]! - at[k - 20]!, `messages ${k - 19}–${k + 1} within one window`).toBeGreaterThanOrEqual(WINDOW);
  // A burst goes as fast as the sends follow one another, sooner than an
  // even 20 a minute would let 19 go (3 s apart: 54 s, scaled); the rest
  // waits only for the window. `robot add`'s test message holds the 20th place.
  expect(at[18]! - at[0]!, 'the first 19 at once, not 3 s apart').toBeLessThan((18 * WINDOW) / 20);
  expect(at.at(-1)! - at[0]!, 'three windows, not more').toBeLessThan(3 * WINDOW);
}, 60_000);
