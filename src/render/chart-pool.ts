/**
 * Charts are drawn on worker threads, never on the event loop: a 250-bar
 * chart took seconds of the main thread, with no acknowledgements and no
 * payments meanwhile. Each thread opens the font once and keeps it; jobs go
 * to the thread with the fewest waiting. Idle threads do not keep the
 * process alive.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReplyTable } from '../core/reply.ts';

/** What a render thread is sent: a chart's SVG to draw, or a long table to build as a workbook. */
export type RenderJob = { id: number; svg: string } | { id: number; table: ReplyTable; sheet: string };

/** Draws SVG charts to PNG, and builds long tables' workbooks, off the main thread. */
export interface ChartPool {
  draw(svg: string): Promise<Uint8Array>;
  /** The table as an XLSX workbook (see src/render/table-workbook.ts). */
  workbook(table: ReplyTable, sheet: string): Promise<Uint8Array>;
  /**
   * Starts every thread and has each open the font and draw a line of text,
   * so the first board is not kept waiting for that (about a second).
   */
  warm(): Promise<void>;
  /** Ends the threads; drawings still waiting are refused. */
  close(): Promise<void>;
}

/** Like the import's checking thread: the thread registers tsx itself, then loads its entry (see src/import/check-thread.ts). */
function workerSource(): string {
  const tsx = fileURLToPath(import.meta.resolve('tsx/cjs/api'));
  const entry = fileURLToPath(new URL('./chart-worker.ts', import.meta.url));
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
}

interface Slot {
  worker: Worker;
  waiting: Map<number, { what: string; resolve: (bytes: Uint8Array) => void; reject: (e: Error) => void }>;
}

/**
 * A pool of `size` threads (default: one per core beyond the first, at least
 * one, at most four), started when first needed.
 */
export function createChartPool(options: { fontFile: string; size?: number }): ChartPool {
  const size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  function start(): Slot {
    const worker = new Worker(workerSource(), { eval: true, workerData: { fontFile: options.fontFile } });
    const slot: Slot = { worker, waiting: new Map() };
    worker.unref();
    worker.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
      const job = slot.waiting.get(m.id);
      if (!job) return;
      slot.waiting.delete(m.id);
      if (slot.waiting.size === 0) worker.unref();
      if (m.bytes) job.resolve(m.bytes);
      else job.reject(new Error(`${job.what} failed: ${m.error ?? 'unknown'}`));
    });
    const fail = (e: Error) => {
      // A dead thread is replaced at the next drawing; what it held is refused, not lost silently.
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      for (const job of slot.waiting.values()) job.reject(e);
      slot.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`chart thread exited (${code})`)));
    slots.push(slot);
    return slot;
  }

  /** Sends a job to this thread; `what` names it in a failure. */
  function send(slot: Slot, what: string, job: (id: number) => RenderJob): Promise<Uint8Array> {
    const id = ++nextId;
    return new Promise<Uint8Array>((resolve, reject) => {
      slot.waiting.set(id, { what, resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage(job(id));
    });
  }

  /** Sends a job to the thread with the fewest waiting (starting one while there are fewer than `size`). */
  function submit(what: string, job: (id: number) => RenderJob): Promise<Uint8Array> {
    if (closed) return Promise.reject(new Error('chart pool closed'));
    const free = slots.find((s) => s.waiting.size === 0);
    return send(free ?? (slots.length < size ? start() : slots.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a))), what, job);
  }

  return {
    draw: (svg) => submit('chart drawing', (id) => ({ id, svg })),
    workbook: (table, sheet) => submit('table workbook', (id) => ({ id, table, sheet })),
    async warm() {
      while (slots.length < size) start();
      const line = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="30"><text x="4" y="20" font-size="15">1. 城南街道 99.99%</text></svg>';
      await Promise.all(slots.map((slot) => send(slot, 'chart drawing', (id) => ({ id, svg: line }))));
    },
    async close() {
      closed = true;
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}
