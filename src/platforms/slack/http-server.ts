/**
 * The HTTP front door for Slack: a node:http server that reads the body,
 * refuses anything not signed by Slack within five minutes either way (401,
 * before any parsing or work), and hands genuine requests to Bolt's own
 * HTTPReceiver, which verifies once more and dispatches to the listeners.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '../../core/logger.ts';
import { signatureProblem } from './signature.ts';

/** The path Slack posts events, commands and interactions to. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's payloads are small; anything bigger is refused before it is buffered whole. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface VerifiedServerOptions {
  signingSecret: string;
  /** Bolt's receiver listener; it finds the body already read on `req.rawBody`. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  port: number;
  host?: string;
  nowMs: () => number;
  log: Logger;
}

export interface VerifiedServer {
  server: Server;
  port: number;
  /** Requests received and not yet answered (Bolt answers at ack()). */
  readonly inFlight: number;
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

/** Slack's SSL probe comes unsigned and asks only for a 200; it is never dispatched. */
function isSslCheck(req: IncomingMessage, body: Buffer): boolean {
  if (!header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded')) return false;
  return parseQuery(body.toString('utf8')).ssl_check === '1';
}

export async function startVerifiedServer(options: VerifiedServerOptions): Promise<VerifiedServer> {
  const { log } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== SLACK_EVENTS_PATH) return reject(res, 404);
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
    Object.assign(req, { rawBody: body });
    options.listener(req, res);
  }

  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
