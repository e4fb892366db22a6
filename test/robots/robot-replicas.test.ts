/**
 * Replicas sharing one group robot: real bot processes on one database
 * (SQLite file, or PostgreSQL when the suite runs there) and one fake Feishu
 * robot on loopback. A replica killed while the app holds its request is
 * resumed by the others once its lease ends; the two then pace the robot
 * together (Feishu: 600 ms apart keeps 5 a second and 100 a minute), in
 * order, every message delivered once.
 */
import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { makeDir, openTestApp } from '../helpers/app.ts';
import { startBot, type BotProcess } from '../helpers/bot-process.ts';
import { dropTestDatabase, testDatabaseUrl } from '../helpers/database.ts';
import { until } from '../helpers/until.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { enqueueFor } from '../../src/robots/fanout.ts';
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
  // Paced together within the app's limits as it counts them (by arrival): sends
  // 600 ms apart from their start (100 a minute), so never 6 in one second
  // (5 a second) whatever each answer took, and the app refused nothing.
  const at = feishu.delivered.map((d) => d.at);
  for (let k = 5; k < at.length; k++) expect(at[k]! - at[k - 5]!, `messages ${k - 4}–${k + 1} within one second`).toBeGreaterThan(1000);
  expect(at.at(-1)! - at[0]!, 'the whole run paced at 600 ms a message (less one answer time)').toBeGreaterThanOrEqual((at.length - 1) * 600 - 200);
  for (const bot of [two, three]) expect(bot.logs().filter((l) => l.level === 'error' || l.level === 50)).toEqual([]);
});
