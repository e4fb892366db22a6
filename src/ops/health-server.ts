/**
 * `GET /healthz` over HTTP: the route (which Slack's HTTP server also mounts
 * beside `/slack/events`), and a small server of its own for when no Slack
 * HTTP server runs but `PORT` is set (Discord, Slack Socket Mode, the
 * console), so a container's probe works whichever platforms run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger.ts';
import type { HealthReport } from './health.ts';

/** The path a probe asks. */
export const HEALTH_PATH = '/healthz';

/** Answers one HTTP request. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

function plain(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end();
}

/**
 * The health route: `GET` (or `HEAD`) `/healthz` answers the report as JSON,
 * 200 when healthy and 503 when not; another method there gets 405, any other
 * path 404. A report is built per request, so a probe always sees now.
 */
export function healthRoute(report: () => Promise<HealthReport>, log: Logger): HttpHandler {
  return (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) !== HEALTH_PATH) return plain(res, 404);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, { allow: 'GET, HEAD' });
    report().then(
      (body) => {
        const json = JSON.stringify(body);
        res.writeHead(body.status === 'ok' ? 200 : 503, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(json)),
          'cache-control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : json);
      },
      (e: unknown) => {
        log.error('health report failed', { err: e instanceof Error ? e.message : String(e) });
        if (!res.headersSent) plain(res, 500);
        else res.end();
      },
    );
  };
}

/** A running health-only server. */
export interface HealthServer {
  /** The bound port (useful with `PORT=0`). */
  port: number;
  close(): Promise<void>;
}

/** The same bounds as Slack's door: a probe is one small GET, so a slow or crowding client is cut off. */
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 64;

/** Listens on `port` (all interfaces unless `host` is given, as Slack's server does) with `handle`. */
export async function startHealthServer(options: { port: number; host?: string; handle: HttpHandler }): Promise<HealthServer> {
  const server = createServer(
    { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    (req, res) => {
      // A body sent anyway is not read: the connection goes once the answer is out.
      res.once('finish', () => {
        if (req.complete) return;
        const socket = req.socket;
        socket.pause();
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
      options.handle(req, res);
    },
  );
  server.maxConnections = MAX_CONNECTIONS;
  server.setTimeout(REQUEST_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
