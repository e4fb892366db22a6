/**
 * The bot as a real, separate process (`node --v8-pool-size=1 --import tsx
 * src/main.ts`), the way `npm start` runs it: for tests that kill it, restart it or run two of
 * it on one database. Its output is kept line by line; a test waits for a
 * line (or a JSON log entry) to appear, never for a fixed time, and a wait
 * fails at once, with the output so far, when the process ends first.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { APP_NODE_FLAGS } from '../../src/ops/node-flags.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** How to start the bot. */
export interface BotProcessOptions {
  /**
   * The environment, over a small base (PATH, TZ=UTC, ENROLLBOT_DEMO=0,
   * LOG_LEVEL=info): nothing else of the test's environment leaks in.
   */
  env?: Record<string, string>;
  /** Arguments after the script (`--console`…). */
  args?: string[];
  /** node's flags (default: the app's, as `npm start` passes them). */
  nodeFlags?: readonly string[];
  /** The script, relative to the repository (default `src/main.ts`). */
  script?: string;
  /** Resolve `startBot` only once a line matches (on either stream); default: at once. */
  readyWhen?: LineMatch;
  /** How long `readyWhen` may take (default 30 s: tsx compiles the bot on a cold start). */
  readyTimeoutMs?: number;
}

/** A line test: a pattern or a predicate. */
export type LineMatch = RegExp | ((line: string) => boolean);

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running (or ended) bot process. */
export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Complete lines written so far, in order. */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** The JSON log entries on stderr so far (other lines skipped). */
  logs(): Record<string, unknown>[];
  /** Resolves with the first line (either stream) that matches, past or future. */
  waitForLine(match: LineMatch, timeoutMs?: number): Promise<string>;
  /** Resolves with the first JSON log entry with this `msg` (and, if given, passing `where`). */
  waitForLog(msg: string, where?: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends a signal (no-op once ended). */
  kill(signal: NodeJS.Signals): void;
  /** Settles when the process has ended and its output is read to the end. */
  readonly exited: Promise<Exit>;
  /** Null while running. */
  readonly exit: Exit | null;
  /** Sends `signal` (default SIGTERM) and waits for the end; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

function matches(match: LineMatch, line: string): boolean {
  return typeof match === 'function' ? match(line) : match.test(line);
}

function parseLog(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Starts the bot; with `readyWhen`, resolves once it printed that line. */
export async function startBot(options: BotProcessOptions = {}): Promise<BotProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? APP_NODE_FLAGS), '--import', 'tsx', options.script ?? 'src/main.ts', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', HOME: process.env.HOME!, ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR!, ENROLLBOT_DEMO: '0', LOG_LEVEL: 'info', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const all: string[] = [];
  const waiters = new Set<{ match: LineMatch; resolve: (line: string) => void }>();
  let exit: Exit | null = null;
  let onEnd: (e: Exit) => void = () => {};

  const tail = () => `\n--- stdout:\n${stdout.slice(-40).join('\n')}\n--- stderr:\n${stderr.slice(-40).join('\n')}`;

  function collect(stream: NodeJS.ReadableStream, into: string[]) {
    let partial = '';
    const add = (line: string) => {
      into.push(line);
      all.push(line);
      for (const w of waiters) {
        if (matches(w.match, line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const line of parts) add(line);
    });
    return () => {
      if (partial) add(partial);
      partial = '';
    };
  }
  // A process that cannot be started ends with an error and a close; the error is kept as a line.
  child.on('error', (e) => stderr.push(`spawn error: ${e.message}`));
  const flushOut = collect(child.stdout, stdout);
  const flushErr = collect(child.stderr, stderr);

  // 'close' comes after both streams ended: every line is in by then.
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      flushOut();
      flushErr();
      exit = { code, signal };
      resolve(exit);
      onEnd(exit);
    });
  });
  const ended = new Promise<Exit>((resolve) => (onEnd = resolve));

  function waitForLine(match: LineMatch, timeoutMs = 30_000): Promise<string> {
    const seen = all.find((l) => matches(match, l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const fail = (why: string) => {
        if (!waiters.delete(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`bot process ${child.pid}: ${why} while waiting for ${String(match)}${tail()}`));
      };
      const timer = setTimeout(() => fail(`no such line within ${timeoutMs} ms`), timeoutMs);
      waiters.add(waiter);
      if (exit) fail(`ended (${JSON.stringify(exit)})`);
      else void ended.then((e) => fail(`ended (${JSON.stringify(e)})`));
    });
  }

  const bot: BotProcess = {
    child,
    pid: child.pid ?? -1,
    stdout,
    stderr,
    logs: () => stderr.map(parseLog).filter((e): e is Record<string, unknown> => e !== null),
    waitForLine,
    async waitForLog(msg, where = () => true, timeoutMs) {
      const line = await waitForLine((l) => {
        const entry = parseLog(l);
        return entry !== null && entry.msg === msg && where(entry);
      }, timeoutMs);
      return parseLog(line)!;
    },
    kill(signal) {
      if (!exit) child.kill(signal);
    },
    exited,
    get exit() {
      return exit;
    },
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (exit) return exit;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  if (options.readyWhen) {
    try {
      await waitForLine(options.readyWhen, options.readyTimeoutMs ?? 30_000);
    } catch (e) {
      await bot.stop('SIGKILL');
      throw e;
    }
  }
  return bot;
}

/** The log line of a bot whose Slack HTTP server is up (`readyWhen: SLACK_LISTENING`). */
export const SLACK_LISTENING: LineMatch = (line) => parseLog(line)?.msg === 'slack listening';

/** The port the bot's Slack HTTP server listens on (start it with `PORT=0` to let the system choose). */
export async function slackPort(bot: BotProcess, timeoutMs?: number): Promise<number> {
  return Number((await bot.waitForLog('slack listening', undefined, timeoutMs)).port);
}
