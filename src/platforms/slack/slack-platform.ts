/**
 * Slack as a `Platform`: starts the Bolt app (Socket Mode, or HTTP on
 * `/slack/events` behind signature checks) and posts scheduled replies
 * through a Web API client that never retries by itself, so the outbox owns
 * every retry after a 429.
 */
import type { Platform, PlatformStatus } from '../../core/platform-port.ts';
import { createOutboundClient, createSlackOutbound } from './outbound.ts';
import { catalogue, type Locale } from '../../i18n/index.ts';
import { boltLogger, createSlackApp, type SlackAppOptions, type SlackBoltApp } from './slack-app.ts';

/** The Bolt app's, and what the outbound half needs: the workspace's pace and the deployment's language. */
export interface SlackPlatformOptions extends SlackAppOptions {
  /** The workspace-wide pace of posts (default `SLACK_WORKSPACE_RATE`). */
  outboundRate?: { perSecond: number; burst: number };
  /** The deployment's language, for the notes a post carries. */
  locale?: Locale;
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
  const bolt = createSlackApp(options);
  const outbound = createSlackOutbound(createOutboundClient({ token: slack.botToken, apiUrl: slack.apiUrl, logger: boltLogger(log) }), {
    ...(options.outboundRate ? { rate: options.outboundRate } : {}),
    ...(options.locale ? { t: catalogue(options.locale) } : {}),
  });
  let started = false;
  let starting = false;

  /** HTTP mode is connected while it listens; Socket Mode while its socket is up. */
  function status(): PlatformStatus {
    const now = bolt.socketStatus ? bolt.socketStatus() : started && bolt.receiver?.port != null ? 'connected' : 'disconnected';
    return now === 'disconnected' && starting ? 'connecting' : now;
  }

  return {
    name: 'slack',
    mode: bolt.mode,
    bolt,
    get port() {
      return bolt.receiver?.port ?? null;
    },
    status,
    async start() {
      if (started) return;
      starting = true;
      try {
        await bolt.app.init();
        await bolt.app.start();
      } finally {
        starting = false;
      }
      if (bolt.receiver) log.info('slack listening', { mode: 'http', port: bolt.receiver.port, path: '/slack/events' });
      else log.info('slack connected', { mode: 'socket' });
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      await bolt.app.stop();
      // Acknowledged commands finish (and answer) before the database closes; bounded.
      const pending = () => (bolt.receiver?.pending ?? 0) + bolt.work.pending;
      const until = Date.now() + 10_000;
      while (pending() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      if (pending() > 0) log.warn('slack stopped with commands still running', { pending: pending() });
    },
    ...(outbound.rate ? { rate: outbound.rate } : {}),
    post: (channelId, reply) => outbound.post(channelId, reply),
  };
}
