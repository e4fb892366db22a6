/**
 * Drawing a reply's chart after the user has been answered (the command
 * returns it as SVG text). A platform keeps its latest drawings by their SVG:
 * while the figures stay the same, `board` asked again attaches the chart
 * drawn before instead of drawing it anew, and many asking at once share one
 * drawing.
 */
import { createHash } from 'node:crypto';
import type { Reply } from '../../core/reply.ts';
import { drawChartPng } from '../../board/chart.ts';

/** How a chart's SVG becomes a PNG (the chart threads; tests count the drawings). */
export type DrawChart = (svg: string) => Promise<Uint8Array>;

/** A platform's chart drawing, with the latest drawings kept. */
export interface ChartDrawing {
  /** The reply with its chart drawn into `image` (the chart field dropped); the reply itself when it has none. */
  withDrawnChart(reply: Reply): Promise<Reply>;
}

/** Drawings kept for a reuse: a board asked again, in a few channels, while the figures stay the same. */
const KEEP = 8;

export function createChartDrawing(draw: DrawChart = drawChartPng, keep = KEEP): ChartDrawing {
  const drawn = new Map<string, Promise<Uint8Array>>();
  return {
    async withDrawnChart(reply) {
      const { chart, ...rest } = reply;
      if (!chart) return reply;
      const key = createHash('sha256').update(chart.svg).digest('hex');
      let png = drawn.get(key);
      if (!png) {
        png = draw(chart.svg);
        drawn.set(key, png);
        // A failed drawing is not kept: the next ask tries again.
        png.catch(() => drawn.delete(key));
        while (drawn.size > keep) drawn.delete(drawn.keys().next().value!);
      } else {
        // Most recently used last.
        drawn.delete(key);
        drawn.set(key, png);
      }
      return { ...rest, image: { png: await png, filename: chart.filename, alt: chart.alt } };
    },
  };
}

/** The reply without its chart (where no image can be shown). */
export function withoutChart(reply: Reply): Reply {
  const { chart, ...rest } = reply;
  void chart;
  return rest;
}
