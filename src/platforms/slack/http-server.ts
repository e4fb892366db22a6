/**
 * The HTTP front door for Slack: a node:http server that reads the body,
 * refuses anything not signed by Slack within five minutes either way (401,
 * before any parsing or work), and acknowledges a genuine request at once
 * with an empty 200 (Slack's URL check gets its challenge back). Only then is
 * the verified request handed on (to Bolt, see receiver.ts, which defers it
 * until no request is arriving): no acknowledgement waits behind a listener.
 * Any other path goes to `otherPaths` (the health check), apart from Slack's
 * traffic: it neither counts as a request arriving nor delays command work.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import type { Logger } from '../../core/logger.ts';
import { signatureProblem } from './signature.ts';

/** The path Slack posts events, commands and interactions to. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's payloads are small; anything bigger is refused before it is buffered whole. */
const BODY_LIMIT_BYTES = 1024 * 1024;

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

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? undefined : v;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, rejectRead) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', rejectRead);
  });
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return reject(res, 405);
    const body = await readBody(req);
    if (!body) return reject(res, 413);
    const problem = signatureProblem({
      signingSecret: options.signingSecret,
      signature: header(req, 'x-slack-signature'),
      timestamp: header(req, 'x-slack-request-timestamp'),
      body,
      nowMs: options.nowMs(),
    });
    if (problem) {
      if (isSslCheck(req, body)) return reject(res, 200);
      log.warn('slack request refused', { problem, remote: req.socket.remoteAddress });
      return reject(res, 401);
    }
    let parsed: Record<string, unknown> | null = null;
    // An event (JSON) may be Slack's URL check, which is answered with its challenge.
    if (!isForm(req)) {
      parsed = parseBody(req, body);
      if (!parsed) return reject(res, 400);
      if (parsed.type === 'url_verification') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ challenge: parsed.challenge }));
        return;
      }
    }
    // Every listener answers through response_url or the Web API, never in the
    // acknowledgement: an empty 200 is the whole answer, and it goes first.
    res.writeHead(200, { 'content-length': '0' });
    res.end();
    const retryNum = retryNumOf(req);
    const retryReason = header(req, 'x-slack-retry-reason');
    const request: VerifiedRequest = {
      body: () => parsed ?? parseBody(req, body),
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
    };
    options.dispatch(request);
  }

  let inFlight = 0;
  let lastArrivalMs = -Infinity;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) !== SLACK_EVENTS_PATH) return otherPaths(req, res);
    inFlight++;
    lastArrivalMs = performance.now();
    let counted = true;
    const done = () => {
      if (counted) inFlight--;
      counted = false;
    };
    res.once('finish', done);
    res.once('close', done);
    handle(req, res).catch((e: unknown) => {
      log.error('slack request failed', { err: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) reject(res, 500);
      else res.end();
    });
  });
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
