/** `import official <file>`: the information platform's figures, whole or not at all, as append-only snapshots. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { writeCsv, writeXlsx, type Rows } from '../helpers/lapse-files.ts';
import { cliImport } from '../../src/import/cli-import.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/core/logger.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps) await a.close();
  apps = [];
});

/** 城南街道 (和平村, 新华村) and 城北街道 (和平村 too: the name repeats). */
async function district(): Promise<TestApp> {
  const a = await openTestApp({ now: NOW });
  apps.push(a);
  for (const line of [
    'township add 城南街道 target 1000',
    'township add 城北街道 target 500',
    'township add 和平村 target 600 under 城南街道',
    'township add 新华村 target 400 under 城南街道',
    'township add 和平村 target 500 under 城北街道',
  ]) {
    expect((await a.say('admin', 'console', line)).status, line).toBe('ok');
  }
  return a;
}

function io() {
  const out = { text: '' };
  return { out, io: { out: { write: (s: string) => (out.text += s) }, progress: { write: () => true, isTTY: false }, now: () => NOW } };
}

async function cli(a: TestApp, args: string[], asOf?: string | null) {
  const r = io();
  const config = loadConfig({ DATABASE_URL: a.databaseUrl, ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! });
  const { code } = await cliImport(args, config, memoryLogger(), { ...r.io, ...(asOf !== undefined ? { asOf } : {}) });
  return { code, text: r.out.text };
}

/** Every stored snapshot as `path date people amount`, oldest first. */
async function snapshots(a: TestApp): Promise<string[]> {
  const db = a.database.db;
  const areas = new Map((await db.selectFrom('area').select(['id', 'name', 'parent_id']).execute()).map((r) => [r.id, r]));
  const pathOf = (id: number): string => {
    const area = areas.get(id)!;
    return area.parent_id === null ? area.name : `${pathOf(area.parent_id)}/${area.name}`;
  };
  const rows = await db.selectFrom('official_snapshot').selectAll().orderBy('id').execute();
  return rows.map((r) => `${pathOf(r.area_id)} ${r.as_of} ${Number(r.people)} ${r.amount_fen === null ? '-' : Number(r.amount_fen)}`);
}

const GOOD: Rows = [
  // Chinese headers, in an order of their own, a village column, a date column and a total line.
  ['已缴费人数', '乡镇（街道）', '村（社区）', '截至日期', '缴费金额（元）'],
  [300, '城南街道', '和平村', '2026-11-22', '120,000'],
  [200, '城南街道', '新华村', '2026/11/22', 80000],
  ['４５０', '城北街道', '', '2026年11月22日', 180000],
  [950, '合计', '', '2026-11-22', 380000],
];

describe('import official', () => {
  it('stores each area’s figure and the sums above them, and a second import of the same file changes nothing', async () => {
    const a = await district();
    const dir = await makeDir();
    const file = join(dir, 'official.csv');
    writeCsv(file, GOOD);
    const first = await cli(a, ['official', file]);
    expect(first.code, first.text).toBe(0);
    expect(first.text).toContain('系统数据（csv, utf-8）：读了 4 行，截至 2026-11-22；新存 5 个数（其中 2 个为上级汇总），与已存相同 0 个，跳过合计行 1 行，拒收 0 行。');
    // Nobody chose the board's source yet: the first import makes it official, and says so.
    expect(first.text).toContain('这是本次征缴第一次导入系统数据');
    expect((await a.database.db.selectFrom('campaign').select('source').executeTakeFirstOrThrow()).source).toBe('official');
    expect(await snapshots(a)).toEqual([
      '本区/城南街道/和平村 2026-11-22 300 12000000',
      '本区/城南街道/新华村 2026-11-22 200 8000000',
      '本区/城北街道 2026-11-22 450 18000000',
      '本区/城南街道 2026-11-22 500 20000000',
      '本区 2026-11-22 950 38000000',
    ]);
    const audits = async () => (await a.database.db.selectFrom('audit_log').select('action').where('action', 'like', 'official%').execute()).length;
    expect(await audits()).toBe(1);

    // The same figures again, in every encoding and as a workbook: read alike, nothing written.
    for (const [name, encoding] of [['bom.csv', 'bom'], ['gbk.csv', 'gbk']] as const) {
      writeCsv(join(dir, name), GOOD, encoding);
    }
    await writeXlsx(join(dir, 'same.xlsx'), GOOD);
    for (const name of ['official.csv', 'bom.csv', 'gbk.csv', 'same.xlsx']) {
      const again = await cli(a, ['official', join(dir, name)]);
      expect(again.code, `${name}: ${again.text}`).toBe(0);
      expect(again.text, name).toContain('新存 0 个数（其中 2 个为上级汇总），与已存相同 5 个');
      expect(again.text, name).not.toContain('第一次导入');
    }
    expect(await snapshots(a)).toHaveLength(5);
    expect(await audits()).toBe(1);
    expect(await a.database.db.selectFrom('official_import').select('id').execute()).toHaveLength(1);

    // A corrected export for the same day: the changed figures are added (history kept), and win.
    const fixed = join(dir, 'fixed.csv');
    writeCsv(fixed, [['乡镇', '已缴费人数', '日期'], ['城北街道', 460, '2026-11-22'], ['城南街道', 500, '2026-11-22']]);
    const corrected = await cli(a, ['official', fixed]);
    // 城南街道's 500 without an amount is the figure stored: unchanged.
    expect(corrected.text).toContain('新存 2 个数（其中 1 个为上级汇总），与已存相同 1 个');
    expect((await snapshots(a)).slice(5)).toEqual(['本区/城北街道 2026-11-22 460 -', '本区 2026-11-22 960 -']);
  });

  it('refuses a file with any bad line, naming each, with the nearest names of an unknown area, and writes nothing', async () => {
    const a = await district();
    const dir = await makeDir();
    const file = join(dir, 'bad.csv');
    writeCsv(file, [
      ['path', 'paid', 'amount', 'date'],
      ['城男街道', 10, '', '2026-11-22'],
      ['城南街道/和平村', 'abc', '', ''],
      ['和平村', 5, '', ''],
      ['城北街道', 5, '', '2026-11-24'],
      ['城北街道', 6, '', '2026-11-22'],
      ['城北街道', 7, '', '2026-11-22'],
      ['城北街道/幸福村', 7, '', '2026-11-21'],
      ['城北街道', 7, '', '2026-08-31'],
      ['城南街道', 7, '-3', '2026-11-21'],
    ]);
    const r = await cli(a, ['official', file]);
    expect(r.code).toBe(1);
    for (const line of [
      '第 2 行：A（path）列 没有这个地区：“城男街道”，最接近的是 城北街道、城南街道',
      '第 3 行：B（paid）列 已缴费人数不对（写 0 或正整数，如 1234）',
      '第 4 行：A（path）列 有多个同名地区，请写路径：“和平村”，最接近的是 城南街道/和平村、城北街道/和平村',
      '第 5 行：D（date）列 日期晚于今天',
      '第 8 行：A（path）列 没有这个地区：“城北街道/幸福村”，最接近的是 城北街道/和平村',
      '第 9 行：D（date）列 日期早于本次征缴开始',
    ]) {
      expect(r.text).toContain(line);
    }
    // Line 7 repeats 城北街道 on 2026-11-22 (line 6 has it); line 10 has a negative amount.
    expect(r.text).toContain('第 7 行：A（path）列 同一地区同一日期出现了不止一次');
    expect(r.text).toContain('第 10 行：C（amount）列 金额不能为负数');
    expect(r.text).toContain('文件有误，整份未导入，数据库没有任何改动。');
    expect(await snapshots(a)).toEqual([]);
    expect(await a.database.db.selectFrom('official_import').select('id').execute()).toHaveLength(0);
    expect((await a.database.db.selectFrom('campaign').select('source').executeTakeFirstOrThrow()).source).toBeNull();
    // A file without a people column is refused before any row.
    writeCsv(join(dir, 'columns.csv'), [['乡镇', '目标'], ['城北街道', 5]]);
    expect((await cli(a, ['official', join(dir, 'columns.csv')])).text).toContain('表头缺少必需的列：已缴费人数/参保人数');
  });

  it('dates rows without a date by --as-of, reads 万元 amounts, and leaves a source an admin chose', async () => {
    const a = await district();
    expect((await a.say('admin', 'console', 'campaign source reported')).status).toBe('ok');
    const dir = await makeDir();
    const file = join(dir, 'asof.csv');
    writeCsv(file, [['参保人数', '乡镇', '金额（万元）'], [460, '城北街道', '0.48']]);
    const r = await cli(a, ['official', file], '2026-11-21');
    expect(r.code, r.text).toBe(0);
    expect(r.text).not.toContain('第一次导入');
    expect(await snapshots(a)).toEqual(['本区/城北街道 2026-11-21 460 480000', '本区 2026-11-21 460 480000']);
    expect((await a.database.db.selectFrom('campaign').select('source').executeTakeFirstOrThrow()).source).toBe('reported');
    expect((await cli(a, ['official', file], 'yesterday')).code).toBe(2);
    expect((await cli(a, ['official', file], null)).code).toBe(2);
    expect((await cli(a, ['official'])).code).toBe(2);
    // Without --as-of, a row without a date is as of today (the business date).
    writeCsv(file, [['参保人数', '乡镇'], [470, '城北街道']]);
    expect((await cli(a, ['official', file])).code).toBe(0);
    expect((await snapshots(a)).at(-2)).toBe('本区/城北街道 2026-11-23 470 -');
  });
});
