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

export function createWorkQueue(concurrency = 1): WorkQueue {
  const waiting: (() => void)[] = [];
  let running = 0;

  function next(): void {
    if (running >= concurrency || waiting.length === 0) return;
    running++;
    // setImmediate, not a microtask: pending socket reads (and their acks) go first.
    setImmediate(waiting.shift()!);
  }

  return {
    get pending() {
      return running + waiting.length;
    },
    run<T>(job: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          job()
            .then(resolve, reject)
            .finally(() => {
              running--;
              next();
            });
        });
        next();
      });
    },
  };
}
