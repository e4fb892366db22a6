/**
 * Lapse reminders reach group robots like channels: a township's robot gets
 * its digest (people masked) even where the township has no chat channel,
 * the leaders' robot gets the escalation (counts only), and a robot of
 * another township gets nothing of this one.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { CONTRIBUTION_HEADER, ROSTER_HEADER, testId, writeCsv, type Rows } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';
import { createOutboxWorker } from '../../src/outbox/worker.ts';
import { createRobotPlatforms } from '../../src/robots/robot-platform.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { startFakeRobots, type FakeRobots } from './fake-robots.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
let app: TestApp | undefined;
const fakes: FakeRobots[] = [];
afterEach(async () => {
  await app?.close();
  for (const f of fakes.splice(0)) await f.close();
});

it("sends a township's lapse digest to its robot, masked, and the escalation to the leaders' robot", async () => {
  app = await openTestApp({ now: NOW, env: { ENROLLBOT_PII_KEY: 'robot-test-pii-secret-0123456789abcdef' } });
  for (const line of ['township add 城南街道', 'township add 城北街道', 'grant 周局长 leader']) expect((await app.say('admin', 'console', line)).status).toBe('ok');
  const south = await startFakeRobots('wecom', { timeScale: 100 });
  const north = await startFakeRobots('dingtalk', { timeScale: 100 });
  const leaders = await startFakeRobots('feishu', { timeScale: 100 });
  fakes.push(south, north, leaders);
  south.add({ token: 'south-wecom-000001' });
  north.add({ token: 'north-ding-0000001' });
  leaders.add({ token: 'leaders-feishu-001' });
  for (const line of [
    `robot add wecom ${south.url('south-wecom-000001')} for 城南街道`,
    `robot add dingtalk ${north.url('north-ding-0000001')} for 城北街道`,
    `robot add feishu ${leaders.url('leaders-feishu-001')} for leaders`,
  ]) {
    expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
  }
  for (const f of fakes) f.delivered.splice(0);

  // Two people of 城南街道 stopped paying; 城北街道 has nobody lapsed.
  const roster: Rows = [ROSTER_HEADER, ['张三丰', testId(1), '城南街道', '单位', '某公司', '13900000001', ''], ['王小明', testId(2), '城南街道', '单位', '某公司', '13900000002', ''], ['赵敏', testId(3), '城北街道', '单位', '某公司', '13900000003', '']];
  const contributions: Rows = [CONTRIBUTION_HEADER];
  for (const m of ['2026-06', '2026-07']) contributions.push([testId(2), m, '500']);
  for (const m of ['2026-08', '2026-09']) contributions.push([testId(1), m, '500']);
  for (const m of ['2026-09', '2026-10']) contributions.push([testId(3), m, '500']);
  writeCsv(join(app.dir, 'r.csv'), roster);
  writeCsv(join(app.dir, 'c.csv'), contributions);
  const opts = { db: app.database.db, hasher: piiHasher('k'), sealer: piiSealer(deriveSealKeys('k')), now: NOW, today: '2026-11-23' };
  expect((await importRoster(join(app.dir, 'r.csv'), opts)).committed).toBe(true);
  expect((await importContributions(join(app.dir, 'c.csv'), opts)).committed).toBe(true);
  expect((await app.say('admin', 'console', 'lapse scan 2026-10')).status).toBe('ok');

  const robots = createRobotPlatforms({ db: app.database.db, key: app.robotKey, t: catalogue('zh-CN'), log: app.log, timeScale: 100 });
  const worker = createOutboxWorker({ db: app.database.db, platforms: robots, log: app.log, pollMs: 20 });
  worker.start();
  try {
    expect(await worker.idle(60_000)).toBe(true);
  } finally {
    await worker.stop({ timeoutMs: 200 });
  }
  const southText = south.delivered.map((d) => d.body.markdown.content as string).join('\n');
  expect(southText).toContain('城南街道 职工医保断缴提醒（2026-10）');
  // Masked, with the asterisks made full-width so markdown shows them.
  expect(southText).toContain('张＊丰');
  expect(southText).toContain('139＊＊＊＊0001');
  expect(southText).not.toContain('13900000001');
  expect(southText).not.toContain(testId(1));
  expect(north.delivered).toEqual([]);
  const leadersText = JSON.stringify(leaders.delivered.map((d) => d.body));
  expect(leadersText).toContain('城南街道');
  expect(leadersText).not.toContain('张');
  expect(leadersText).not.toContain('139');
});
