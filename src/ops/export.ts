/**
 * `export ledger <file>` and `export board <file>`: the current campaign's
 * ledger, or the root area's board, as a file for Excel. `.csv` is UTF-8 with
 * a byte-order mark (so Excel reads the Chinese correctly), CRLF lines and
 * RFC 4180 quoting; `.xlsx` is a real workbook. Headers are Chinese; money is
 * 元 with two decimals, computed from integer fen; times are in the
 * campaign's zone. The ledger is read in pages and written as a stream, so a
 * ten-million-row ledger needs no more memory than a small one.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { createPrivateFile, makePrivate } from '../db/private-files.ts';
import { redact } from '../domain/mask.ts';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { EnrollbotError } from '../core/errors.ts';
import { getCurrentCampaign } from '../store/campaigns.ts';
import { allAreas, getRootArea } from '../store/areas.ts';
import { pathIds } from '../domain/permissions.ts';
import { boardSourceLines, loadBoard, type Reconciliation } from '../board/board.ts';
import { businessDate, zonedParts } from '../domain/calendar.ts';
import { formatYuanPlain } from '../domain/money.ts';
import { formatRate } from '../domain/rates.ts';
import { UNDO_REASON } from '../services/ledger.ts';
import { ledgerPage } from '../store/ledger.ts';
import { officialPage } from '../store/official.ts';
import { zhCN } from '../i18n/zh-cn.ts';

export type ExportFormat = 'csv' | 'xlsx';

/**
 * A cell: text, a number (people, a rank), an amount (fen, shown in 元) or a
 * completion rate (basis points, shown as a percentage with two decimals).
 * Amounts and rates are numbers in a workbook, formatted by Excel.
 */
type Cell = string | number | { fen: number } | { rateBp: number | null };

interface Column {
  header: string;
  /** Width in characters (XLSX). */
  width: number;
}

/** The format a file name asks for, or a clear refusal. */
export function exportFormatOf(file: string): ExportFormat {
  const m = /\.(csv|xlsx)$/i.exec(file);
  if (!m) {
    throw new EnrollbotError('config_invalid', `"${file}": the file name must end in .csv or .xlsx (e.g. ledger.csv, board.xlsx)`);
  }
  return m[1]!.toLowerCase() as ExportFormat;
}

/** Excel's sheet limit, less the header row. */
const XLSX_MAX_ROWS = 1_048_575;
const PAGE = 5_000;

/** `2026-11-23 10:05:09` in the zone. */
function zonedTime(iso: string, zone: string): string {
  const p = zonedParts(new Date(iso), zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.date} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/**
 * One CSV field. Text a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@` first) gets a leading apostrophe: notes come from chat users.
 */
function csvField(cell: Cell): string {
  if (typeof cell === 'object') return 'fen' in cell ? formatYuanPlain(cell.fen) : formatRate(cell.rateBp);
  if (typeof cell === 'number') return String(cell);
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A cell's value in a workbook: 元 and rates as numbers (a rate as a fraction, `0.9045` for 90.45%); no rate, no value. */
function xlsxValue(cell: Cell): string | number | null {
  if (typeof cell !== 'object') return cell;
  if ('fen' in cell) return Number(formatYuanPlain(cell.fen));
  // One correctly rounded division: the double nearest to what 90.45% says.
  return cell.rateBp === null ? null : cell.rateBp / 10_000;
}

/** Writes rows to a file in the format, through a temp name, so a failed export leaves no half file. */
async function writeTable(file: string, format: ExportFormat, sheet: string, columns: Column[], rows: AsyncIterable<Cell[]>): Promise<number> {
  const partial = `${file}.partial`;
  let count = 0;
  try {
    // Owner-only from the first byte (an export holds who logged what, and notes).
    createPrivateFile(partial);
    if (format === 'csv') {
      const out = createWriteStream(partial, { encoding: 'utf8', mode: 0o600 });
      const write = async (line: string) => {
        if (!out.write(line)) await once(out, 'drain');
      };
      await write(`\uFEFF${columns.map((c) => csvField(c.header)).join(',')}\r\n`);
      for await (const row of rows) {
        await write(`${row.map(csvField).join(',')}\r\n`);
        count++;
      }
      out.end();
      await once(out, 'finish');
    } else {
      const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: true });
      const ws = book.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      for await (const row of rows) {
        if (++count > XLSX_MAX_ROWS) {
          throw new EnrollbotError('config_invalid', `more than ${XLSX_MAX_ROWS} rows do not fit in an Excel sheet: export to .csv instead`);
        }
        const r = ws.addRow(row.map(xlsxValue));
        row.forEach((cell, i) => {
          if (typeof cell === 'object') r.getCell(i + 1).numFmt = 'fen' in cell ? '#,##0.00' : '0.00%';
        });
        r.commit();
      }
      ws.commit();
      await book.commit();
    }
    makePrivate(partial);
    renameSync(partial, file);
    return count;
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

const LEDGER_COLUMNS: Column[] = [
  { header: '编号', width: 8 },
  { header: '类型', width: 6 },
  { header: '地区', width: 14 },
  { header: '人数', width: 8 },
  { header: '金额（元）', width: 14 },
  { header: '冲正编号', width: 10 },
  { header: '原因', width: 16 },
  { header: '备注', width: 20 },
  { header: '登记人', width: 10 },
  { header: '平台', width: 8 },
  { header: '频道', width: 14 },
  { header: '业务日期', width: 12 },
  { header: '登记时间', width: 20 },
];

async function* ledgerRows(db: Kysely<Database>, campaign: Campaign): AsyncIterable<Cell[]> {
  let after = 0;
  for (;;) {
    const page = await ledgerPage(db, campaign.id, after, PAGE);
    for (const e of page) {
      yield [
        `#${e.id}`,
        e.kind === 'payment' ? '缴费' : e.kind === 'total' ? '上报累计' : '冲正',
        e.area,
        Number(e.people),
        { fen: Number(e.amount_fen) },
        e.reverses_id === null ? '' : `#${e.reverses_id}`,
        // `undo` stores its reason as the command's name; the sheet says it as the chat does.
        // Free text is masked again on the way out: rows an older version stored are covered too.
        e.reason === UNDO_REASON ? zhCN.ledgerUndoReason() : redact(e.reason ?? ''),
        redact(e.note ?? ''),
        redact(e.member),
        e.platform,
        e.channel_id,
        e.business_date,
        zonedTime(e.recorded_at, campaign.time_zone),
      ];
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.id;
  }
}

/** Writes the current campaign's whole ledger; returns the number of entries. */
export async function exportLedger(db: Kysely<Database>, file: string): Promise<number> {
  const format = exportFormatOf(file);
  const campaign = await getCurrentCampaign(db);
  return writeTable(file, format, '台账', LEDGER_COLUMNS, ledgerRows(db, campaign));
}

const BOARD_COLUMNS: Column[] = [
  { header: '排名', width: 6 },
  { header: '名称', width: 16 },
  { header: '已缴人数', width: 10 },
  { header: '任务人数', width: 10 },
  { header: '完成率', width: 9 },
  { header: '今日新增', width: 10 },
  { header: '收缴金额（元）', width: 16 },
  // The board's own figures above follow its source; these put both sources side by side.
  { header: '还差', width: 10 },
  { header: '自报人数', width: 10 },
  { header: '系统人数', width: 10 },
  { header: '差异', width: 8 },
  { header: '系统截至', width: 12 },
  { header: '落后序时进度', width: 12 },
  { header: '待核实', width: 8 },
];

/** Writes the root area's board as of `now` (one row per area under it, then the total); returns the number of areas. */
export async function exportBoard(db: Kysely<Database>, file: string, now: Date): Promise<number> {
  const format = exportFormatOf(file);
  const campaign = await getCurrentCampaign(db);
  const area = await getRootArea(db);
  const board = await loadBoard(db, { campaign, area, today: businessDate(now, campaign.time_zone), now });
  const yes = (b: boolean) => (b ? '是' : '');
  const reconciliation = (r: Reconciliation): Cell[] => [r.reported, r.official?.people ?? '', r.diff ?? '', r.official?.asOf ?? ''];
  async function* rows(): AsyncIterable<Cell[]> {
    for (const r of board.rows) {
      yield [r.rank, r.name, r.enrolled, r.target, { rateBp: r.rateBp }, r.today, { fen: r.amountFen }, r.gap, ...reconciliation(r), yes(r.behind), yes(r.check)];
    }
    const t = board.total;
    const gap = Math.max(0, t.target - t.enrolled);
    yield ['', `${area.name}合计`, t.enrolled, t.target, { rateBp: t.rateBp }, t.today, { fen: t.amountFen }, gap, ...reconciliation(t), '', yes(t.check)];
    // Where the figures come from and the benchmark, as the chat's board says them.
    yield ['', boardSourceLines(board, zhCN).replace('\n', '；')];
  }
  await writeTable(file, format, `${board.today} 排行`, BOARD_COLUMNS, rows());
  return board.rows.length;
}

const OFFICIAL_COLUMNS: Column[] = [
  { header: '编号', width: 8 },
  { header: '截至日期', width: 12 },
  { header: '地区', width: 16 },
  { header: '路径', width: 24 },
  { header: '已缴费人数', width: 12 },
  { header: '金额（元）', width: 16 },
  { header: '导入文件', width: 24 },
  { header: '导入时间', width: 20 },
];

/**
 * Writes every official figure of the current campaign, as imported (a
 * figure replaced by a later file stays, above the one that replaced it);
 * returns the number of figures. Areas above the files' rows are the sums
 * the import made.
 */
export async function exportOfficial(db: Kysely<Database>, file: string): Promise<number> {
  const format = exportFormatOf(file);
  const campaign = await getCurrentCampaign(db);
  const names = new Map((await allAreas(db)).map((a) => [a.id, a.name]));
  async function* rows(): AsyncIterable<Cell[]> {
    let after = 0;
    for (;;) {
      const page = await officialPage(db, campaign.id, after, PAGE);
      for (const s of page) {
        const path = pathIds(s.path).map((id) => names.get(id) ?? '?').join('/');
        yield [s.id, s.as_of, s.area, path, Number(s.people), s.amount_fen === null ? '' : { fen: Number(s.amount_fen) }, s.file, zonedTime(s.imported_at, campaign.time_zone)];
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }
  return writeTable(file, format, '系统数据', OFFICIAL_COLUMNS, rows());
}
