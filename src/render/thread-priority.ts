/**
 * Helper threads (chart drawing, board reading) yield the CPU to the bot's
 * main thread: on a busy machine the payments and acknowledgements it
 * answers matter more than a post arriving a little later.
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

/** On Linux a thread has its own nice value: lowers the calling thread's. Elsewhere it runs as it is. */
export function yieldToMainThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // No /proc, or not allowed: the thread keeps the process's priority.
  }
}
