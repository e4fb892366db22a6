/**
 * Bolt's receiver for HTTP mode (the custom `Receiver` pattern bolt-js
 * documents: init, start, stop). Our front door (http-server.ts) checks the
 * signature once and acknowledges; this receiver then hands the verified body
 * to the real Bolt `App` through `processEvent`, so every listener and
 * middleware runs as it would behind Bolt's HTTPReceiver — only its `ack()`
 * has nothing left to send.
 *
 * Why not HTTPReceiver: it acknowledges only after the App has routed the
 * request through its middleware, and verifies the signature a second time;
 * with a burst of slash commands those costs queued up in front of the later
 * acknowledgements (docs/figures.md holds the acknowledgement's p99 target). The price:
 * an acknowledgement cannot carry content (no modal `response_action`, no
 * `options` for external selects). enrollbot uses neither; a listener that
 * tries is logged.
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../core/logger.ts';
import { startVerifiedServer, type OtherPathHandler, type ServerLimits, type VerifiedRequest, type VerifiedServer } from './http-server.ts';
import { createWorkQueue, type WorkQueue } from './work-queue.ts';

/**
 * How long after the latest request the work behind the acknowledgements
 * keeps waiting. The requests of a burst arrive spread over milliseconds
 * (more under load); a synchronous SQLite commit (fsync, several ms on a busy
 * disk) or Bolt's middleware run between two of them would hold up the
 * acknowledgements of the rest.
 */
export const ARRIVAL_QUIET_MS = 20;

export interface VerifiedReceiverOptions {
  signingSecret: string;
  port: number;
  host?: string;
  /** The clock signatures are checked against. */
  nowMs: () => number;
  log: Logger;
  /** Answers paths other than Slack's on the same server (the health check). */
  otherPaths?: OtherPathHandler;
  /** The front door's limits (tests); the defaults otherwise. */
  limits?: Partial<ServerLimits>;
}

/** A Bolt receiver behind the verifying, acknowledging front door. */
export class VerifiedReceiver implements Receiver {
  private app: App | null = null;
  private server: VerifiedServer | null = null;
  private readonly options: VerifiedReceiverOptions;
  /** Verified requests wait here for Bolt: one per turn of the event loop, when no request is arriving. */
  private readonly toDispatch: WorkQueue;

  constructor(options: VerifiedReceiverOptions) {
    this.options = options;
    this.toDispatch = createWorkQueue({ busy: () => this.busy() });
  }

  init(app: App): void {
    this.app = app;
  }

  /** The bound port once started. */
  get port(): number | null {
    return this.server?.port ?? null;
  }

  /**
   * True while requests are arriving: some are not yet acknowledged, or the
   * latest came less than ARRIVAL_QUIET_MS ago (more of a burst is likely on its way).
   */
  busy(): boolean {
    const s = this.server;
    return s !== null && (s.inFlight > 0 || performance.now() - s.lastArrivalMs < ARRIVAL_QUIET_MS);
  }

  /** Requests acknowledged and not yet handed to Bolt. */
  get pending(): number {
    return this.toDispatch.pending;
  }

  async start(): Promise<VerifiedServer> {
    if (this.server) return this.server;
    const { signingSecret, port, host, nowMs, log, otherPaths, limits } = this.options;
    this.server = await startVerifiedServer({
      signingSecret,
      dispatch: (request) => {
        // A modal submission waits for its own answer, which counts as a request
        // still arriving: it must not queue behind that, or it would wait for itself.
        if (request.answer) return this.dispatch(request);
        // The job ends once Bolt has the event: its listeners run on, and queue their own work.
        void this.toDispatch.run(async () => this.dispatch(request));
      },
      ...(otherPaths ? { otherPaths } : {}),
      ...(limits ? { limits } : {}),
      port,
      ...(host ? { host } : {}),
      nowMs,
      log,
    });
    return this.server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  private dispatch(request: VerifiedRequest): void {
    const { log } = this.options;
    const app = this.app;
    if (!app) return log.error('slack receiver used before init', {});
    const body = request.body();
    // Only an interaction whose `payload` is not JSON gets here unread; Slack sends none.
    if (!body) return log.warn('slack request body unreadable, dropped', {});
    const event: ReceiverEvent = {
      body,
      ...(request.retryNum !== undefined ? { retryNum: request.retryNum } : {}),
      ...(request.retryReason !== undefined ? { retryReason: request.retryReason } : {}),
      // Already answered with an empty 200, but for a modal submission, whose answer the listener gives.
      ack: async (response?: unknown) => {
        if (request.answer) return request.answer(response);
        if (response !== undefined) log.warn('slack ack content dropped: answered already', { type: String(body.type ?? body.command ?? '') });
      },
    };
    app.processEvent(event).catch((e: unknown) => {
      log.error('slack event failed', { err: e instanceof Error ? e.message : String(e) });
    });
  }
}
