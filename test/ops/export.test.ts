/** `export ledger` and `export board`: files that Excel (and exceljs) read back with the right rows. */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { exportBoard, exportFormatOf, exportLedger } from '../../src/ops/export.ts';

let app: TestApp | undefined;
let out: string | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  if (out) rmSync(out, { recursive: true, force: true });
  out = undefined;
});

const LEDGER_HEADERS = ['编号', '类型', '地区', '人数', '金额（元）', '冲正编号', '原因', '备注', '登记人', '平台', '频道', '业务日期', '登记时间'];

/** A small campaign: two townships, three payments (one with an awkward note), one undone. 10:00 in Shanghai is 02:00 UTC. */
async function campaign(): Promise<TestApp> {
  const a = await openTestApp();
  await a.say('admin', 'c', 'township add 城南街道 target 1000');
  await a.say('admin', 'c', 'township add 青山镇 target 500');
  await a.say('admin', 'c', 'pay 12 4800 in 城南街道');
  await a.say('admin', 'c', 'pay 3 1100.5 in 青山镇 现金, 含"补缴"');
  await a.say('admin', 'c', 'pay 2 in 城南街道 “=1+1”');
  expect((await a.say('admin', 'c', 'undo')).status).toBe('ok');
  return a;
}

function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('export', () => {
  it('writes the ledger as an Excel-friendly CSV: BOM, Chinese headers, quoting, 元 with two decimals, zone time', async () => {
    app = await campaign();
    out = await makeDir();
    const file = join(out, 'ledger.csv');
    expect(await exportLedger(app.database.db, file)).toBe(4);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(LEDGER_HEADERS.join(','));
    expect(lines[1]).toMatch(/^#\d+,缴费,城南街道,12,4800\.00,,,,admin,console,c,2026-11-23,2026-11-23 10:00:00$/);
    expect(lines[2]).toContain(',"现金, 含""补缴""",');
    expect(lines[2]).toContain(',1100.50,');
    // A note that looks like a formula is not run by Excel.
    expect(lines[3]).toContain(",'=1+1,");
    // The reason of an undo in the chat's word, like the rest of the sheet.
    expect(lines[4]).toMatch(/^#\d+,冲正,城南街道,-2,-800\.00,#\d+,撤销,/);
    expect(lines[5]).toBe('');

    const book = new ExcelJS.Workbook();
    const ws = await book.csv.readFile(file);
    const rows = rowsOf(ws);
    expect(rows).toHaveLength(5);
    expect(String(rows[0]![0]).replace(/^\uFEFF/, '')).toBe('编号');
    expect(rows[0]!.slice(1)).toEqual(LEDGER_HEADERS.slice(1));
    expect(rows[2]![7]).toBe('现金, 含"补缴"');
    expect(rows.slice(1).map((r) => Number(r[4]))).toEqual([4800, 1100.5, 800, -800]);
  });

  it('writes the ledger and the board as XLSX that reads back with the right rows', async () => {
    app = await campaign();
    out = await makeDir();
    const ledger = join(out, 'ledger.xlsx');
    await exportLedger(app.database.db, ledger);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(ledger);
    const rows = rowsOf(book.worksheets[0]!);
    expect(rows[0]).toEqual(LEDGER_HEADERS);
    expect(rows).toHaveLength(5);
    expect(rows.slice(1).map((r) => [r[1], r[2], r[3], r[4]])).toEqual([
      ['缴费', '城南街道', 12, 4800],
      ['缴费', '青山镇', 3, 1100.5],
      ['缴费', '城南街道', 2, 800],
      ['冲正', '城南街道', -2, -800],
    ]);
    expect(rows[3]![7]).toBe('=1+1'); // a string cell in a workbook, never a formula
    expect(rows[4]![6]).toBe('撤销');
    expect(rows[1]![12]).toBe('2026-11-23 10:00:00');

    const board = join(out, 'board.xlsx');
    expect(await exportBoard(app.database.db, board, new Date('2026-11-23T04:00:00Z'))).toBe(2);
    const b = new ExcelJS.Workbook();
    await b.xlsx.readFile(board);
    expect(b.worksheets[0]!.name).toBe('2026-11-23 排行');
    const sheet = b.worksheets[0]!;
    expect(rowsOf(sheet)).toEqual([
      ['排名', '名称', '已缴人数', '任务人数', '完成率', '今日新增', '收缴金额（元）', '还差', '自报人数', '系统人数', '差异', '系统截至', '落后序时进度', '待核实'],
      // Empty cells (no official figure, not to check) read back as nothing: a row ends at its last value.
      [1, '城南街道', 12, 1000, 0.012, 12, 4800, 988, 12, undefined, undefined, undefined, '是'],
      [2, '青山镇', 3, 500, 0.006, 3, 1100.5, 497, 3, undefined, undefined, undefined, '是'],
      [undefined, '本区合计', 15, 1500, 0.01, 15, 5900.5, 1485, 15],
      [undefined, '数据来源：乡镇自报；序时进度 68.85%（征缴期第 84/122 天）'],
    ]);
    // Figures are numbers Excel can sum and sort, the rate shown as 1.20% and money as 4,800.00.
    for (const n of [2, 3, 4]) {
      const row = sheet.getRow(n);
      for (const c of [3, 4, 5, 6, 7]) expect(row.getCell(c).type, `row ${n} column ${c}`).toBe(ExcelJS.ValueType.Number);
      expect(row.getCell(5).numFmt).toBe('0.00%');
      expect(row.getCell(7).numFmt).toBe('#,##0.00');
    }
  });

  it('writes the board as CSV, and refuses an unknown ending without writing anything', async () => {
    app = await campaign();
    out = await makeDir();
    const file = join(out, 'board.csv');
    await exportBoard(app.database.db, file, new Date('2026-11-23T04:00:00Z'));
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines.slice(0, 4)).toEqual([
      '\uFEFF排名,名称,已缴人数,任务人数,完成率,今日新增,收缴金额（元）,还差,自报人数,系统人数,差异,系统截至,落后序时进度,待核实',
      '1,城南街道,12,1000,1.20%,12,4800.00,988,12,,,,是,',
      '2,青山镇,3,500,0.60%,3,1100.50,497,3,,,,是,',
      ',本区合计,15,1500,1.00%,15,5900.50,1485,15,,,,,',
    ]);
    expect(() => exportFormatOf('board.xls')).toThrow(/must end in \.csv or \.xlsx/);
    await expect(exportLedger(app.database.db, join(out, 'ledger.txt'))).rejects.toThrow(/\.csv or \.xlsx/);
    expect(existsSync(join(out, 'ledger.txt'))).toBe(false);
    expect(exportFormatOf('LEDGER.XLSX')).toBe('xlsx');
  });
});
