/**
 * Reading an exported table row by row, whatever its format: CSV (encoding
 * detected) or XLSX (exceljs's streaming reader, first worksheet, once
 * xlsx-guard.ts found it within its limits). Rows come in batches; nothing
 * holds the whole file.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { CsvParser, type CsvRecord } from './csv.ts';
import { chunkDecoder, detectEncoding, type TextEncoding } from './encoding.ts';
import { checkXlsxLimits } from './xlsx-guard.ts';
import { EnrollbotError } from '../core/errors.ts';

/** A cell as the file holds it: CSV gives text; a sheet may hold numbers and dates. */
export type Cell = string | number | Date | boolean | null;

/** One row and its line (CSV physical line, or sheet row number). */
export interface TableRow {
  line: number;
  cells: Cell[];
}

export interface TableProgress {
  rows: number;
  /** Bytes read so far and in all (CSV; for XLSX both are 0). */
  bytes: number;
  totalBytes: number;
}

export type TableFormat = 'csv' | 'xlsx';

/** An opened table: its format (and encoding) and its rows, header first. */
export interface TableSource {
  format: TableFormat;
  encoding: TextEncoding | null;
  rows(): AsyncGenerator<TableRow[]>;
}

/** The format by the file's ending, or null when it is neither. */
export function tableFormat(path: string): TableFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : null;
}

const SAMPLE_BYTES = 1 << 20;

export async function openTable(path: string, onProgress?: (p: TableProgress) => void): Promise<TableSource> {
  const format = tableFormat(path);
  if (!format) throw new EnrollbotError('import_invalid', `${path}: expected a .csv or .xlsx file`);
  if (format === 'xlsx') return { format, encoding: null, rows: () => xlsxRows(path, onProgress) };
  const fh = await open(path, 'r');
  let encoding: TextEncoding;
  try {
    const sample = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(sample, 0, SAMPLE_BYTES, 0);
    encoding = detectEncoding(sample.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
  return { format, encoding, rows: () => csvRows(path, encoding, onProgress) };
}

async function* csvRows(path: string, encoding: TextEncoding, onProgress?: (p: TableProgress) => void): AsyncGenerator<TableRow[]> {
  const totalBytes = (await stat(path)).size;
  const decoder = chunkDecoder(encoding);
  const parser = new CsvParser();
  let bytes = 0;
  let rows = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 18 })) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    const out: CsvRecord[] = [];
    parser.push(decoder.write(buf), out);
    rows += out.length;
    onProgress?.({ rows, bytes, totalBytes });
    if (out.length) yield out;
  }
  const out: CsvRecord[] = [];
  parser.push(decoder.end(), out);
  parser.end(out);
  if (out.length) yield out;
}

/** The plain value of an exceljs cell value (rich text, hyperlink, formula result…). */
function plain(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return plain(v.result);
    if (typeof v.text === 'string') return v.text;
  }
  return null;
}

async function* xlsxRows(path: string, onProgress?: (p: TableProgress) => void): AsyncGenerator<TableRow[]> {
  // Before exceljs sees it: a small file may unpack to more than memory holds.
  await checkXlsxLimits(path);
  // Loaded only for a workbook: exceljs is heavy, and a CSV import should not carry it.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles tell dates from numbers.
    styles: 'cache',
    entries: 'ignore',
  });
  let rows = 0;
  for await (const sheet of reader) {
    let batch: TableRow[] = [];
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(plain(values[i]));
      if (cells.every((c) => c === null || c === '')) continue;
      batch.push({ line: row.number, cells });
      if (batch.length >= 1000) {
        rows += batch.length;
        onProgress?.({ rows, bytes: 0, totalBytes: 0 });
        yield batch;
        batch = [];
      }
    }
    rows += batch.length;
    onProgress?.({ rows, bytes: 0, totalBytes: 0 });
    if (batch.length) yield batch;
    return; // the first worksheet only
  }
}
