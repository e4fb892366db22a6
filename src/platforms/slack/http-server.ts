/**
 * The HTTP front door for Slack: a node:http server that refuses anything not
 * signed by Slack within five minutes either way (401, before any parsing or
 * work), and acknowledges a genuine request at once with an empty 200
 * (Slack's URL check gets its challenge back). Only then is the verified
 * request handed on (to Bolt, see receiver.ts, which defers it until no
 * request is arriving): no acknowledgement waits behind a listener. Any other
 * path goes to `otherPaths` (the health check), apart from Slack's traffic: it
 * neither counts as a request arriving nor delays command work.
 *
 * The door is on the internet, so it spends as little as it can on a request
 * that will be refused: its Content-Length and its timestamp are checked from
 * the headers before a byte of the body is read; a body is read only up to
 * the limit (a longer one is cut off with 413); a request has 10 s to arrive
 * whole (408); and the number of open connections is capped, so thousands of
 * slow clients cannot hold the process's sockets and memory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import type { Logger } from '../../core/logger.ts';
import { bodySignatureProblem, headerProblem, signingKey } from './signature.ts';

/** The path Slack posts events, commands and interactions to. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's payloads are small (a slash command is a few KB); anything bigger is refused. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** How long a request may take to arrive whole, headers and body. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Open connections at most; one more is closed as it arrives. Slack sends a
 * burst of a few hundred requests at the very most, over a few keep-alive connections.
 */
export const MAX_CONNECTIONS = 256;

/**
 * How long a modal submission's listener has to answer before an empty 200
 * (closing the modal) goes out for it: Slack waits three seconds in all.
 */
export const VIEW_ACK_MS = 2500;

/** Slack's unsigned SSL probe is a tiny form; an unsigned body larger than this is not one. */
const SSL_CHECK_MAX_BYTES = 4096;

/** How long a refused client keeps its half-closed connection before it is cut. */
const REFUSED_LINGER_MS = 1000;

/** The headers of an empty 200, made once. */
const EMPTY_OK = { 'content-length': '0' } as const;

/** A request that passed the signature and timestamp check, already acknowledged. */
export interface VerifiedRequest {
  /**
   * The parsed body (JSON, a form, or an interaction's `payload` form field);
   * null if a form's `payload` is not JSON. A form is parsed only when asked,
   * after the acknowledgement: nothing in it changes the answer.
   */
  body: () => Record<string, unknown> | null;
  /** `X-Slack-Retry-Num`: this is Slack's nth retry of an event it sent before. */
  retryNum?: number;
  /** `X-Slack-Retry-Reason`. */
  retryReason?: string;
  /**
   * A modal submission only: answers Slack's request with this body (JSON)
   * or, with none, an empty 200. Only the first answer counts.
   */
  answer?: (body?: unknown) => void;
}

/** Answers a request for a path other than Slack's (e.g. `GET /healthz`). */
export type OtherPathHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface VerifiedServerOptions {
  signingSecret: string;
  /** Receives each verified request once it has been acknowledged; it must defer its work. */
  dispatch: (request: VerifiedRequest) => void;
  /** Answers every path but Slack's; without it they get 404. */
  otherPaths?: OtherPathHandler;
  port: number;
  host?: string;
  nowMs: () => number;
  log: Logger;
  /** Limits, for tests; the defaults are the constants above. */
  limits?: Partial<ServerLimits>;
}

/** What the door allows a client. */
export interface ServerLimits {
  bodyBytes: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export interface VerifiedServer {
  server: Server;
  port: number;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** `performance.now()` when the latest request arrived (-Infinity before any). */
  readonly lastArrivalMs: number;
  close(): Promise<void>;
}

function reject(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end();
}

/**
 * Answers and gives up on the connection without reading what is left of the
 * body: node would otherwise read (and throw away) the rest to reuse the
 * connection, all two gigabytes of it. Reading stops, so a client that keeps
 * sending is held back by TCP; the connection is cut shortly after the answer
 * (at once, its unread bytes could reset the connection before the client
 * reads the answer).
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '0', connection: 'close' });
  res.end();
  dropRest(req);
}

/** Stops reading a request's body and closes its connection (see `refuse`). */
function dropRest(req: IncomingMessage): void {
  req.pause();
  const socket = req.socket;
  socket.pause();
  socket.end();
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? undefined : v;
}

/** The declared body length: null when none is declared (chunked), NaN when unreadable. */
function contentLength(req: IncomingMessage): number | null {
  const v = req.headers['content-length'];
  if (v === undefined) return null;
  return /^\d{1,15}$/.test(v) ? Number(v) : NaN;
}

type BodyRead = Buffer | 'too_big' | 'closed';

/** What the body listeners keep of a request being read, on the request itself. */
interface Reading {
  chunks: Buffer[];
  size: number;
  limit: number;
  res: ServerResponse;
  then: (req: IncomingMessage, res: ServerResponse, body: BodyRead) => void;
  /** What becomes of an error thrown by `then` (it runs from a stream event, where a throw would end the process). */
  fail: (res: ServerResponse, error: unknown) => void;
}

const READING = Symbol('enrollbot.reading');
type ReadingRequest = IncomingMessage & { [READING]?: Reading };

// The listeners are shared by every request and find their state on it: a
// request costs no closures (about a tenth of the door's time per request).
function onBodyData(this: ReadingRequest, chunk: Buffer): void {
  const r = this[READING];
  if (!r) return;
  r.size += chunk.length;
  if (r.size > r.limit) return settleBody(this, 'too_big');
  r.chunks.push(chunk);
}

function onBodyEnd(this: ReadingRequest): void {
  const r = this[READING];
  if (r) settleBody(this, r.chunks.length === 1 ? r.chunks[0]! : Buffer.concat(r.chunks, r.size));
}

function onBodyLost(this: ReadingRequest): void {
  settleBody(this, 'closed');
}

function settleBody(req: ReadingRequest, result: BodyRead): void {
  const r = req[READING];
  if (!r) return;
  req[READING] = undefined;
  req.off('data', onBodyData);
  req.off('end', onBodyEnd);
  req.off('error', onBodyLost);
  req.off('close', onBodyLost);
  try {
    r.then(req, r.res, result);
  } catch (e) {
    r.fail(r.res, e);
  }
}

/**
 * Reads the body, at most `limit` bytes, then calls `then` with it: one byte
 * more and reading stops at once with 'too_big' (a chunked body declares no
 * length to check first). 'closed' when the connection went before the body
 * was whole: the client left, or node's own request timeout (the server's
 * `requestTimeout`) answered 408 and closed it. No timer of its own: node's
 * clock already watches every request.
 */
function readBody(req: ReadingRequest, res: ServerResponse, limit: number, then: Reading['then'], fail: Reading['fail']): void {
  req[READING] = { chunks: [], size: 0, limit, res, then, fail };
  req.on('data', onBodyData);
  req.on('end', onBodyEnd);
  req.on('error', onBodyLost);
  req.on('close', onBodyLost);
}

function isForm(req: IncomingMessage): boolean {
  return header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded') ?? false;
}

/** Slack's SSL probe comes unsigned and asks only for a 200; it is never dispatched. */
function isSslCheck(req: IncomingMessage, body: Buffer): boolean {
  return isForm(req) && parseQuery(body.toString('utf8')).ssl_check === '1';
}

/** Slash commands come as a form, interactions as a form with a JSON `payload`, events as JSON. */
function parseBody(req: IncomingMessage, body: Buffer): Record<string, unknown> | null {
  try {
    const text = body.toString('utf8');
    if (isForm(req)) {
      const form: ParsedUrlQuery = parseQuery(text);
      return typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, unknown>) : form;
    }
    const json: unknown = JSON.parse(text);
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function retryNumOf(req: IncomingMessage): number | undefined {
  const v = header(req, 'x-slack-retry-num');
  const n = v === undefined ? NaN : Number.parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

export async function startVerifiedServer(options: VerifiedServerOptions): Promise<VerifiedServer> {
  const { log } = options;

  const otherPaths: OtherPathHandler = options.otherPaths ?? ((_req, res) => reject(res, 404));

  const limits: ServerLimits = {
    bodyBytes: options.limits?.bodyBytes ?? BODY_LIMIT_BYTES,
    requestTimeoutMs: options.limits?.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    maxConnections: options.limits?.maxConnections ?? MAX_CONNECTIONS,
  };

  const key = signingKey(options.signingSecret);

  /** A request's handling failed unexpectedly: logged, and answered 500 if it was not answered yet. */
  const failed = (res: ServerResponse, e: unknown) => {
    log.error('slack request failed', { err: e instanceof Error ? e.message : String(e) });
    if (!res.headersSent) reject(res, 500);
    else res.end();
  };

  /** What the headers decide; the body is read only for a request they let through. */
  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') return refuse(req, res, 405);
    // Everything that can be refused from the headers is refused before the body is read.
    const length = contentLength(req);
    if (Number.isNaN(length)) return refuse(req, res, 400);
    if (length !== null && length > limits.bodyBytes) {
      log.warn('slack request refused', { problem: 'too_large', bytes: length, remote: req.socket.remoteAddress });
      return refuse(req, res, 413);
    }
    const early = headerProblem({ signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp'), nowMs: options.nowMs() });
    if (early) {
      // Slack's SSL probe alone comes unsigned: a tiny form, read only to see that it is one.
      if (early === 'missing' && isForm(req) && length !== null && length <= SSL_CHECK_MAX_BYTES) return readBody(req, res, SSL_CHECK_MAX_BYTES, afterProbe, failed);
      log.warn('slack request refused', { problem: early, remote: req.socket.remoteAddress });
      return refuse(req, res, 401);
    }
    readBody(req, res, limits.bodyBytes, afterBody, failed);
  }

  function afterProbe(req: IncomingMessage, res: ServerResponse, probe: BodyRead): void {
    if (Buffer.isBuffer(probe) && isSslCheck(req, probe)) return reject(res, 200);
    log.warn('slack request refused', { problem: 'missing', remote: req.socket.remoteAddress });
    refuse(req, res, 401);
  }

  function afterBody(req: IncomingMessage, res: ServerResponse, body: BodyRead): void {
    if (body === 'too_big') {
      log.warn('slack request refused', { problem: 'too_large', remote: req.socket.remoteAddress });
      return refuse(req, res, 413);
    }
    if (body === 'closed') {
      // Nothing to answer: node has answered 408 if its clock ran out, or the client left.
      log.warn('slack request refused', { problem: 'incomplete', remote: req.socket.remoteAddress });
      return;
    }
    // handle() let the headers through: both are there and well formed.
    const problem = bodySignatureProblem({ signingSecret: key, signature: header(req, 'x-slack-signature')!, timestamp: header(req, 'x-slack-request-timestamp')!, body });
    if (problem) {
      log.warn('slack request refused', { problem, remote: req.socket.remoteAddress });
      return reject(res, 401);
    }
    const form = isForm(req);
    let parsed: Record<string, unknown> | null = null;
    // An event (JSON) may be Slack's URL check, which is answered with its challenge.
    if (!form) {
      parsed = parseBody(req, body);
      if (!parsed) return reject(res, 400);
      if (parsed.type === 'url_verification') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ challenge: parsed.challenge }));
        return;
      }
    }
    const retryNum = retryNumOf(req);
    const retryReason = header(req, 'x-slack-retry-reason');
    // A modal submission is answered by its listener (a cheap look at the raw
    // form first: other interactions are not parsed before their answer).
    if (form && body.includes('view_submission')) {
      parsed = parseBody(req, body);
      if (parsed?.type === 'view_submission') return dispatchSubmission(res, parsed, retryNum);
    }
    // Every other listener answers through response_url or the Web API, never
    // in the acknowledgement: an empty 200 is the whole answer, and it goes first.
    res.writeHead(200, EMPTY_OK);
    res.end();
    const known = parsed;
    const request: VerifiedRequest = {
      body: () => known ?? parseBody(req, body),
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
    };
    options.dispatch(request);
  }

  /** A modal submission waits for its listener's answer (errors shown in the form), up to VIEW_ACK_MS. */
  function dispatchSubmission(res: ServerResponse, submitted: Record<string, unknown>, retryNum: number | undefined): void {
    let answered = false;
    const answer = (content?: unknown) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      if (content === undefined || content === null || content === '') {
        res.writeHead(200, EMPTY_OK);
        res.end();
        return;
      }
      const json = JSON.stringify(content);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(json)) });
      res.end(json);
    };
    const timer = setTimeout(() => {
      log.warn('slack modal submission not answered in time; closed it', {});
      answer();
    }, VIEW_ACK_MS);
    options.dispatch({ body: () => submitted, answer, ...(retryNum !== undefined ? { retryNum } : {}) });
  }

  let inFlight = 0;
  let lastArrivalMs = -Infinity;
  // A response emits 'close' once, whether it finished or its connection
  // dropped: one shared listener, not a closure per request.
  const answered = () => {
    inFlight--;
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) !== SLACK_EVENTS_PATH) {
      // The health check reads no body: one sent anyway is not read either.
      res.once('finish', () => {
        if (!req.complete) dropRest(req);
      });
      return otherPaths(req, res);
    }
    inFlight++;
    lastArrivalMs = performance.now();
    res.once('close', answered);
    try {
      handle(req, res);
    } catch (e) {
      failed(res, e);
    }
  };
  const server = createServer(
    {
      // node's own clock for slow headers and bodies, checked every second (its default is 30 s).
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
    },
    onRequest,
  );
  server.maxConnections = limits.maxConnections;
  // A connection that sends nothing for this long (an idle or stalled client) is closed.
  server.setTimeout(limits.requestTimeoutMs);
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    get inFlight() {
      return inFlight;
    },
    get lastArrivalMs() {
      return lastArrivalMs;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
