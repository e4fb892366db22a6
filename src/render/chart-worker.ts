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
import type { RenderJob } from './chart-pool.ts';

yieldToMainThread();

const port = parentPort!;
const { fontFile } = workerData as { fontFile: string };
const font = outlineFont(create(readFileSync(fontFile)) as Font);

/** The table-workbook builder, loaded with exceljs when the first long table comes (most bots never send one). */
let workbooks: typeof import('./table-workbook.ts') | undefined;

async function bytesOf(job: RenderJob): Promise<Uint8Array> {
  if ('svg' in job) return new Resvg(textToPaths(job.svg, font), { font: { loadSystemFonts: false }, background: '#ffffff' }).render().asPng();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded as CommonJS (see above): require is this thread's lazy import
  workbooks ??= require('./table-workbook.ts') as typeof import('./table-workbook.ts');
  return workbooks.tableWorkbook(job.table, job.sheet);
}

port.on('message', (job: RenderJob) => {
  bytesOf(job).then(
    (out) => {
      // A copy of its own, so that handing it over detaches nothing else.
      const bytes = new Uint8Array(out);
      port.postMessage({ id: job.id, bytes }, [bytes.buffer as ArrayBuffer]);
    },
    (e: unknown) => port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
