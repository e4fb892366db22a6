/**
 * The flags node runs the app's processes with (`npm start`, `npm run cli`,
 * `npm run bench`; package.json passes them, and a test keeps it so).
 *
 * `--v8-pool-size=1`: V8 compiles hot code and collects garbage for every
 * thread of the process (the board and chart threads too) on a pool of
 * background threads at normal priority, four by default. During a board
 * post those four took the event loop's core from it on a two-core machine:
 * the bot's main thread waited to run for about a quarter of the post
 * (109 ms of 395), and payments answered in 0.5 ms took 4–5 ms. With one
 * background thread it waited 7 ms of 437, and the payments' p99 during
 * posts fell from 2.2–4.8 ms to 1.5–3.4 ms (docs/figures.md, pay during
 * board post). The app's own helper threads (board, chart, import) are
 * threads of the process, not of this pool: they keep their parallelism.
 */

/** What every process of the app passes to node. */
export const APP_NODE_FLAGS: readonly string[] = ['--v8-pool-size=1'];

/**
 * The V8 pool size node was started with, from its own flags or
 * NODE_OPTIONS (the last one given wins, as in node), or null when it was
 * left at node's default.
 */
export function v8PoolSize(execArgv: readonly string[], nodeOptions: string | undefined): number | null {
  const words = [...(nodeOptions ?? '').split(/\s+/).filter(Boolean), ...execArgv];
  let size: number | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--v8-pool-size=')) size = Number(w.slice('--v8-pool-size='.length));
    else if (w === '--v8-pool-size' && i + 1 < words.length) size = Number(words[++i]);
  }
  return size !== null && Number.isInteger(size) && size >= 0 ? size : null;
}
