/**
 * Turns the chart's own `<text>` elements into `<path>` outlines drawn from
 * a font opened once. resvg reads the whole font file again for every text
 * chunk it shapes (about 20 ms each with the 10 MB CJK face), which made a
 * chart cost about 25 ms a bar; outlines cost it nothing, and each glyph's
 * outline is computed once per font and kept.
 *
 * Only the shape `boardChartSvg` writes is read: `<text x y font-size
 * [text-anchor] [fill]>escaped text</text>` on one line, no nested tspans.
 * Anything else passes through untouched (and is drawn by resvg as before).
 */
import type { Font } from 'fontkit';

const TEXT = /<text\b([^>]*)>([^<]*)<\/text>/g;
const ATTR = /([a-z-]+)="([^"]*)"/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const unescapeXml = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]!);

/** A font's glyph outlines and advances, kept as they are first asked for. */
export interface OutlineFont {
  /** The text's outline at the origin (baseline at y = 0), in font units, and its advance width. */
  outline(text: string): { d: string; advance: number };
  unitsPerEm: number;
}

/** Wraps an opened fontkit font; outlines of each distinct text are kept (a chart repeats few). */
export function outlineFont(font: Font, keep = 5000): OutlineFont {
  const glyphs = new Map<number, string>();
  const texts = new Map<string, { d: string; advance: number }>();
  return {
    unitsPerEm: font.unitsPerEm,
    outline(text) {
      const known = texts.get(text);
      if (known) return known;
      const run = font.layout(text);
      let x = 0;
      const parts: string[] = [];
      run.glyphs.forEach((g, i) => {
        const pos = run.positions[i]!;
        let d = glyphs.get(g.id);
        if (d === undefined) {
          d = g.path.toSVG();
          glyphs.set(g.id, d);
        }
        if (d) parts.push(`<path transform="translate(${x + pos.xOffset} ${pos.yOffset})" d="${d}"/>`);
        x += pos.xAdvance;
      });
      const out = { d: parts.join(''), advance: x };
      if (texts.size >= keep) texts.clear();
      texts.set(text, out);
      return out;
    },
  };
}

/** The SVG with each simple `<text>` replaced by its outlines (same place, size, anchor and colour). */
export function textToPaths(svg: string, font: OutlineFont): string {
  return svg.replace(TEXT, (whole, attrs: string, body: string) => {
    const a: Record<string, string> = {};
    for (const m of attrs.matchAll(ATTR)) a[m[1]!] = m[2]!;
    const x = Number(a.x ?? 0);
    const y = Number(a.y ?? 0);
    const size = Number(a['font-size'] ?? 16);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(size)) return whole;
    const text = unescapeXml(body);
    if (text === '') return '';
    const { d, advance } = font.outline(text);
    const scale = size / font.unitsPerEm;
    const width = advance * scale;
    const anchor = a['text-anchor'];
    const left = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
    // Font units point up; SVG's y points down.
    return `<g transform="translate(${left.toFixed(2)} ${y}) scale(${scale.toFixed(5)} ${(-scale).toFixed(5)})" fill="${a.fill ?? '#000'}">${d}</g>`;
  });
}
