/**
 * A fake Slack on loopback: the Web API methods the adapter calls, the file
 * upload URL, and `response_url` endpoints, recording every call. It can
 * answer a method with 429 + Retry-After a number of times.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { WebSocketServer, type WebSocket } from 'ws';
import { slackSignature } from '../../../src/platforms/slack/signature.ts';
import { until } from '../../helpers/until.ts';
import { createSlackPlatform, type SlackPlatform, type SlackPlatformOptions } from '../../../src/platforms/slack/slack-platform.ts';
import type { Dispatcher } from '../../../src/core/dispatcher.ts';
import type { Logger } from '../../../src/core/logger.ts';

/** One request the fake received. */
export interface FakeCall {
  /** `chat.postMessage`, `upload`, `response`… */
  method: string;
  path: string;
  /** Form and JSON bodies parsed (JSON-valued form fields decoded); raw bytes otherwise. */
  body: Record<string, unknown>;
  raw: Buffer;
  headers: IncomingMessage['headers'];
  /** When the request arrived (its headers read), `Date.now()`: before its body and any queue in this fake. */
  at: number;
}

export interface FakeUser {
  name: string;
  locale?: string;
}

export interface FakeSlack {
  /** Base URL of the Web API (`SLACK_API_URL`), ending in `/api/`. */
  apiUrl: string;
  url: string;
  calls: FakeCall[];
  users: Map<string, FakeUser>;
  channels: Map<string, string>;
  /** When set, auth.test fails with this Slack error (a revoked or wrong token). */
  authError: string | null;
  /** Answers the next `times` calls of `method` with 429 and `Retry-After: seconds`. */
  rateLimit(method: string, seconds: number, times?: number): void;
  /**
   * Answers calls of `method` with `{ ok: false, error }` (`not_in_channel`,
   * `invalid_blocks`…), the next `times` of them (default: until cleared with 0).
   * Recorded as `<method>:<error>`.
   */
  fail(method: string, error: string, times?: number): void;
  /**
   * When set, the workspace allows at most this many chat.postMessage and
   * file uploads a second, across all channels; more get 429 with
   * `Retry-After: 1` (Slack's workspace-wide limit).
   */
  workspaceLimit: number | null;
  /** Calls of one method. */
  of(method: string): FakeCall[];
  /** Waits (bounded) until `count` calls of `method` arrived. */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<FakeCall[]>;
  /** A fresh `response_url`. */
  responseUrl(): string;
  /**
   * Leaves the next `times` calls of `method` whose body passes `match`
   * unanswered (recorded as `<method>:held`), the way a platform that hangs
   * does, until the fake closes.
   */
  hold(method: string, match: (body: Record<string, unknown>) => boolean, times?: number): void;
  /** Calls `listener` with every call as it is recorded; returns the unsubscribe. */
  onCall(listener: (call: FakeCall) => void): () => void;
  /**
   * Socket Mode: `apps.connections.open` hands out this fake's WebSocket URL;
   * `socket` is the connected app (after Slack's `hello`), `socketFrames` what it sent.
   */
  socket: WebSocket | null;
  socketFrames: Record<string, unknown>[];
  /** Waits (bounded) until the app has connected over Socket Mode. */
  waitForSocket(timeoutMs?: number): Promise<WebSocket>;
  close(): Promise<void>;
}

function decodeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' && /^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // a plain string after all
      }
    }
    out[k] = v;
  }
  return out;
}

function parseBody(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  const text = raw.toString('utf8');
  if (type.startsWith('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (type.startsWith('application/x-www-form-urlencoded')) return decodeFields(parseQuery(text) as Record<string, unknown>);
  return {};
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: FakeCall[] = [];
  const listeners = new Set<(call: FakeCall) => void>();
  const record = (call: FakeCall) => {
    calls.push(call);
    for (const listener of listeners) listener(call);
  };
  const limits = new Map<string, { seconds: number; times: number }>();
  const failures = new Map<string, { error: string; times: number }>();
  const workspaceWindow: number[] = [];
  const holds: { method: string; match: (body: Record<string, unknown>) => boolean; times: number }[] = [];
  const users = new Map<string, FakeUser>();
  const channels = new Map<string, string>();
  let ts = 1700000000;
  let files = 0;
  let responses = 0;
  let base = '';

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        if (fake.authError) return { ok: false, error: fake.authError };
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'enrollbot', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: `${++ts}.000100`, message: { text: body.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${++ts}.000200` };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'conversations.join':
        return { ok: true, channel: { id: body.channel, is_member: true } };
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { id: `V${++ts}`, ...(body.view as Record<string, unknown>) } };
      case 'users.info': {
        const id = String(body.user);
        const u = users.get(id);
        if (!u) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id, name: u.name, real_name: u.name, profile: { display_name: u.name }, ...(u.locale ? { locale: u.locale } : {}) } };
      }
      case 'conversations.info': {
        const id = String(body.channel);
        const name = channels.get(id);
        return name ? { ok: true, channel: { id, name } } : { ok: false, error: 'channel_not_found' };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${++files}`;
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace('http', 'ws')}/socket-mode` };
      case 'files.completeUploadExternal':
        return { ok: true, files: (body.files as { id: string; title?: string }[]).map((f) => ({ id: f.id, title: f.title })) };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      // GET /_count/<method>: how many calls of a method arrived (for a fake in another process).
      if (req.method === 'GET' && path.startsWith('/_count/')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(String(calls.filter((c) => c.method === path.slice(8)).length));
        return;
      }
      const method = path.startsWith('/api/') ? path.slice(5) : path.startsWith('/upload/') ? 'upload' : path.startsWith('/response/') ? 'response' : path;
      let body: Record<string, unknown> = {};
      try {
        body = parseBody(req, raw);
      } catch {
        body = {};
      }
      const hold = holds.find((h) => h.times > 0 && h.method === method && h.match(body));
      if (hold) {
        hold.times--;
        record({ method: `${method}:held`, path, body, raw, headers: req.headers, at });
        return;
      }
      const failure = failures.get(method);
      if (failure && failure.times > 0) {
        failure.times--;
        record({ method: `${method}:${failure.error}`, path, body, raw, headers: req.headers, at });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: failure.error }));
        return;
      }
      if (fake.workspaceLimit !== null && (method === 'chat.postMessage' || method === 'files.completeUploadExternal')) {
        while (workspaceWindow.length && workspaceWindow[0]! <= at - 1000) workspaceWindow.shift();
        if (workspaceWindow.length >= fake.workspaceLimit) {
          record({ method: `${method}:429`, path, body, raw, headers: req.headers, at });
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        workspaceWindow.push(at);
      }
      const limit = limits.get(method);
      if (limit && limit.times > 0) {
        limit.times--;
        record({ method: `${method}:429`, path, body, raw, headers: req.headers, at });
        res.writeHead(429, { 'retry-after': String(limit.seconds), 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      record({ method, path, body, raw, headers: req.headers, at });
      if (method === 'upload' || method === 'response') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer(method, body)));
    });
  });
  // Socket Mode's WebSocket: Slack greets with `hello`, then sends envelopes the app acknowledges by id.
  const wss = new WebSocketServer({ server, path: '/socket-mode' });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => fake.socketFrames.push(JSON.parse(String(data)) as Record<string, unknown>));
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A1' } }));
    fake.socket = ws;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const of = (method: string) => calls.filter((c) => c.method === method);
  const fake: FakeSlack = {
    authError: null,
    apiUrl: `${base}/api/`,
    url: base,
    calls,
    users,
    channels,
    rateLimit: (method, seconds, times = 1) => limits.set(method, { seconds, times }),
    fail: (method, error, times = Infinity) => void failures.set(method, { error, times }),
    workspaceLimit: null,
    of,
    async waitFor(method, count = 1, timeoutMs = 5000) {
      await until(() => of(method).length >= count, () => `${count} × ${method}; got ${calls.map((c) => c.method).join(', ')}`, timeoutMs);
      return of(method);
    },
    responseUrl: () => `${base}/response/${++responses}`,
    hold: (method, match, times = 1) => void holds.push({ method, match, times }),
    onCall(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    socket: null,
    socketFrames: [],
    async waitForSocket(timeoutMs = 5000) {
      await until(() => fake.socket !== null, () => 'the app connected over Socket Mode', timeoutMs);
      return fake.socket!;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  return fake;
}

/** Options for a request to the app's /slack/events. */
export interface SendOptions {
  secret: string;
  /** Unix seconds in the signature header (default: now). */
  timestamp?: number;
  /** Overrides the signature (forged) or, when null, leaves both headers out. */
  signature?: string | null;
  headers?: Record<string, string>;
}

/** Posts a (signed) request to the app under test. */
export async function sendToApp(
  port: number,
  body: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
  options: SendOptions,
): Promise<{ status: number; text: string }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
  if (options.signature !== null) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = options.signature ?? slackSignature(options.secret, timestamp, body);
  }
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

/** The form body of a slash command. */
export function slashBody(fields: { text: string; userId: string; userName?: string; channelId: string; channelName?: string; triggerId: string; responseUrl: string }): string {
  return new URLSearchParams({
    token: 'legacy-token',
    team_id: 'T1',
    team_domain: 'fake',
    channel_id: fields.channelId,
    channel_name: fields.channelName ?? fields.channelId.toLowerCase(),
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: '/enroll',
    text: fields.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId,
  }).toString();
}

/** The JSON body of an app_mention event callback. */
export function mentionBody(fields: { eventId: string; userId: string; channelId: string; text: string }): string {
  const ts = `${Math.floor(Date.now() / 1000)}.000300`;
  return JSON.stringify({
    token: 'legacy-token',
    team_id: 'T1',
    api_app_id: 'A1',
    event: { type: 'app_mention', user: fields.userId, text: fields.text, ts, channel: fields.channelId, event_ts: ts },
    type: 'event_callback',
    event_id: fields.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

/** The form body of a block_actions interaction pressing one button. */
export function buttonBody(fields: {
  userId: string;
  channelId: string;
  value: string;
  actionId: string;
  triggerId: string;
  responseUrl: string;
  /** The message the button was in (default: a bare one). */
  message?: Record<string, unknown>;
  /** Pressed in the App Home (a view), not in a message. */
  home?: boolean;
  label?: string;
}): string {
  const payload = {
    type: 'block_actions',
    user: { id: fields.userId, username: fields.userId.toLowerCase(), name: fields.userId.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-token',
    container: fields.home
      ? { type: 'view', view_id: 'VHOME' }
      : { type: 'message', message_ts: '1700000001.000100', channel_id: fields.channelId, is_ephemeral: false },
    trigger_id: fields.triggerId,
    team: { id: 'T1', domain: 'fake' },
    ...(fields.home ? { view: { id: 'VHOME', type: 'home' } } : { channel: { id: fields.channelId, name: fields.channelId.toLowerCase() } }),
    ...(fields.home ? {} : { message: fields.message ?? { type: 'message', ts: '1700000001.000100', text: 'digest' } }),
    response_url: fields.responseUrl,
    actions: [{ action_id: fields.actionId, block_id: 'b1', text: { type: 'plain_text', text: fields.label ?? 'go' }, value: fields.value, type: 'button', action_ts: '1700000002.000100' }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * The real Slack platform in HTTP mode on a loopback port, talking to the
 * fake's Web API, started: what every HTTP test of the Slack door sets up.
 */
export async function startSlackHttp(
  fake: FakeSlack,
  app: { dispatcher: Dispatcher; log: Logger },
  secret: string,
  extra: Partial<Pick<SlackPlatformOptions, 'nowMs'>> = {},
): Promise<SlackPlatform> {
  const slack = createSlackPlatform({
    slack: { botToken: 'xoxb-test', appToken: null, signingSecret: secret, port: 0, apiUrl: fake.apiUrl },
    dispatcher: app.dispatcher,
    log: app.log,
    host: '127.0.0.1',
    ...extra,
  });
  await slack.start();
  return slack;
}

/** The form body of a global shortcut. */
export function shortcutBody(fields: { userId: string; callbackId: string; triggerId: string }): string {
  const payload = {
    type: 'shortcut',
    token: 'legacy-token',
    action_ts: '1700000002.000100',
    team: { id: 'T1', domain: 'fake' },
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: 'T1' },
    callback_id: fields.callbackId,
    trigger_id: fields.triggerId,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The form body of a modal's submission, with its input values (`{ block: value }`). */
export function viewSubmissionBody(fields: {
  userId: string;
  callbackId: string;
  viewId: string;
  privateMetadata: string;
  values: Record<string, { value?: string | null; selected_option?: { value: string } | null }>;
}): string {
  const values = Object.fromEntries(Object.entries(fields.values).map(([block, v]) => [block, { value: { type: 'x', ...v } }]));
  const payload = {
    type: 'view_submission',
    team: { id: 'T1', domain: 'fake' },
    user: { id: fields.userId, username: fields.userId.toLowerCase(), name: fields.userId.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-token',
    trigger_id: 'trig.view',
    view: {
      id: fields.viewId,
      team_id: 'T1',
      type: 'modal',
      callback_id: fields.callbackId,
      private_metadata: fields.privateMetadata,
      blocks: [],
      state: { values },
      hash: 'h1',
      title: { type: 'plain_text', text: 'x' },
      app_id: 'A1',
      bot_id: 'BBOT',
    },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The JSON body of an app_home_opened event. */
export function homeOpenedBody(fields: { eventId: string; userId: string }): string {
  return JSON.stringify({
    token: 'legacy-token',
    team_id: 'T1',
    api_app_id: 'A1',
    event: { type: 'app_home_opened', user: fields.userId, channel: `D${fields.userId}`, tab: 'home', event_ts: '1700000003.000100' },
    type: 'event_callback',
    event_id: fields.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  });
}
