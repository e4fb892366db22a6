/**
 * The roster import's sealing thread: takes what the checking thread posts
 * (on a port of its own), seals each batch (`roster-seal.ts`) and
 * passes everything on to the importing thread in the order it came, the
 * summary last. The keys come in `workerData`, copied; nothing here logs,
 * and a failure is passed on by its message alone. Started by
 * `check-thread.ts` (loaded as CommonJS there, like `check-worker.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckMessage, SealJob } from './check-thread.ts';
import { rosterSealer } from './roster-seal.ts';

const job = workerData as SealJob;
const seal = rosterSealer(job.keys);
job.from.on('message', (m: CheckMessage) => {
  if (m.type === 'batch') {
    parentPort!.postMessage({ type: 'batch', values: seal(m.values, m.rows), rows: m.rows } satisfies CheckMessage);
    return;
  }
  parentPort!.postMessage(m);
  // The last word: nothing more comes, and the thread ends.
  if (m.type === 'done' || m.type === 'failed') job.from.close();
});
// The checking thread gone without a last word closes the port too: this thread then ends, and the
// importing thread says why from the checking thread's own end.
