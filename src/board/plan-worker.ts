/**
 * The board thread: reads the boards of a post on a read-only connection of
 * its own and puts them into words, so that none of it (milliseconds a step
 * at a province's 2,000 townships, and synchronous on SQLite) runs on the
 * event loop that answers payments. Started by plan-thread.ts (loaded as
 * CommonJS: no top-level await and no `import.meta` in anything it imports).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase, type DatabaseHandle } from '../db/database.ts';
import { catalogue } from '../i18n/index.ts';
import { redact } from '../domain/mask.ts';
import { yieldToMainThread } from '../render/thread-priority.ts';
import { planBoardsHere } from './plan.ts';
import type { PlanJob, PlanMessage } from './plan-thread.ts';

yieldToMainThread();

const port = parentPort!;
const { url } = workerData as { url: string };
let handle: DatabaseHandle | null = null;

port.on('message', (job: PlanJob) => {
  if (job.type === 'close') {
    void (handle?.close() ?? Promise.resolve()).finally(() => port.close());
    handle = null;
    return;
  }
  void (async () => {
    let answer: PlanMessage;
    try {
      handle ??= openReadOnlyDatabase(url);
      if (job.type === 'warm') answer = { id: job.id, planned: [] };
      else {
        const { locale, ...input } = job.input;
        answer = { id: job.id, planned: await planBoardsHere(handle.db, { ...input, t: catalogue(locale) }) };
      }
    } catch (e) {
      answer = { id: job.id, error: redact(e instanceof Error ? e.message : String(e)) };
    }
    port.postMessage(answer);
  })();
});
