/**
 * PostgreSQL: do replicas add throughput? The same pays from one bot process,
 * then from two bot processes at once on one database, each process with
 * coordinators and townships of its own (as two replicas behind one app
 * would serve different townships). The rate is all pays recorded over the
 * time from the first process's start to the last one's end.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { APP_NODE_FLAGS } from '../src/ops/node-flags.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatestOrThrow } from '../src/db/migrate.ts';

interface Run {
  start: number;
  end: number;
  recorded: number;
}

const CHILD = fileURLToPath(new URL('./pay-replica-child.ts', import.meta.url));

/** Starts a bot process; resolves once it is set up, with a function that starts its pays. */
async function startReplica(url: string, prefix: string, n: number): Promise<{ go: () => Promise<Run> }> {
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, '--import', 'tsx', CHILD, url, prefix, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const nextLine = async (): Promise<string> => {
    const r = await iterator.next();
    if (r.done) throw new Error(`bench replica ${prefix} ended early (exit ${await exited})`);
    return r.value;
  };
  if ((await nextLine()) !== 'ready') throw new Error(`bench replica ${prefix} did not get ready`);
  return {
    go: async () => {
      child.stdin.write('go\n');
      const run = JSON.parse(await nextLine()) as Run;
      child.stdin.end();
      await exited;
      return run;
    },
  };
}

/** Pays a second from `replicas` processes at once, `n` pays each, on the database at `url`. */
export async function replicasRate(url: string, replicas: number, n: number): Promise<number> {
  return (await replicasRun(url, replicas, n)).rate;
}

/** As `replicasRate`, with the window the pays ran in (ms since the epoch). */
export async function replicasRun(url: string, replicas: number, n: number): Promise<{ rate: number; start: number; end: number }> {
  const handle = await openDatabase(url);
  await migrateToLatestOrThrow(handle.db);
  await handle.close();
  // Set up one after another (each changes the setup); pay all at once.
  const started = [];
  for (let r = 0; r < replicas; r++) started.push(await startReplica(url, `R${r}`, n));
  const runs = await Promise.all(started.map((s) => s.go()));
  const start = Math.min(...runs.map((r) => r.start));
  const end = Math.max(...runs.map((r) => r.end));
  return { rate: runs.reduce((sum, r) => sum + r.recorded, 0) / ((end - start) / 1000), start, end };
}
