/**
 * Work after an acknowledgement, run one job at a time with a turn of the
 * event loop between jobs. better-sqlite3 is synchronous: without the turn, a
 * burst of commands would run its transactions back to back while the
 * acknowledgements of the requests behind them wait, and Slack gives each
 * request only three seconds.
 */

export interface WorkQueue {
  /** Runs `job` when its turn comes; settles with its result. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs waiting or running. */
  readonly pending: number;
}

export interface WorkQueueOptions {
  concurrency?: number;
  /** True while requests are arriving (see VerifiedReceiver.busy): jobs wait for them. */
  busy?: () => boolean;
  /** The longest a job waits for `busy` to clear, so steady traffic cannot starve the work. */
  maxDeferMs?: number;
}

export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  const concurrency = options.concurrency ?? 1;
  const busy = options.busy ?? (() => false);
  const maxDeferMs = options.maxDeferMs ?? 250;
  /** Jobs not yet started, with when each was queued: the defer bound counts from then. */
  const waiting: { start: () => void; queuedAt: number }[] = [];
  let running = 0;

  function start(): void {
    const head = waiting[0]!;
    // Requests still arriving go first; look again on a later turn, but no
    // job waits past maxDeferMs since it was queued, so steady traffic
    // cannot starve the work (a late job then runs at the next turn).
    if (busy() && performance.now() - head.queuedAt < maxDeferMs) {
      setTimeout(start, 1);
      return;
    }
    waiting.shift()!.start();
  }

  function next(): void {
    if (running >= concurrency || waiting.length === 0) return;
    running++;
    // setImmediate, not a microtask: pending socket reads (and their acks) go first.
    setImmediate(start);
  }

  return {
    get pending() {
      return running + waiting.length;
    },
    run<T>(job: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const begin = () => {
          job()
            .then(resolve, reject)
            .finally(() => {
              running--;
              next();
            });
        };
        waiting.push({ start: begin, queuedAt: performance.now() });
        next();
      });
    },
  };
}
