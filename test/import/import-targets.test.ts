/** `import targets <file>`: townships and their targets from a table, whole or not at all. */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { writeCsv, writeXlsx, type Rows } from '../helpers/lapse-files.ts';
import { importTargets } from '../../src/import/import-targets.ts';
import { cliImport } from '../../src/import/cli-import.ts';
import { formatImportReport } from '../../src/import/report.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/core/logger.ts';
import { testDatabaseUrl } from '../helpers/database.ts';
import type { Reply } from '../../src/core/reply.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps) await a.close();
  apps = [];
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const a = await openTestApp({ now: NOW, env });
  apps.push(a);
  return a;
}

async function say(a: TestApp, text: string): Promise<Reply> {
  const r = await a.say('admin', 'console', text);
  expect(r.status, `${text}: ${r.text}`).toBe('ok');
  return r;
}

function options(a: TestApp, batchSize = 3) {
  return { db: a.database.db, now: NOW, source: 'import targets test', batchSize };
}

/** Every area with its parent's name, kind and current target, by name. */
async function areasAndTargets(a: TestApp) {
  const db = a.database.db;
  return db
    .selectFrom('area')
    .leftJoin('area as parent', 'parent.id', 'area.parent_id')
    .leftJoin('target', 'target.area_id', 'area.id')
    .select(['area.name', 'area.kind', 'parent.name as parent', 'target.people'])
    .execute()
    .then((rows) => byName(rows.map((r) => ({ ...r, people: r.people === null ? null : Number(r.people) }))));
}

/** Sorted by name, then parent, by code point (the same on every database). */
function byName<T extends { name: string; parent: string | null }>(rows: T[]): T[] {
  const key = (r: T) => `${r.name}\u0000${r.parent ?? ''}`;
  return rows.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

/** What an import may touch: areas, targets, the audit log and the setup version. */
async function snapshot(a: TestApp) {
  const db = a.database.db;
  return {
    areas: await db.selectFrom('area').selectAll().orderBy('id').execute(),
    targets: await db.selectFrom('target').selectAll().orderBy('campaign_id').orderBy('area_id').execute(),
    audit: await db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    settings: await db.selectFrom('setting').selectAll().orderBy('key').execute(),
  };
}

/** The board's line of one area: its name, enrolled/target and rate cells. */
function boardLine(board: Reply, name: string): string {
  const row = board.table!.rows.find((r) => r.includes(name));
  expect(row, `${name} on the board`).toBeDefined();
  return row!.join(' ');
}

const ROWS: Rows = [
  ['乡镇', '目标'],
  ['城南街道', '28,000'],
  ['城北街道', '２４０００人'],
  ['青山镇', 0],
  ['白石乡', 31500],
];

describe('targets import', () => {
  it('reads UTF-8, UTF-8 with BOM, GBK CSV and XLSX alike: creates the new, updates the existing', async () => {
    const results = [];
    for (const kind of ['utf8', 'bom', 'gbk', 'xlsx'] as const) {
      const a = await app();
      await say(a, 'township add 城南街道 target 100');
      await say(a, 'township add 青山镇');
      const file = join(a.dir, kind === 'xlsx' ? 'targets.xlsx' : `targets-${kind}.csv`);
      if (kind === 'xlsx') await writeXlsx(file, ROWS);
      else writeCsv(file, ROWS, kind);
      const report = await importTargets(file, options(a));
      expect(report, kind).toMatchObject({ kind: 'targets', rowsRead: 4, taken: 4, written: 4, refused: 0, committed: true });
      expect(report.targets, kind).toEqual({ created: 2, updated: 2, unchanged: 0 });
      expect(report.encoding).toBe(kind === 'xlsx' ? null : kind === 'gbk' ? 'gb18030' : 'utf-8');
      results.push(await areasAndTargets(a));
    }
    expect(results[0]).toEqual(
      byName([
        { name: '本区', kind: 'district', parent: null, people: null },
        { name: '城北街道', kind: 'township', parent: '本区', people: 24000 },
        { name: '城南街道', kind: 'township', parent: '本区', people: 28000 },
        { name: '白石乡', kind: 'township', parent: '本区', people: 31500 },
        { name: '青山镇', kind: 'township', parent: '本区', people: 0 },
      ]),
    );
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('reads English headers in any order, and a parent column', async () => {
    const a = await app();
    await say(a, 'township add 城南街道');
    const file = join(a.dir, 'en.csv');
    writeCsv(file, [
      ['Target', 'Parent', 'Township'],
      ['300', '城南街道', '南湖社区'],
      ['1,200', '', '城北街道'],
    ]);
    const report = await importTargets(file, options(a));
    expect(report).toMatchObject({ committed: true, targets: { created: 2, updated: 0, unchanged: 0 } });
    const areas = await areasAndTargets(a);
    expect(areas).toContainEqual({ name: '南湖社区', kind: 'village', parent: '城南街道', people: 300 });
    expect(areas).toContainEqual({ name: '城北街道', kind: 'township', parent: '本区', people: 1200 });
  });

  it('records each change in the audit log as the chat commands do, and a running bot sees the new targets', async () => {
    const a = await app();
    await say(a, 'township add 城南街道 target 100');
    await say(a, 'pay 10 in 城南街道');
    expect(boardLine(await say(a, 'board'), '城南街道')).toContain('10/100');
    const versionBefore = (await snapshot(a)).settings.find((s) => s.key === 'setup_version')!.value;

    const file = join(a.dir, 't.csv');
    writeCsv(file, ROWS);
    expect(await importTargets(file, options(a))).toMatchObject({ committed: true, targets: { created: 3, updated: 1, unchanged: 0 } });

    // The same database, the same running app: its next board has the new townships and targets.
    const board = await say(a, 'board');
    expect(boardLine(board, '城南街道')).toContain('10/28,000');
    expect(boardLine(board, '城北街道')).toContain('0/24,000');
    expect(boardLine(board, '白石乡')).toContain('0/31,500');
    expect(board.footer ?? board.text).toContain('10/83,500人');
    expect((await say(a, 'pay 2 in 城北街道')).text).toContain('城北街道 2人');

    const after = await snapshot(a);
    expect(after.settings.find((s) => s.key === 'setup_version')!.value).not.toBe(versionBefore);
    const entries = after.audit.filter((e) => e.platform === 'cli');
    expect(entries.map((e) => [e.action, e.member_id, e.channel_id, JSON.parse(e.detail)])).toEqual([
      ['target.set', null, 'import targets test', { area: expect.any(Number), name: '城南街道', people: 28000, previous: 100 }],
      ['area.add', null, 'import targets test', { area: expect.any(Number), name: '城北街道', parent: '本区', kind: 'township', target: 24000 }],
      ['area.add', null, 'import targets test', { area: expect.any(Number), name: '青山镇', parent: '本区', kind: 'township', target: 0 }],
      ['area.add', null, 'import targets test', { area: expect.any(Number), name: '白石乡', parent: '本区', kind: 'township', target: 31500 }],
    ]);
    // The chat command writes the same detail for the same change.
    await say(a, 'target 城南街道 29000');
    const chat = (await snapshot(a)).audit.findLast((e) => e.action === 'target.set')!;
    expect(chat.platform).toBe('console');
    expect(Object.keys(JSON.parse(chat.detail))).toEqual(Object.keys(JSON.parse(entries[0]!.detail)));
  });

  it('re-importing the same file changes nothing', async () => {
    const a = await app();
    const file = join(a.dir, 't.xlsx');
    await writeXlsx(file, ROWS);
    expect(await importTargets(file, options(a))).toMatchObject({ committed: true, targets: { created: 4, updated: 0, unchanged: 0 } });
    const before = await snapshot(a);
    const again = await importTargets(file, options(a));
    expect(again).toMatchObject({ committed: true, written: 0, targets: { created: 0, updated: 0, unchanged: 4 } });
    expect(await snapshot(a)).toEqual(before);
    expect(formatImportReport(again, catalogue('zh-CN'))).toBe('任务数（xlsx）：读取 4 行，新建 0 个，更新 0 个，未变 4 个，拒收 0 行。\n已全部导入。');
  });

  it('refuses a whole file for one bad number after rows were written, naming line and column and what to write, and changes nothing', async () => {
    const a = await app();
    await say(a, 'township add 城南街道 target 100');
    const before = await snapshot(a);
    const rows: Rows = [['乡镇', '目标']];
    for (let i = 0; i < 20; i++) rows.push([`新镇${String.fromCharCode(0x4e00 + i)}`, 1000 + i]);
    rows[15]![1] = '一万';
    rows.push(['城南街道', '5000']);
    const file = join(a.dir, 'bad.csv');
    writeCsv(file, rows);
    // Batches of 3: the first dozen rows are written before line 16 is read.
    const report = await importTargets(file, options(a, 3));
    expect(report).toMatchObject({ rowsRead: 21, taken: 0, written: 0, refused: 1, committed: false, targets: { created: 0, updated: 0, unchanged: 0 } });
    expect(report.reasons).toEqual([{ reason: 'target_invalid', count: 1, first: [{ line: 16, column: 'B', header: '目标' }] }]);
    expect(await snapshot(a)).toEqual(before);
    const zh = formatImportReport(report, catalogue('zh-CN'));
    expect(zh).toContain('目标不对（应为不小于 0 的整数人数，如 28000、28,000 或 28000人）：1 行，如 第 16 行 B（目标）列');
    expect(zh).toContain('整份未导入');
    expect(formatImportReport(report, catalogue('en'))).toContain('the target is not valid (a whole number of people, 0 or more, e.g. 28000, 28,000 or 28000人): 1 rows, e.g. line 16 column B (目标)');
  });

  it('refuses repeated names, unknown parents, bad names and empty cells by line and column', async () => {
    const a = await app({ ENROLLBOT_AREA: '九江市', ENROLLBOT_AREA_KIND: 'city' });
    await say(a, 'township add 濂溪区');
    await say(a, 'township add 浔阳区');
    await say(a, 'township add 十里街道 under 濂溪区');
    await say(a, 'township add 十里街道 under 浔阳区');
    await say(a, 'township add 五柳街道 under 濂溪区');
    await say(a, 'township add 莲花村 under 五柳街道');
    const before = await snapshot(a);
    const file = join(a.dir, 'bad.xlsx');
    await writeXlsx(file, [
      ['上级', '乡镇', '目标'],
      ['濂溪区', '五里街道', 100], // 2: fine
      ['濂溪区', '五里街道', 200], // 3: the same township again
      ['庐山区', '海会镇', 100], // 4: no such parent
      ['', '十里街道', 100], // 5: two areas of that name: which?
      ['莲花村', '一组', 100], // 6: nothing goes under a village
      ['濂溪区', '', 100], // 7: no name
      ['濂溪区', '8号地块', 100], // 8: starts with a digit
      ['浔阳区', '湓浦街道', ''], // 9: no target
      ['浔阳区', '白水湖', -5], // 10: negative
      ['浔阳区', '十里街道', 300], // 11: fine: updates 浔阳区's
    ]);
    const report = await importTargets(file, options(a));
    expect(report).toMatchObject({ rowsRead: 10, refused: 8, committed: false });
    expect(report.reasons).toEqual([
      { reason: 'township_repeated', count: 1, first: [{ line: 3, column: 'B', header: '乡镇' }] },
      { reason: 'parent_unknown', count: 1, first: [{ line: 4, column: 'A', header: '上级' }] },
      { reason: 'township_several', count: 1, first: [{ line: 5, column: 'B', header: '乡镇' }] },
      { reason: 'parent_village', count: 1, first: [{ line: 6, column: 'A', header: '上级' }] },
      { reason: 'township_missing', count: 1, first: [{ line: 7, column: 'B', header: '乡镇' }] },
      { reason: 'township_name_invalid', count: 1, first: [{ line: 8, column: 'B', header: '乡镇' }] },
      { reason: 'target_missing', count: 1, first: [{ line: 9, column: 'C', header: '目标' }] },
      { reason: 'target_invalid', count: 1, first: [{ line: 10, column: 'C', header: '目标' }] },
    ]);
    expect(await snapshot(a)).toEqual(before);
    const text = formatImportReport(report, catalogue('zh-CN'));
    expect(text).toContain('没有这个上级（应为已有的区、乡镇，或本文件更前面几行里的名称）：1 行，如 第 4 行 A（上级）列');
    expect(text).toContain('有多个同名地区，请加“上级”列写明属于哪个：1 行，如 第 5 行 B（乡镇）列');
    expect(text).toContain('乡镇为空：1 行，如 第 7 行 B（乡镇）列');
  });

  it('sets up a city: districts, then townships under them (in the database or on earlier lines)', async () => {
    const a = await app({ ENROLLBOT_AREA: '九江市', ENROLLBOT_AREA_KIND: 'city' });
    await say(a, 'township add 濂溪区');
    const file = join(a.dir, 'city.csv');
    writeCsv(file, [
      ['乡镇', '目标', '上级'],
      ['浔阳区', '50000', ''],
      ['湓浦街道', '20000', '浔阳区'],
      ['十里街道', '12000', '濂溪区'],
      ['十里街道', '9000', '浔阳区'],
    ]);
    expect(await importTargets(file, options(a, 1))).toMatchObject({ committed: true, targets: { created: 4, updated: 0, unchanged: 0 } });
    const areas = await areasAndTargets(a);
    expect(areas).toContainEqual({ name: '浔阳区', kind: 'district', parent: '九江市', people: 50000 });
    expect(areas).toContainEqual({ name: '湓浦街道', kind: 'township', parent: '浔阳区', people: 20000 });
    expect(areas).toContainEqual({ name: '十里街道', kind: 'township', parent: '濂溪区', people: 12000 });
    expect(areas).toContainEqual({ name: '十里街道', kind: 'township', parent: '浔阳区', people: 9000 });
    // The same file again: each row finds the area it made.
    expect(await importTargets(file, options(a))).toMatchObject({ committed: true, targets: { created: 0, updated: 0, unchanged: 4 } });
    expect((await say(a, 'progress 湓浦街道')).text).toContain('20,000');
  });
});

describe('npm run cli -- import targets', () => {
  function io() {
    const out = { text: '' };
    return { out, io: { out: { write: (s: string) => (out.text += s) }, progress: { write: () => true, isTTY: false }, now: () => NOW } };
  }

  it('sets up a new database, needs no PII key, and exits 0, 1 for a refused file, 2 for a usage mistake', async () => {
    const dir = await makeDir();
    // No app ever opened this database: the import makes the root and the campaign as a first start would.
    const config = loadConfig({ DATABASE_URL: await testDatabaseUrl(dir, 'fresh'), ENROLLBOT_DEMO: '0', ENROLLBOT_AREA: '岳阳楼区' });
    const log = memoryLogger();
    const good = join(dir, 'good.csv');
    writeCsv(good, ROWS, 'gbk');
    let r = io();
    expect((await cliImport(['targets', good], config, log, r.io)).code).toBe(0);
    expect(r.out.text).toBe('任务数（csv, gb18030）：读取 4 行，新建 4 个，更新 0 个，未变 0 个，拒收 0 行。\n已全部导入。\n');

    const bad = join(dir, 'bad.csv');
    writeCsv(bad, [['乡镇', '目标'], ['城南街道', '三万']]);
    r = io();
    expect((await cliImport(['targets', bad], config, log, r.io)).code).toBe(1);
    expect(r.out.text).toContain('第 2 行 B（目标）列');

    const noTarget = join(dir, 'columns.csv');
    writeCsv(noTarget, [['乡镇', '人口'], ['城南街道', '1']]);
    r = io();
    expect((await cliImport(['targets', noTarget], config, log, r.io)).code).toBe(1);
    expect(r.out.text).toContain('表头缺少必需的列：目标/目标人数/任务/任务数/任务人数/目标任务/target/people');

    for (const args of [['targets'], ['targets', join(dir, 'targets.txt')], ['targets', join(dir, 'missing.csv')], ['targets', good, 'extra']]) {
      r = io();
      expect((await cliImport(args, config, log, r.io)).code, args.join(' ')).toBe(2);
    }
    // A PostgreSQL database has no key file beside it: a targets import must not ask for one.
    expect(config.piiKey).toBeNull();
    expect(log.lines.join('')).not.toContain('ENROLLBOT_PII_KEY');
    expect(existsSync(join(dir, 'fresh.pii-key'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
