/**
 * A chart-drawing thread: opens the chart font once, then turns each SVG it
 * is sent into a PNG (text as outlines, see text-paths.ts), so a chart never
 * holds the bot's event loop. Started by chart-pool.ts (loaded as CommonJS:
 * no top-level await and no `import.meta` in anything it imports).
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { create, type Font } from 'fontkit';
import { Resvg } from '@resvg/resvg-js';
import { outlineFont, textToPaths } from './text-paths.ts';
import { yieldToMainThread } from './thread-priority.ts';

yieldToMainThread();

const port = parentPort!;
const { fontFile } = workerData as { fontFile: string };
const font = outlineFont(create(readFileSync(fontFile)) as Font);

port.on('message', (job: { id: number; svg: string }) => {
  try {
    const png = new Resvg(textToPaths(job.svg, font), { font: { loadSystemFonts: false }, background: '#ffffff' }).render().asPng();
    // A copy of its own, so that handing it over detaches nothing else.
    const bytes = new Uint8Array(png);
    port.postMessage({ id: job.id, png: bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
