/**
 * Charts that scale: every unit up to 40, beyond that the top and bottom ten,
 * one bar for the units between and the area's own bar; drawn on the chart
 * threads with the text as the packaged font's outlines. A long table's
 * workbook (Slack's attachment) is built on those threads too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { Resvg } from '@resvg/resvg-js';
import { boardChartSvg, chartBars, CHART_FONT_FILES } from '../../src/board/chart.ts';
import { withRankChange, type Board } from '../../src/board/board.ts';
import { rankStandings } from '../../src/domain/standings.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { createChartPool } from '../../src/render/chart-pool.ts';
import { tableWorkbook } from '../../src/render/table-workbook.ts';

const zh = catalogue('zh-CN');
const en = catalogue('en');

/** A board of `n` townships whose rates fall with their number (乡镇1 first). */
function boardOf(n: number): Board {
  const units = Array.from({ length: n }, (_, i) => ({ areaId: i + 2, name: `乡镇${i + 1}`, enrolled: 1000 - i, target: 1000, today: 0, amountFen: 0 }));
  const enrolled = units.reduce((s, u) => s + u.enrolled, 0);
  return {
    area: { id: 1, parent_id: null, name: '本市', kind: 'district', path: '/1/', created_at: '' },
    campaign: { id: 1, name: 'c', start_date: '2026-09-01', deadline: '2026-12-31', premium_fen: 40_000, floor_fen: null, time_zone: 'Asia/Shanghai', is_current: 1, created_at: '', source: null, verify_margin_bp: null, verify_margin_people: null, praise_points: null, criticize_bottom: null },
    asOf: new Date('2026-11-23T10:00:00Z'),
    today: '2026-11-23',
    rows: withRankChange(rankStandings(units), new Map()).map((r) => ({ ...r, reported: r.enrolled, official: null, diff: null, check: false, gap: Math.max(0, r.target - r.enrolled), behind: false })),
    total: { enrolled, target: n * 1000, today: 0, amountFen: 0, rateBp: Math.round((enrolled * 10_000) / (n * 1000)), reported: enrolled, official: null, diff: null, check: false },
    daysLeft: 39,
    pace: 1,
    previous: null,
    source: 'reported',
    officialAsOf: null,
    time: { elapsed: 84, days: 122, bp: 6885 },
    praised: [],
    criticized: [],
  };
}

/** PNG dimensions from its header. */
const size = (png: Uint8Array) => {
  const b = Buffer.from(png);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

/** Non-white pixels of a PNG (drawn through resvg as an embedded image). */
function inked(png: Uint8Array): number {
  const { width, height } = size(png);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${Buffer.from(png).toString('base64')}"/></svg>`;
  const px = new Resvg(svg, { background: '#ffffff' }).render().pixels;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i]! < 250 || px[i + 1]! < 250 || px[i + 2]! < 250) n++;
  return n;
}

const pool = createChartPool({ fontFile: CHART_FONT_FILES[0]!, size: 1 });
afterAll(() => pool.close());

describe('chart bars', () => {
  it('shows every unit up to 40', () => {
    const bars = chartBars(boardOf(40), zh);
    expect(bars).toHaveLength(40);
    expect(bars.every((b) => b.kind === 'unit')).toBe(true);
    expect(bars[39]!.label).toBe('40. 乡镇40');
  });

  it('beyond 40: the top ten, one bar for the rest with their combined rate, the bottom ten, and the area itself', () => {
    const board = boardOf(2000);
    const bars = chartBars(board, zh);
    expect(bars.map((b) => b.label)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `${i + 1}. 乡镇${i + 1}`),
      '其余1980个（第11–1990名）',
      ...Array.from({ length: 10 }, (_, i) => `${1991 + i}. 乡镇${1991 + i}`),
      '本市合计',
    ]);
    // The rest bar is the units between as one: their enrolled over their targets, rounded half up.
    const middle = board.rows.slice(10, 1990);
    const rate = Math.floor((middle.reduce((s, r) => s + r.enrolled, 0) * 20_000 + 1_980_000) / (2 * 1_980_000));
    expect(bars[10]!.rateBp).toBe(rate);
    expect(bars[21]!.rateBp).toBe(board.total.rateBp);
    expect(chartBars(board, en)[10]!.label).toBe('1980 more (#11–1990)');
    expect(chartBars(board, en)[21]!.label).toBe('本市 overall');
  });

  it('a 2,000-unit chart is as tall as a 41-unit one: 22 bars', () => {
    const heightOf = (svg: string) => Number(/height="(\d+)"/.exec(svg)![1]);
    expect(heightOf(boardChartSvg(boardOf(2000), zh))).toBe(heightOf(boardChartSvg(boardOf(41), zh)));
    expect(heightOf(boardChartSvg(boardOf(41), zh))).toBe(84 + 22 * 28 + 40);
  });
});

describe('chart threads', () => {
  it('draw the chart as a PNG of its size, with its labels inked from the packaged font', async () => {
    const svg = boardChartSvg(boardOf(41), zh);
    const png = await pool.draw(svg);
    expect(Buffer.from(png).subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(size(png)).toEqual({ width: 960, height: 84 + 22 * 28 + 40 });
    // The same chart with its text taken out carries far less ink.
    const bare = await pool.draw(svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, ''));
    expect(inked(png) - inked(bare)).toBeGreaterThan(5000);
  });

  it('several drawings at once each get their own chart', async () => {
    const svgs = [3, 41, 2000].map((n) => boardChartSvg(boardOf(n), zh));
    const pngs = await Promise.all(svgs.map((s) => pool.draw(s)));
    expect(pngs.map((p) => size(p).height)).toEqual([84 + 3 * 28 + 40, 84 + 22 * 28 + 40, 84 + 22 * 28 + 40]);
  });

  it('a drawing that fails is refused, and the thread draws the next one', async () => {
    await expect(pool.draw('<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>')).rejects.toThrow(/chart drawing failed/);
    expect(size(await pool.draw(boardChartSvg(boardOf(3), zh))).width).toBe(960);
  });
});

/** CPU time of the calling thread so far, in ms (Linux; clock ticks of 10 ms). */
function threadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are the 14th and 15th fields; the split starts at the 3rd.
  return ((Number(fields[14 - 3]) + Number(fields[15 - 3])) * 1000) / 100;
}

describe('long tables as workbooks', () => {
  const table = {
    columns: [
      { header: '排名', align: 'right' as const },
      { header: '名称', align: 'left' as const },
      { header: '完成率', align: 'right' as const },
    ],
    rows: Array.from({ length: 2000 }, (_, i) => [String(i + 1), `乡镇${i + 1}`, `${(99 - i / 100).toFixed(2)}%`]),
  };

  it('a 2,000-row table comes back as a workbook with every row in order', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await pool.workbook(table, '第3期 本市城乡居民医保征缴进度通报，截至11月23日')) as unknown as ArrayBuffer);
    const ws = book.worksheets[0]!;
    expect(ws.name).toBe('第3期 本市城乡居民医保征缴进度通报，截至11月23日'.slice(0, 31));
    expect(ws.rowCount).toBe(2001);
    expect(ws.getRow(1).values).toEqual([undefined, '排名', '名称', '完成率']);
    expect(ws.getRow(2).values).toEqual([undefined, '1', '乡镇1', '99.00%']);
    expect(ws.getRow(2001).values).toEqual([undefined, '2000', '乡镇2000', '79.01%']);
  });

  it("is built off the caller's thread: a few ms of its CPU, against building it here", async () => {
    await tableWorkbook(table, 'warm');
    await pool.workbook(table, 'warm');
    let before = threadCpuMs();
    await tableWorkbook(table, 'board');
    const here = threadCpuMs() - before;
    before = threadCpuMs();
    const bytes = await pool.workbook(table, 'board');
    const offThread = threadCpuMs() - before;
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(offThread).toBeLessThan(40);
    expect(offThread).toBeLessThan(here / 3);
  });

  it('a workbook that cannot be built is refused, and the thread goes on drawing', async () => {
    await expect(pool.workbook({ columns: table.columns, rows: null as unknown as string[][] }, 'x')).rejects.toThrow(/table workbook failed/);
    expect(size(await pool.draw(boardChartSvg(boardOf(3), zh))).width).toBe(960);
  });
});
