/**
 * The import's checking thread: reads and checks the file (see
 * `check-table.ts`) and posts accepted rows to the importing thread, which
 * writes them meanwhile. At most `job.batchesAhead` batches are unwritten at
 * a time, so a slow database holds the reading back and memory stays bounded.
 * Started by `check-thread.ts` (loaded as CommonJS there: no top-level await
 * and no `import.meta` in anything it imports).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkTable } from './check-table.ts';
import type { CheckJob, CheckMessage } from './check-thread.ts';
import { contributionChecker } from './contribution-check.ts';
import { rosterChecker } from './roster-check.ts';
import { targetChecker } from './target-check.ts';
import { namedChecker } from './named-check.ts';
import type { TableProgress } from './table-source.ts';
import { XlsxTooLarge } from './xlsx-guard.ts';

const port = parentPort!;
const job = workerData as CheckJob;
// A roster's batches go to the sealing thread, which passes them on; the writes are acknowledged here all the same.
const out = job.sealing ?? port;
let credits = job.batchesAhead;
let wake: (() => void) | null = null;
// Each message back is one batch written.
port.on('message', () => {
  credits++;
  wake?.();
  wake = null;
});
// The port keeps the thread alive only while it waits for a write: a reader
// that stalls with nothing left to do (exceljs on some truncated workbooks)
// then ends the thread, and the import fails instead of waiting forever.
port.unref();

function post(m: CheckMessage): void {
  out.postMessage(m);
}

async function run(): Promise<void> {
  const sink = {
    async batch(values: unknown[], rows: number) {
      if (credits === 0) {
        port.ref();
        while (credits === 0) await new Promise<void>((r) => (wake = r));
        port.unref();
      }
      credits--;
      post({ type: 'batch', values, rows });
    },
    progress: (progress: TableProgress) => post({ type: 'progress', progress }),
  };
  const summary =
    job.kind === 'roster'
      ? await checkTable(job.path, rosterChecker(job.context), sink, job.batchSize)
      : job.kind === 'contributions'
        ? await checkTable(job.path, contributionChecker(job.context), sink, job.batchSize)
        : job.kind === 'targets'
          ? await checkTable(job.path, targetChecker(job.context), sink, job.batchSize)
          : await checkTable(job.path, namedChecker(job.context), sink, job.batchSize);
  post({ type: 'done', summary });
}

run().catch((e: unknown) =>
  post({
    type: 'failed',
    error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    ...(e instanceof XlsxTooLarge ? { reason: e.limit === 'unpacked' ? { kind: 'xlsx_unpacked', maxBytes: e.max } : { kind: 'xlsx_shared_strings', max: e.max } } : {}),
  }),
);
