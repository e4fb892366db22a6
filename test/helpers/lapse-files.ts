/** Generated roster and contribution files for lapse tests: valid IDs, every encoding, CSV and XLSX. */
import { writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { idCheckDigit } from '../../src/domain/id-number.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import type { Database } from '../../src/db/schema.ts';

/** A valid ID number, distinct for each `n`. */
export function testId(n: number, birth = '19850315'): string {
  const first17 = `430602${birth}${String(n % 1000).padStart(3, '0')}`;
  const adjusted = n >= 1000 ? `43${String(600 + Math.floor(n / 1000)).padStart(4, '0')}${birth}${String(n % 1000).padStart(3, '0')}` : first17;
  return adjusted + idCheckDigit(adjusted);
}

/** The same ID with a wrong check digit. */
export function badCheckDigit(id: string): string {
  const right = id[17]!;
  return id.slice(0, 17) + (right === '0' ? '1' : '0');
}

export type Rows = (string | number)[][];

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(rows: Rows): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function writeCsv(path: string, rows: Rows, encoding: 'utf8' | 'bom' | 'gbk' = 'utf8'): void {
  const text = csvText(rows);
  if (encoding === 'gbk') writeFileSync(path, iconv.encode(text, 'gbk'));
  else writeFileSync(path, (encoding === 'bom' ? '\ufeff' : '') + text, 'utf8');
}

export async function writeXlsx(path: string, rows: Rows): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(path);
}

export const ROSTER_HEADER = ['姓名', '身份证号', '乡镇', '参保类型', '单位', '电话', '网格员'];
export const CONTRIBUTION_HEADER = ['身份证号', '缴费月份', '金额'];

/** A small roster: `n` people across the given townships. */
export function rosterRows(n: number, townships: string[], cadre = ''): Rows {
  const names = ['张三丰', '李四', '王小明', '赵敏', '欧阳娜娜'];
  const rows: Rows = [ROSTER_HEADER];
  for (let i = 0; i < n; i++) {
    rows.push([
      names[i % names.length]!,
      testId(i),
      townships[i % townships.length]!,
      i % 3 === 0 ? '灵活就业' : '单位',
      i % 3 === 0 ? '' : `岳阳市某某有限公司, 第${i}车间`,
      `1380000${String(i).padStart(4, '0')}`,
      i === 0 ? cadre : '',
    ]);
  }
  return rows;
}

/**
 * Imports one employee of `township` (which must exist) who last paid in
 * `lastPaid`: the least a lapse scan needs to have something to screen.
 * With `through`, the contributions file also covers that month (someone
 * not on the roster paid it), as a month must be imported to be screened.
 */
export async function importOneContributor(
  app: { dir: string; database: { db: Kysely<Database> } },
  input: { township: string; lastPaid: string; now: Date; through?: string },
): Promise<void> {
  const roster = join(app.dir, 'one-roster.csv');
  const contributions = join(app.dir, 'one-contributions.csv');
  writeCsv(roster, [ROSTER_HEADER, ['张三', testId(1), input.township, '单位', '', '', '']]);
  const rows: Rows = [CONTRIBUTION_HEADER, [testId(1), input.lastPaid, '500']];
  if (input.through) rows.push([testId(999), input.through, '500']);
  writeCsv(contributions, rows);
  const options = { db: app.database.db, hasher: piiHasher('test-key'), sealer: piiSealer(deriveSealKeys('test-key')), now: input.now, today: input.now.toISOString().slice(0, 10) };
  await importRoster(roster, options);
  await importContributions(contributions, options);
}
