/** The after-ack work queue: one job at a time, a turn of the event loop between jobs. */
import { describe, expect, it } from 'vitest';
import { createWorkQueue } from '../../../src/platforms/slack/work-queue.ts';
import { until } from '../../helpers/until.ts';

describe('createWorkQueue', () => {
  it('runs jobs one at a time, in order, letting other callbacks run between them', async () => {
    const queue = createWorkQueue();
    const events: string[] = [];
    let active = 0;
    const job = (name: string) => async () => {
      active++;
      expect(active).toBe(1);
      events.push(`start ${name}`);
      // Another callback queued while this job runs must get its turn before the next job.
      setImmediate(() => events.push(`between after ${name}`));
      await Promise.resolve();
      events.push(`end ${name}`);
      active--;
      return name;
    };
    const results = await Promise.all([queue.run(job('a')), queue.run(job('b')), queue.run(job('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'between after a', 'start b', 'end b', 'between after b', 'start c', 'end c']);
    expect(queue.pending).toBe(0);
  });

  it('passes a failing job’s error to its caller and goes on with the next', async () => {
    const queue = createWorkQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });
});

describe('createWorkQueue with a busy signal', () => {
  it('holds jobs while busy, and never longer than maxDeferMs', async () => {
    let busy = true;
    let asked = 0;
    const queue = createWorkQueue({
      busy: () => {
        asked++;
        return busy;
      },
      maxDeferMs: 10_000,
    });
    let ran = false;
    const done = queue.run(async () => {
      ran = true;
    });
    // Asked again and again, and told each time to wait.
    await until(() => asked >= 3, () => `the queue to ask whether it may run (asked ${asked} times)`);
    expect(ran).toBe(false);
    busy = false;
    await done;
    expect(ran).toBe(true);

    const starving = createWorkQueue({ busy: () => true, maxDeferMs: 20 });
    const started = performance.now();
    await starving.run(async () => {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });

  it('counts the defer bound from when a job was queued, so steady traffic delays each job once at most', async () => {
    const queue = createWorkQueue({ busy: () => true, maxDeferMs: 100 });
    const started = performance.now();
    const ends: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => queue.run(async () => void ends.push(performance.now() - started))));
    // All five were queued at once: once the first has waited 100 ms, none waits again.
    expect(ends[0]).toBeGreaterThanOrEqual(99);
    expect(ends[4]! - ends[0]!).toBeLessThan(80);
  });
});
