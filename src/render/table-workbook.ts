/**
 * A reply's table as an XLSX workbook: the whole of a table too long for a
 * chat message (Slack's table block holds 100 rows). Built on the render
 * threads (`tableWorkbookOffThread` in src/board/chart.ts): a province's
 * 2,000 rows took exceljs 110–320 ms, in slices of about 3.5 ms on the event
 * loop's thread when built there.
 */
import ExcelJS from 'exceljs';
import type { ReplyTable } from '../core/reply.ts';

/** The table as a workbook of one sheet, named (at most 31 characters, as Excel allows) `sheet`. */
export async function tableWorkbook(table: ReplyTable, sheet: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(sheet.slice(0, 31) || 'table');
  ws.addRow(table.columns.map((c) => c.header));
  for (const row of table.rows) ws.addRow(row);
  table.columns.forEach((c, i) => (ws.getColumn(i + 1).alignment = { horizontal: c.align }));
  return Buffer.from(await book.xlsx.writeBuffer());
}
