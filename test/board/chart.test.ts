/** The chart renders to a valid PNG with the packaged CJK font, and its text does not vanish. */
import { describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { boardChartSvg, CHART_FONT_FAMILY, CHART_FONT_FILES, renderSvgPng } from '../../src/board/chart.ts';
import { withRankChange, type Board } from '../../src/board/board.ts';
import { rankStandings } from '../../src/domain/standings.ts';
import { catalogue } from '../../src/i18n/index.ts';

const board: Board = {
  area: { id: 1, parent_id: null, name: '本区', kind: 'district', path: '/1/', created_at: '' },
  campaign: {
    id: 1,
    name: 'c',
    start_date: '2026-09-01',
    deadline: '2026-12-31',
    premium_fen: 40_000, floor_fen: null,
    time_zone: 'Asia/Shanghai',
    is_current: 1,
    created_at: '',
    source: null,
    verify_margin_bp: null,
    verify_margin_people: null,
    praise_points: null,
    criticize_bottom: null,
  },
  asOf: new Date('2026-11-23T10:00:00Z'),
  today: '2026-11-23',
  rows: withRankChange(
    rankStandings([
      { areaId: 2, name: '城南街道', enrolled: 800, target: 1000, today: 5, amountFen: 0 },
      { areaId: 3, name: '青山镇 <&>', enrolled: 1100, target: 1000, today: 0, amountFen: 0 },
      { areaId: 4, name: '白石乡', enrolled: 100, target: 1000, today: 0, amountFen: 0 },
    ]),
    new Map(),
  ).map((r) => ({ ...r, reported: r.enrolled, official: null, diff: null, check: false, gap: Math.max(0, r.target - r.enrolled), behind: false })),
  total: { enrolled: 2000, target: 3000, today: 5, amountFen: 0, rateBp: 6667, reported: 2000, official: null, diff: null, check: false },
  daysLeft: 39,
  pace: 26,
  previous: null,
  source: 'reported',
  officialAsOf: null,
  time: { elapsed: 84, days: 122, bp: 6885 },
  praised: [],
  criticized: [],
};

/** Pixels that are not white in a rendering. */
function inked(svg: string, fontFiles: string[]): number {
  const r = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles, defaultFontFamily: CHART_FONT_FAMILY }, background: '#ffffff' });
  const px = r.render().pixels;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i]! < 250 || px[i + 1]! < 250 || px[i + 2]! < 250) n++;
  return n;
}

describe('board chart', () => {
  it('is a PNG of the expected size with the labels, the target line and the area rate', () => {
    const svg = boardChartSvg(board, catalogue('zh-CN'));
    expect(svg).toContain('本区各单位完成率（截至 11月23日 18:00）');
    expect(svg).toContain('1. 青山镇 &lt;&amp;&gt;');
    expect(svg).toContain('目标 100%');
    expect(svg).toContain('本区合计 66.67%');
    const png = renderSvgPng(svg);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(960);
    expect(png.readUInt32BE(20)).toBe(84 + 3 * 28 + 40);
  });

  it('draws glyphs with the packaged font: text alone inks the image only when the font is given', () => {
    const text = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><text x="10" y="40" font-size="28" font-family="${CHART_FONT_FAMILY}">城南街道完成率</text></svg>`;
    expect(inked(text, CHART_FONT_FILES)).toBeGreaterThan(500);
    expect(inked(text, [])).toBe(0);
    // The whole chart carries more ink with its labels than without them.
    const svg = boardChartSvg(board, catalogue('zh-CN'));
    expect(inked(svg, CHART_FONT_FILES) - inked(svg, [])).toBeGreaterThan(2000);
  });
});
