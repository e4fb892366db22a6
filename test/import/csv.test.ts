import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord } from '../../src/import/csv.ts';
import { detectEncoding } from '../../src/import/encoding.ts';
import { mapColumns, ROSTER_COLUMNS, columnLetter } from '../../src/import/columns.ts';
import { parseMonth, addMonths, monthsBetween, previousMonth } from '../../src/domain/months.ts';
import iconv from 'iconv-lite';

function parse(text: string, chunk = Infinity): CsvRecord[] {
  const p = new CsvParser();
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunk === Infinity ? text.length : chunk) p.push(text.slice(i, i + (chunk === Infinity ? text.length : chunk)), out);
  p.end(out);
  return out;
}

const SAMPLE = 'a,b,c\r\n"x, y","he said ""hi""",\r\n\r\n"multi\nline",2,3\nlast,"",end';
const EXPECTED = [
  { line: 1, cells: ['a', 'b', 'c'] },
  { line: 2, cells: ['x, y', 'he said "hi"', ''] },
  { line: 4, cells: ['multi\nline', '2', '3'] },
  { line: 6, cells: ['last', '', 'end'] },
];

describe('CsvParser', () => {
  it('reads quotes, doubled quotes, line breaks in fields, CRLF and LF, and skips blank lines', () => {
    expect(parse(SAMPLE)).toEqual(EXPECTED);
  });
  it.each([1, 2, 3, 5, 7])('gives the same records in chunks of %i characters', (n) => {
    expect(parse(SAMPLE, n)).toEqual(EXPECTED);
  });
});

describe('encoding detection', () => {
  it.each([
    [Buffer.from('姓名,身份证号\n', 'utf8'), 'utf-8'],
    [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名', 'utf8')]), 'utf-8'],
    [iconv.encode('姓名,身份证号\n张三', 'gbk'), 'gb18030'],
    [Buffer.from('name,id\n', 'utf8'), 'utf-8'],
    // a UTF-8 sample cut inside a character is still UTF-8
    [Buffer.from('姓名', 'utf8').subarray(0, 4), 'utf-8'],
  ])('%#', (buf, expected) => expect(detectEncoding(buf)).toBe(expected));
});

describe('headers', () => {
  it('maps Chinese or English headers in any order, with decorations', () => {
    const { columns, missing } = mapColumns(['电话', 'ID Number', '姓名（必填）', '乡镇', 'KIND', '无关列'], ROSTER_COLUMNS);
    expect(missing).toEqual([]);
    expect(columns.id_number).toEqual({ index: 1, header: 'ID Number' });
    expect(columns.name?.index).toBe(2);
    expect(columns.kind?.index).toBe(4);
    expect(columns.cadre).toBeUndefined();
    expect(columnLetter(0)).toBe('A');
    expect(columnLetter(27)).toBe('AB');
  });
});

describe('months', () => {
  it.each([
    ['2025-10', '2025-10'],
    ['202510', '2025-10'],
    ['2025年10月', '2025-10'],
    ['2025年1月', '2025-01'],
    ['2025/3', '2025-03'],
    ['２０２５－１０', '2025-10'], // full-width folded
    ['2025-13', null],
    ['2025-00', null],
    ['10/2025', null],
    ['', null],
  ])('%s', (text, month) => expect(parseMonth(text)).toBe(month));
  it('does arithmetic across year ends', () => {
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
    expect(previousMonth('2026-01-05')).toBe('2025-12');
  });
});
