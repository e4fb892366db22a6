/**
 * Slack as a `Platform`: starts the Bolt app (Socket Mode, or HTTP on
 * `/slack/events` behind signature checks) and posts scheduled replies
 * through a Web API client that never retries by itself, so the outbox owns
 * every retry after a 429.
 */
import type { Dispatcher } from '../../core/dispatcher.ts';
import type { Logger } from '../../core/logger.ts';
import type { Platform } from '../platform.ts';
import { startVerifiedServer, type VerifiedServer } from './http-server.ts';
import { createOutboundClient, createSlackOutbound } from './outbound.ts';
import { boltLogger, createSlackApp, type SlackBoltApp, type SlackConfig } from './slack-app.ts';

export interface SlackPlatformOptions {
  slack: SlackConfig;
  dispatcher: Dispatcher;
  log: Logger;
  /** Interface to listen on in HTTP mode (default: all). */
  host?: string;
  /** The clock signatures are checked against. */
  nowMs?: () => number;
}

/** Slack, with the HTTP port it listens on once started (HTTP mode). */
export interface SlackPlatform extends Platform {
  readonly mode: 'socket' | 'http';
  /** The bound port after `start()` in HTTP mode; null otherwise. */
  readonly port: number | null;
  readonly bolt: SlackBoltApp;
}

export function createSlackPlatform(options: SlackPlatformOptions): SlackPlatform {
  const { slack, log } = options;
  let server: VerifiedServer | null = null;
  // Acknowledgements before work: a command waits while requests are still being received.
  const bolt = createSlackApp({ slack, dispatcher: options.dispatcher, log, busy: () => (server?.inFlight ?? 0) > 0 });
  const outbound = createSlackOutbound(createOutboundClient({ token: slack.botToken, apiUrl: slack.apiUrl, logger: boltLogger(log) }));
  let started = false;

  return {
    name: 'slack',
    mode: bolt.mode,
    bolt,
    get port() {
      return server?.port ?? null;
    },
    async start() {
      if (started) return;
      await bolt.app.init();
      if (bolt.receiver) {
        const receiver = bolt.receiver;
        server = await startVerifiedServer({
          signingSecret: slack.signingSecret ?? '',
          listener: (req, res) => {
            try {
              receiver.requestListener(req, res);
            } catch (e) {
              log.error('slack receiver failed', { err: e instanceof Error ? e.message : String(e) });
              if (!res.headersSent) res.writeHead(500).end();
            }
          },
          port: slack.port,
          ...(options.host ? { host: options.host } : {}),
          nowMs: options.nowMs ?? Date.now,
          log,
        });
        log.info('slack listening', { mode: 'http', port: server.port, path: '/slack/events' });
      } else {
        await bolt.app.start();
        log.info('slack connected', { mode: 'socket' });
      }
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      if (server) {
        await server.close();
        server = null;
      } else await bolt.app.stop();
      // Acknowledged commands finish (and answer) before the database closes; bounded.
      const until = Date.now() + 10_000;
      while (bolt.work.pending > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      if (bolt.work.pending > 0) log.warn('slack stopped with commands still running', { pending: bolt.work.pending });
    },
    post: (channelId, reply) => outbound.post(channelId, reply),
  };
}
