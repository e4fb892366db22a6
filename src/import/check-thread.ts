/**
 * Running an import's reading and checking on a worker thread, so that
 * decoding, CSV parsing and the row checks (a third of a large import's
 * time) run beside the database writes instead of before each of them. A
 * roster's IDs are hashed there too, and its batches pass through one more
 * thread that seals its names and phones (about as much work again), so the
 * importing thread only writes and never sees them in clear.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { EnrollbotError } from '../core/errors.ts';
import { redact } from '../domain/mask.ts';
import type { CheckSummary } from './check-table.ts';
import type { ContributionCheckContext } from './contribution-check.ts';
import type { RosterCheckContext } from './roster-check.ts';
import type { NamedCheckContext } from './named-check.ts';
import type { TargetCheckContext } from './target-check.ts';
import type { TableProgress } from './table-source.ts';
import type { SealKeys } from '../domain/pii-seal.ts';

/** Which checks, and what they need: everything in it is copied to the thread. */
export type CheckTask =
  | { kind: 'roster'; context: RosterCheckContext; sealKeys: SealKeys }
  | { kind: 'contributions'; context: ContributionCheckContext }
  | { kind: 'targets'; context: TargetCheckContext }
  | { kind: 'special' | 'unpaid'; context: NamedCheckContext };

/** What the checking thread is asked to do. */
export type CheckJob = (Exclude<CheckTask, { kind: 'roster' }> | { kind: 'roster'; context: RosterCheckContext }) & {
  path: string;
  /** Where batches go when a sealing thread comes between (a roster's), instead of the importing thread. */
  sealing?: MessagePort;
  /** Accepted rows per batch. */
  batchSize: number;
  /** How many batches it may read ahead of the writes. */
  batchesAhead: number;
};

/** What the sealing thread (`seal-worker.ts`) is given. */
export interface SealJob {
  /** Where the checking thread posts. */
  from: MessagePort;
  /** Copies, never logged, never in a message. */
  keys: SealKeys;
}

/** Accepted rows, `rows` of them as flat values (the checker's row layout). */
export interface CheckedBatch {
  type: 'batch';
  values: unknown[];
  rows: number;
}

/** The checking thread's last word: the whole file was checked. */
export interface CheckDone {
  type: 'done';
  summary: CheckSummary;
}

/** Why a file was given up on before its end, when it passed one of the reading thread's limits. */
export type StopReason =
  | { kind: 'xlsx_unpacked'; maxBytes: number }
  | { kind: 'xlsx_shared_strings'; max: number }
  | { kind: 'reader_memory'; heapMb: number };

/** What the checking thread posts back. */
export type CheckMessage =
  | CheckedBatch
  | CheckDone
  | { type: 'progress'; progress: TableProgress }
  | { type: 'failed'; error: string; reason?: StopReason };

/** How many batches the checking thread may read ahead of the writes: memory stays a few batches. */
const BATCHES_AHEAD = 4;

/**
 * Node 20 does not run a worker's TypeScript entry through the parent's tsx
 * loader (not even with `--import tsx` in its `execArgv`), under `npm run cli`
 * and vitest alike: the thread registers tsx itself, then loads its entry.
 * tsx's CommonJS hook, not its ESM one: that one starts one more thread (a
 * V8 heap of its own) for its hooks and takes twice as long to start.
 */
function workerSource(file: string): string {
  const tsx = fileURLToPath(import.meta.resolve('tsx/cjs/api'));
  const entry = fileURLToPath(new URL(file, import.meta.url));
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
}

/**
 * The checking thread's young generation: its garbage is short-lived (cells,
 * batches on their way out), so it dies young; 8 MB kept the peak lowest but
 * spent about a fifth of the import's CPU time collecting (docs/figures.md).
 */
const YOUNG_GENERATION_MB = 32;

/** The sealing thread's: it keeps less (a batch in, a batch out) and stays small. */
const SEALING_YOUNG_GENERATION_MB = 16;

/**
 * The reading thread's heap by default, in MB: room for an XLSX at its
 * shared-strings limit (see xlsx-guard.ts) and a CSV's largest believable
 * cell, and a bound for anything else, so a hostile file stops the import
 * instead of the machine.
 */
export const READER_HEAP_MB = 512;

/** The file could not be read to the end: the checking thread failed or stopped. Nothing was written. */
export class ImportStopped extends EnrollbotError {
  /** What stopped it, personal data redacted. */
  readonly detail: string;
  /** The limit it passed, when that is what stopped it. */
  readonly reason: StopReason | null;
  constructor(detail: string, reason: StopReason | null = null) {
    super('import_invalid', `the file could not be read to the end (${redact(detail)})`);
    this.name = 'ImportStopped';
    this.detail = redact(detail);
    this.reason = reason;
  }
}

/**
 * Checking a file on a worker thread, started at once: the thread reads on
 * while batches are written, up to `BATCHES_AHEAD` of them. Take batches with
 * `next` until it gives the summary; `stop` the thread however that ends.
 */
export class CheckThread {
  private readonly queue: CheckMessage[] = [];
  /** Why `next` must throw once the batches before are taken: the thread failed or stopped. */
  private failure: ImportStopped | null = null;
  /** What the progress callback threw: `next` throws it at once. */
  private progressError: { error: unknown } | null = null;
  private wake: (() => void) | null = null;
  /** A batch was handed out and the thread was not yet told it is written. */
  private owed = false;

  /**
   * `worker` checks; `sealer`, when there is one, hashes and seals what it
   * checked and passes everything on (a roster's), so messages come from it.
   */
  private constructor(
    private readonly worker: Worker,
    private readonly sealer: Worker | null,
  ) {}

  /**
   * Starts checking the file at `path` as `task` says, in batches of
   * `batchSize` rows; `heapMb` caps each thread's heap (READER_HEAP_MB when absent).
   * A roster's sealing keys go to its sealing thread only.
   */
  static start(
    path: string,
    task: CheckTask,
    options: { batchSize: number; heapMb?: number; onProgress?: (p: TableProgress) => void },
  ): CheckThread {
    const { batchSize, onProgress } = options;
    const heapMb = options.heapMb ?? READER_HEAP_MB;
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: heapMb };
    let thread: CheckThread;
    if (task.kind === 'roster') {
      const { sealKeys: keys, ...checked } = task;
      const channel = new MessageChannel();
      const workerData: CheckJob = { ...checked, path, batchSize, batchesAhead: BATCHES_AHEAD, sealing: channel.port1 };
      const sealData: SealJob = { from: channel.port2, keys };
      thread = new CheckThread(
        new Worker(workerSource('./check-worker.ts'), { eval: true, workerData, transferList: [channel.port1], resourceLimits }),
        new Worker(workerSource('./seal-worker.ts'), {
          eval: true,
          workerData: sealData,
          transferList: [channel.port2],
          resourceLimits: { ...resourceLimits, maxYoungGenerationSizeMb: SEALING_YOUNG_GENERATION_MB },
        }),
      );
    } else {
      const workerData: CheckJob = { ...task, path, batchSize, batchesAhead: BATCHES_AHEAD };
      thread = new CheckThread(new Worker(workerSource('./check-worker.ts'), { eval: true, workerData, resourceLimits }), null);
    }
    const notify = () => {
      thread.wake?.();
      thread.wake = null;
    };
    (thread.sealer ?? thread.worker).on('message', (m: CheckMessage) => {
      if (m.type === 'progress') {
        // Thrown here it would be uncaught (this is an event handler): the import fails with it instead.
        try {
          onProgress?.(m.progress);
        } catch (error) {
          thread.progressError ??= { error };
          notify();
        }
      } else {
        thread.queue.push(m);
        notify();
      }
    });
    for (const w of [thread.worker, thread.sealer]) {
      w?.on('error', (e) => {
        const outOfMemory = (e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        thread.failure ??= new ImportStopped(e instanceof Error ? e.message : String(e), outOfMemory ? { kind: 'reader_memory', heapMb } : null);
        notify();
      });
    }
    const stopped = () => {
      thread.failure ??= new ImportStopped('the reading thread stopped before the end of the file');
      notify();
    };
    if (thread.sealer) {
      // The sealing thread ends once it passed the summary on, or when the checking thread ended without
      // one: then wait for that one's end, so that why it failed (its heap, say) is what the import says.
      const checked = new Promise<void>((r) => thread.worker.once('exit', () => r()));
      thread.sealer.on('exit', () => void checked.then(stopped));
    } else {
      thread.worker.on('exit', stopped);
    }
    return thread;
  }

  /**
   * The next batch of accepted rows, or the summary once the whole file was
   * checked. Asking again says the batch before was written. Throws
   * `ImportStopped` when the thread failed or stopped, or what the progress
   * callback threw.
   */
  async next(): Promise<CheckedBatch | CheckDone> {
    if (this.owed) {
      this.owed = false;
      this.worker.postMessage(1);
    }
    for (;;) {
      if (this.progressError) throw this.progressError.error;
      const m = this.queue.shift();
      if (m?.type === 'failed') throw new ImportStopped(m.error, m.reason ?? null);
      if (m?.type === 'batch') {
        this.owed = true;
        return m;
      }
      if (m?.type === 'done') return m;
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  /** Stops the threads (at once, if they are still reading). */
  async stop(): Promise<void> {
    await Promise.all([this.worker.terminate(), this.sealer?.terminate()]);
  }
}
