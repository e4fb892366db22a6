/**
 * The board's bar chart: completion by child area, with the 100 % target line
 * and the area's own rate, drawn as SVG and rendered to PNG with the Noto
 * Sans SC font shipped in an npm package. System fonts are never used, so
 * the chart looks the same on every host and Chinese text cannot vanish.
 *
 * A chart stays one a leader reads at a glance: up to CHART_ALL_UP_TO units
 * it shows them all; beyond that (a city's 250 townships, a province's
 * 2,000) the top and bottom CHART_ENDS, one bar for the units between them,
 * and the area's own bar. The board's text still lists every unit.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { Board } from './board.ts';
import { formatRate, rateBasisPoints } from '../domain/rates.ts';
import { createChartPool, type ChartPool } from '../render/chart-pool.ts';
import { zonedParts } from '../domain/calendar.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { ReplyTable } from '../core/reply.ts';

const require = createRequire(import.meta.url);
const fontRoot = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));

/**
 * The font files the chart is rendered with. Only the regular weight: resvg
 * parses every file on each render (≈0.3 s per 10 MB face), and the title
 * reads well at its size without bold.
 */
export const CHART_FONT_FILES = [join(fontRoot, '400Regular', 'NotoSansSC_400Regular.ttf')];
export const CHART_FONT_FAMILY = 'Noto Sans SC';

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

const WIDTH = 960;
const MIN_LEFT = 150; // names
const MAX_LEFT = 360;
/** About how wide a label is at 15 px: CJK and full-width characters a full em, the rest about half. */
const labelWidth = (s: string) => [...s].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? 15 : 8.5), 0);
const RIGHT = 110; // value labels
const TOP = 84; // title and legend
const ROW = 28;
const BOTTOM = 40;

/** Up to this many units a chart shows every one. */
export const CHART_ALL_UP_TO = 40;
/** Beyond it, this many from the top and from the bottom. */
export const CHART_ENDS = 10;

/** One bar: a unit, the units between the top and the bottom, or the area itself. */
interface Bar {
  label: string;
  rateBp: number | null;
  kind: 'unit' | 'rest' | 'own';
}

/** The bars of a board's chart, in drawing order. */
export function chartBars(board: Board, t: Catalogue): Bar[] {
  const unit = (r: Board['rows'][number]): Bar => ({ label: `${r.rank}. ${r.name}`, rateBp: r.rateBp, kind: 'unit' });
  const rows = board.rows;
  if (rows.length <= CHART_ALL_UP_TO) return rows.map(unit);
  const middle = rows.slice(CHART_ENDS, rows.length - CHART_ENDS);
  const enrolled = middle.reduce((s, r) => s + r.enrolled, 0);
  const target = middle.reduce((s, r) => s + r.target, 0);
  return [
    ...rows.slice(0, CHART_ENDS).map(unit),
    {
      label: t.chartRest({ count: middle.length, from: middle[0]!.rank, to: middle[middle.length - 1]!.rank }),
      rateBp: rateBasisPoints(enrolled, target),
      kind: 'rest',
    },
    ...rows.slice(rows.length - CHART_ENDS).map(unit),
    { label: t.chartOwn({ area: board.area.name }), rateBp: board.total.rateBp, kind: 'own' },
  ];
}

const BAR_COLOR = { rest: '#9e9e9e', own: '#555555' } as const;

/** The chart as SVG text (exported so tests can render it with and without the font). */
export function boardChartSvg(board: Board, t: Catalogue): string {
  const zone = board.campaign.time_zone;
  const at = zonedParts(board.asOf, zone);
  const stamp = {
    month: at.date.slice(5, 7),
    day: at.date.slice(8, 10),
    time: `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`,
  };
  const rows = chartBars(board, t);
  const LEFT = Math.round(Math.min(MAX_LEFT, Math.max(MIN_LEFT, 20 + Math.max(0, ...rows.map((r) => labelWidth(r.label))))));
  const height = TOP + Math.max(1, rows.length) * ROW + BOTTOM;
  const maxBp = Math.max(10_000, board.total.rateBp ?? 0, ...rows.map((r) => r.rateBp ?? 0));
  // The scale ends at the next 10 % at or above the largest rate (at least 100 %).
  const scaleBp = Math.ceil(maxBp / 1000) * 1000;
  const plot = WIDTH - LEFT - RIGHT;
  const x = (bp: number) => LEFT + (Math.max(0, bp) / scaleBp) * plot;
  const areaBp = board.total.rateBp;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${CHART_FONT_FAMILY}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="34" font-size="22" text-anchor="middle" fill="#222">${escapeXml(t.chartTitle({ area: board.area.name, ...stamp }))}</text>`,
  );
  // Grid every 10 % (labels every 20 %).
  for (let bp = 0; bp <= scaleBp; bp += 1000) {
    const gx = x(bp).toFixed(1);
    out.push(`<line x1="${gx}" y1="${TOP - 8}" x2="${gx}" y2="${height - BOTTOM + 4}" stroke="#e5e5e5" stroke-width="1"/>`);
    if (bp % 2000 === 0) {
      out.push(`<text x="${gx}" y="${height - BOTTOM + 22}" font-size="13" text-anchor="middle" fill="#666">${bp / 100}%</text>`);
    }
  }
  const line = (bp: number, color: string, label: string, labelY: number) => {
    const lx = x(bp).toFixed(1);
    out.push(
      `<line x1="${lx}" y1="${TOP - 10}" x2="${lx}" y2="${height - BOTTOM + 4}" stroke="${color}" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="${lx}" y="${labelY}" font-size="13" text-anchor="middle" fill="${color}">${escapeXml(label)}</text>`,
    );
  };
  line(10_000, '#d62728', t.chartTarget(), TOP - 14);
  if (areaBp !== null) line(areaBp, '#555555', t.chartAreaRate({ area: board.area.name, rate: formatRate(areaBp) }), TOP - 30);
  // 序时进度, labelled under the axis: the two labels above are taken.
  line(board.time.bp, '#2ca02c', t.chartTimeElapsed({ rate: formatRate(board.time.bp) }), height - BOTTOM + 37);
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const bp = r.rateBp ?? 0;
    const behind = areaBp !== null && bp < areaBp;
    const w = Math.max(0, x(bp) - LEFT);
    const fill = r.kind === 'unit' ? (behind ? '#f0a04b' : '#3b7dd8') : BAR_COLOR[r.kind];
    out.push(
      `<text x="${LEFT - 10}" y="${y + ROW / 2 + 5}" font-size="15" text-anchor="end" fill="#222">${escapeXml(r.label)}</text>`,
      `<rect x="${LEFT}" y="${y + 5}" width="${w.toFixed(1)}" height="${ROW - 10}" fill="${fill}"/>`,
      // A white plate under the value keeps it readable where a reference line crosses it.
      `<rect x="${(LEFT + w + 3).toFixed(1)}" y="${y + 6}" width="${formatRate(r.rateBp).length * 7.5 + 6}" height="${ROW - 12}" fill="#ffffff"/>`,
      `<text x="${(LEFT + w + 6).toFixed(1)}" y="${y + ROW / 2 + 5}" font-size="13" fill="#333">${formatRate(r.rateBp)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Renders SVG to PNG with resvg's own text drawing and the packaged CJK font only; `fontFiles: []` renders without any font (for tests). */
const renderOptions = (fontFiles: readonly string[]) => ({
  font: { loadSystemFonts: false, fontFiles: [...fontFiles], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
  background: '#ffffff',
});

export function renderSvgPng(svg: string, fontFiles: readonly string[] = CHART_FONT_FILES): Buffer {
  return new Resvg(svg, renderOptions(fontFiles)).render().asPng();
}

let pool: ChartPool | undefined;

/** The process's chart threads, started when first needed. */
const chartThreads = (): ChartPool => (pool ??= createChartPool({ fontFile: CHART_FONT_FILES[0]! }));

/**
 * Draws a chart's SVG to PNG on the process's chart threads (started when
 * first needed), never on the event loop: the delivery worker draws charts
 * while the same process answers payments.
 */
export function drawChartPng(svg: string): Promise<Uint8Array> {
  return chartThreads().draw(svg);
}

/**
 * A long table as an XLSX workbook, built on the same threads: exceljs took
 * 110–320 ms for a province's 2,000 rows, in slices on the event loop.
 */
export function tableWorkbookOffThread(table: ReplyTable, sheet: string): Promise<Uint8Array> {
  return chartThreads().workbook(table, sheet);
}

/** Starts the chart threads and opens the font in each: the bot does it at start, before any board is due. */
export function warmChartThreads(): Promise<void> {
  return chartThreads().warm();
}

/** The chart of a board, to be stored with the post and drawn once when it is first sent. */
export function boardChartToDraw(board: Board, t: Catalogue, filename: string): { svg: string; filename: string; alt: string } {
  return { svg: boardChartSvg(board, t), filename, alt: t.chartAlt({ area: board.area.name }) };
}
