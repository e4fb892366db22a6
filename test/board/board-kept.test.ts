/**
 * What a board keeps between reads (names and targets per setup version, a
 * post's ranks per post) never shows a leader another database's figures or
 * leaves a unit off: two bots in one process with the same post numbers and
 * the same clock each compare with their own post, a township added
 * without a setup change (a write that forgot to say so) is on the next
 * board, and so is a corrected official figure of a date already imported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { join } from 'node:path';
import { makeDir } from '../helpers/app.ts';
import { writeCsv } from '../helpers/lapse-files.ts';
import { createArea, getRootArea } from '../../src/store/areas.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function district(lines: string[]): Promise<TestApp> {
  const app = await openTestApp();
  apps.push(app);
  for (const line of ['township add 甲镇 target 100', 'township add 乙镇 target 100', 'bind leaders', ...lines]) {
    expect((await app.say('admin', 'leaders', line)).status, line).toBe('ok');
  }
  return app;
}

const changes = (reply: { table?: { rows: string[][] } }) => reply.table!.rows.map((r) => [r[1], r.at(-1)]);

describe('what a board keeps', () => {
  it('two databases with the same post ids each compare with their own post', async () => {
    // 第1期 of A: 甲镇 first. 第1期 of B: 乙镇 first. Same post id, same instant.
    const a = await district(['pay 5 in 甲镇', 'board post']);
    const b = await district(['pay 5 in 乙镇', 'board post']);
    // Both now: 乙镇 ahead.
    expect((await a.say('admin', 'console', 'pay 9 in 乙镇')).status).toBe('ok');
    expect((await b.say('admin', 'console', 'pay 1 in 乙镇')).status).toBe('ok');
    expect(changes(await a.say('admin', 'leaders', 'board'))).toEqual([
      ['乙镇', '▲1'],
      ['甲镇', '▼1'],
    ]);
    expect(changes(await b.say('admin', 'leaders', 'board'))).toEqual([
      ['乙镇', '—'],
      ['甲镇', '—'],
    ]);
  });

  it('a township written without a setup change is on the next board', async () => {
    const app = await district(['pay 5 in 甲镇']);
    expect((await app.say('admin', 'leaders', 'board')).table!.rows.map((r) => r[1])).toEqual(['甲镇', '乙镇']);
    const db = app.database.db;
    await createArea(db, { parent: await getRootArea(db), name: '丙镇', kind: 'township', now: new Date('2026-11-23T02:00:00Z') });
    const board = await app.say('admin', 'leaders', 'board');
    expect(board.table!.rows.map((r) => r[1])).toEqual(['甲镇', '乙镇', '丙镇']);
  });

  it('a second import correcting a date already imported shows at the next board', async () => {
    const app = await district(['pay 700 in 甲镇', 'pay 600 in 乙镇']);
    const dir = await makeDir();
    const systemLine = async () => (await app.say('admin', 'leaders', 'board')).table!.rows.map((r) => [r[1], r[8]]);
    const first = join(dir, 'first.csv');
    writeCsv(first, [['乡镇', '已缴费人数', '统计日期'], ['甲镇', 640, '2026-11-22'], ['乙镇', 590, '2026-11-22']]);
    expect((await app.say('admin', 'console', `official import ${first}`)).status).toBe('ok');
    expect(await systemLine()).toEqual([
      ['甲镇', '640'],
      ['乙镇', '590'],
    ]);
    const second = join(dir, 'second.csv');
    writeCsv(second, [['乡镇', '已缴费人数', '统计日期'], ['甲镇', 650, '2026-11-22'], ['乙镇', 590, '2026-11-22']]);
    expect((await app.say('admin', 'console', `official import ${second}`)).status).toBe('ok');
    expect(await systemLine()).toEqual([
      ['甲镇', '650'],
      ['乙镇', '590'],
    ]);
  });
});
