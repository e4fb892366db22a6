/**
 * The bot's board thread: a worker thread that reads a post's boards on a
 * read-only database connection of its own (plan-worker.ts) and hands back
 * what the post stores, as plain strings and rows. Reading a province's
 * board is milliseconds of synchronous SQLite reads and string building,
 * each of which a payment answered meanwhile would wait behind on the
 * event loop.
 *
 * The app starts one per database it opens (a SQLite file or PostgreSQL),
 * lazily, and keeps it; its close ends it. A handle the app did not open
 * (tests that pass their own, the bench's setup) has none and reads its
 * boards on its own thread, as does a post asked in a catalogue the thread
 * does not know. Idle, the thread does not keep the process alive.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { catalogue, type Locale } from '../i18n/index.ts';
import type { PlanInput, PlannedPost } from './plan.ts';

/** What the thread is sent: a post to read (its catalogue named by locale: functions cannot cross), a warm-up, or its end. */
export type PlanJob =
  | { type: 'plan'; id: number; input: Omit<PlanInput, 't'> & { locale: Locale } }
  | { type: 'warm'; id: number }
  | { type: 'close' };

/** What the thread answers a plan or a warm-up with. */
export type PlanMessage = { id: number; planned: PlannedPost[] } | { id: number; error: string };

/** A database's board thread. */
export interface BoardThread {
  /** True once the thread has answered a plan or warm-up: started, compiled and connected. */
  readonly ready: boolean;
  /** The post's boards, read on the thread; null when it cannot read them (then read them here). */
  plan(input: PlanInput): Promise<PlannedPost[] | null>;
  /** Starts the thread and opens its connection, so the first post does not wait for that (about a second). */
  warm(): Promise<void>;
  /** Ends the thread (its connection closed first); plans still waiting are read here instead. */
  close(): Promise<void>;
}

const threads = new WeakMap<Kysely<Database>, BoardThread>();

/** The board thread the app started for this database handle, if any. */
export function boardThreadOf(db: Kysely<Database>): BoardThread | undefined {
  return threads.get(db);
}

const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

/** Like the chart threads: the thread registers tsx itself, then loads its entry (see src/render/chart-pool.ts). */
function workerSource(): string {
  const tsx = fileURLToPath(import.meta.resolve('tsx/cjs/api'));
  const entry = fileURLToPath(new URL('./plan-worker.ts', import.meta.url));
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
}

/**
 * Starts (when first needed) a board thread for `db`, which was opened from
 * `url`, and registers it: `planBoards` on that handle then reads there.
 * `onError` hears why the thread could not read a post (it was read here).
 */
export function startBoardThread(options: { db: Kysely<Database>; url: string; onError?: (message: string) => void }): BoardThread {
  let worker: Worker | null = null;
  const waiting = new Map<number, (m: PlanMessage) => void>();
  let nextId = 0;
  let closed = false;
  let ready = false;

  const fail = (error: string) => {
    worker = null;
    ready = false;
    for (const answer of waiting.values()) answer({ id: -1, error });
    waiting.clear();
  };

  function started(): Worker {
    if (worker) return worker;
    const w = new Worker(workerSource(), { eval: true, workerData: { url: options.url } });
    w.unref();
    w.on('message', (m: PlanMessage) => {
      const answer = waiting.get(m.id);
      if (!answer) return;
      waiting.delete(m.id);
      if (waiting.size === 0) w.unref();
      // Up once it has read (or connected for a warm-up); one that cannot open its database is not.
      if ('planned' in m) ready = true;
      answer(m);
    });
    // A dead thread is started again at the next post; what it held is read here.
    w.on('error', (e) => {
      if (worker === w) fail(e.message);
    });
    w.on('exit', (code) => {
      if (worker === w) fail(`board thread exited (${code})`);
    });
    worker = w;
    return w;
  }

  function ask(job: { type: 'plan'; input: Omit<PlanInput, 't'> & { locale: Locale } } | { type: 'warm' }): Promise<PlanMessage> {
    const w = started();
    const id = ++nextId;
    return new Promise<PlanMessage>((resolve) => {
      waiting.set(id, resolve);
      w.ref();
      w.postMessage({ ...job, id });
    });
  }

  const thread: BoardThread = {
    get ready() {
      return ready;
    },
    async plan(input) {
      const locale = LOCALES.find((l) => catalogue(l) === input.t);
      if (closed || !locale) return null;
      const { t, ...rest } = input;
      void t;
      const m = await ask({ type: 'plan', input: { ...rest, locale } });
      if ('planned' in m) return m.planned;
      // Closing with the app is no failure to report.
      if (!closed) options.onError?.(m.error);
      return null;
    },
    async warm() {
      if (closed) return;
      const m = await ask({ type: 'warm' });
      if ('error' in m && !closed) options.onError?.(m.error);
    },
    async close() {
      closed = true;
      threads.delete(options.db);
      const w = worker;
      if (!w) return;
      worker = null;
      fail('board thread closed');
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.ref();
      w.postMessage({ type: 'close' } satisfies PlanJob);
      // It ends once its connection is closed; one that does not is ended.
      const timer = setTimeout(() => void w.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
  threads.set(options.db, thread);
  return thread;
}
