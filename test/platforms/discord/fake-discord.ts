/**
 * A fake Discord on loopback for driving the real discord.js client: REST
 * (gateway discovery, command registration, interaction callbacks, webhook
 * edits and follow-ups, channel messages with multipart attachments) and a
 * WebSocket gateway speaking plain JSON (HELLO, IDENTIFY → READY,
 * GUILD_CREATE, heartbeat ACK, dispatches).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const APP_ID = '900000000000000001';
export const BOT_ID = '900000000000000002';
export const GUILD_ID = '900000000000000003';
export const CHANNEL_ID = '900000000000000004';
export const CHANNEL_NAME = 'chengnan';

/** One REST request the fake received. */
export interface Recorded {
  method: string;
  /** The path after `/api/v10`. */
  path: string;
  query: URLSearchParams;
  /** The JSON body, or a multipart request's `payload_json`. */
  body: unknown;
  files: { name: string; size: number; type: string }[];
  /** `performance.now()` when the request arrived: tests judge pauses by arrivals, not by when they noticed them. */
  at: number;
}

export interface DiscordUser {
  id: string;
  username: string;
}

let nextId = 1000n;
/** A fresh snowflake-looking id. */
export const snowflake = () => String(910000000000000000n + ++nextId);

function userObject(u: DiscordUser) {
  return { id: u.id, username: u.username, discriminator: '0', global_name: u.username, avatar: null, bot: u.id === BOT_ID };
}

function memberObject(u: DiscordUser) {
  return { user: userObject(u), roles: [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, nick: null, permissions: '0', flags: 0 };
}

function messageObject(channelId: string, author: DiscordUser, extra: Record<string, unknown> = {}) {
  return {
    id: snowflake(),
    type: 0,
    channel_id: channelId,
    author: userObject(author),
    content: '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    flags: 0,
    ...extra,
  };
}

const BOT: DiscordUser = { id: BOT_ID, username: 'enrollbot' };

export class FakeDiscord {
  readonly requests: Recorded[] = [];
  /** Gateway frames the client sent. */
  readonly frames: { op: number; d: unknown }[] = [];
  /** How many channel posts to answer with 429 before accepting. */
  rateLimitPosts = 0;
  /** Channel posts answered with 403 and this Discord error code (50001 Missing Access), until cleared. */
  refusePosts: { code: number; message: string } | null = null;
  /** The bot's permissions in the channel, as interactions report them (`app_permissions`). */
  appPermissions = '0';
  retryAfterSeconds = 0.2;
  /**
   * While true, a new gateway connection gets no HELLO until `releaseGateway()`:
   * the client stays connecting (before its first READY, or after a drop).
   */
  holdGateway = false;
  private held: WebSocket[] = [];
  private server: Server;
  private wss: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private waiters: { test: (r: Recorded) => boolean; resolve: (r: Recorded) => void }[] = [];
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      void this.onRequest(req, res).catch((e: unknown) => {
        res.writeHead(500).end(String(e));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onSocket(ws));
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The REST base to give the client (`DISCORD_API_URL`). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Resolves with the first request (already received or future) that passes `test`, after `from`. */
  waitFor(test: (r: Recorded) => boolean, from = 0, timeoutMs = 10_000): Promise<Recorded> {
    const hit = this.requests.slice(from).find(test);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake discord: no matching request in time')), timeoutMs);
      this.waiters.push({
        test,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  /** Closes every gateway connection with a close code, as Discord does when it drops a session. */
  drop(code = 4000): void {
    for (const ws of this.sockets) ws.close(code, 'fake drop');
  }

  /** Ends the hold: held connections get their HELLO, new ones at once. */
  releaseGateway(): void {
    this.holdGateway = false;
    for (const ws of this.held.splice(0)) this.hello(ws);
  }

  /** Gateway connections waiting for their HELLO. */
  get heldConnections(): number {
    return this.held.length;
  }

  /** Gateway connections open now. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Sends a gateway dispatch to every connected client. */
  dispatch(t: string, d: unknown): void {
    const frame = JSON.stringify({ op: 0, t, s: ++this.seq, d });
    for (const ws of this.sockets) ws.send(frame);
  }

  /** Dispatches an `/enroll` slash command; returns the interaction id and token. */
  slash(
    user: DiscordUser,
    options: unknown[],
    extra: { id?: string; locale?: string; resolvedUsers?: DiscordUser[]; channelId?: string } = {},
  ): { id: string; token: string } {
    const id = extra.id ?? snowflake();
    const token = `tok-${id}`;
    const resolved = extra.resolvedUsers?.length
      ? { users: Object.fromEntries(extra.resolvedUsers.map((u) => [u.id, userObject(u)])) }
      : undefined;
    this.dispatch('INTERACTION_CREATE', {
      ...this.interactionBase(id, token, user, extra.locale, extra.channelId),
      type: 2,
      data: { id: '920000000000000001', name: 'enroll', type: 1, options, ...(resolved ? { resolved } : {}) },
    });
    return { id, token };
  }

  /** Dispatches a button press with a custom_id, on a bot message (default: a bare one). */
  button(user: DiscordUser, customId: string, locale = 'zh-CN', message: Record<string, unknown> = {}): { id: string; token: string; messageId: string } {
    const id = snowflake();
    const token = `tok-${id}`;
    const m = messageObject(CHANNEL_ID, BOT, message);
    this.dispatch('INTERACTION_CREATE', {
      ...this.interactionBase(id, token, user, locale),
      type: 3,
      data: { custom_id: customId, component_type: 2 },
      message: m,
    });
    return { id, token, messageId: m.id };
  }

  /** Dispatches an autocomplete request for `/enroll …` with one focused option. */
  autocomplete(user: DiscordUser, options: unknown[], locale = 'zh-CN'): { id: string; token: string } {
    const id = snowflake();
    const token = `tok-${id}`;
    this.dispatch('INTERACTION_CREATE', {
      ...this.interactionBase(id, token, user, locale),
      type: 4,
      data: { id: '920000000000000001', name: 'enroll', type: 1, options },
    });
    return { id, token };
  }

  /** Dispatches a guild message. */
  message(user: DiscordUser, content: string, mentions: DiscordUser[] = []): string {
    const m = messageObject(CHANNEL_ID, user, { content, mentions: mentions.map(userObject), guild_id: GUILD_ID, member: memberObject(user) });
    this.dispatch('MESSAGE_CREATE', m);
    return m.id;
  }

  private interactionBase(id: string, token: string, user: DiscordUser, locale = 'zh-CN', channelId = CHANNEL_ID) {
    return {
      id,
      token,
      application_id: APP_ID,
      version: 1,
      guild_id: GUILD_ID,
      channel_id: channelId,
      channel: { id: channelId, type: 0, name: CHANNEL_NAME, guild_id: GUILD_ID },
      member: memberObject(user),
      locale,
      guild_locale: 'zh-CN',
      app_permissions: this.appPermissions,
      entitlements: [],
      authorizing_integration_owners: { '0': GUILD_ID },
      context: 0,
    };
  }

  private hello(ws: WebSocket): void {
    ws.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: 1000 } }));
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      const i = this.held.indexOf(ws);
      if (i >= 0) this.held.splice(i, 1);
    });
    if (this.holdGateway) this.held.push(ws);
    else this.hello(ws);
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; d: unknown };
      this.frames.push(frame);
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
      if (frame.op === 6) ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} }));
      if (frame.op === 2) {
        const send = (t: string, d: unknown) => ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
        send('READY', {
          v: 10,
          user: { ...userObject(BOT), bot: true },
          guilds: [{ id: GUILD_ID, unavailable: true }],
          session_id: 'fake-session',
          resume_gateway_url: this.gatewayUrl,
          application: { id: APP_ID, flags: 0 },
          shard: [0, 1],
        });
        send('GUILD_CREATE', {
          id: GUILD_ID,
          name: 'Test bureau',
          icon: null,
          owner_id: '1',
          unavailable: false,
          member_count: 2,
          large: false,
          joined_at: '2026-01-01T00:00:00.000Z',
          preferred_locale: 'zh-CN',
          features: [],
          roles: [],
          emojis: [],
          stickers: [],
          members: [memberObject(BOT)],
          channels: [{ id: CHANNEL_ID, type: 0, name: CHANNEL_NAME, guild_id: GUILD_ID, position: 0, permission_overwrites: [] }],
          threads: [],
          voice_states: [],
          presences: [],
          stage_instances: [],
          guild_scheduled_events: [],
        });
      }
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = req.method ?? 'GET';
    let body: unknown = null;
    const files: Recorded['files'] = [];
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
      for (const [key, value] of form.entries()) {
        if (key === 'payload_json') body = JSON.parse(String(value));
        else if (typeof value !== 'string') files.push({ name: value.name, size: value.size, type: value.type });
      }
    } else if (raw.length) {
      body = JSON.parse(raw.toString('utf8'));
    }
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
    };
    const record = () => {
      const r: Recorded = { method, path, query: url.searchParams, body, files, at: performance.now() };
      this.requests.push(r);
      for (const w of [...this.waiters]) {
        if (w.test(r)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
    };

    if (method === 'GET' && path === '/gateway/bot') {
      json(200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 60_000, max_concurrency: 1 } });
      return;
    }
    if (method === 'GET' && path === '/users/@me') {
      json(200, userObject(BOT));
      return;
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      // Opening a DM: Discord returns the same DM channel for the same recipient.
      const recipient = String((body as { recipient_id?: string }).recipient_id);
      this.requests.push({ method, path, query: url.searchParams, body, files, at: performance.now() });
      json(200, { id: `7${recipient}`, type: 1, recipients: [userObject({ id: recipient, username: 'cadre' } as never)] });
      return;
    }
    if (method === 'POST' && /^\/channels\/\d+\/messages$/.test(path) && this.rateLimitPosts > 0) {
      this.rateLimitPosts--;
      this.requests.push({ method: '429', path, query: url.searchParams, body, files, at: performance.now() });
      json(
        429,
        { message: 'You are being rate limited.', retry_after: this.retryAfterSeconds, global: false },
        {
          'retry-after': String(this.retryAfterSeconds),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(this.retryAfterSeconds),
          'x-ratelimit-bucket': 'fake-bucket',
          'x-ratelimit-scope': 'user',
        },
      );
      return;
    }
    if (method === 'POST' && /^\/channels\/\d+\/messages$/.test(path) && this.refusePosts) {
      this.requests.push({ method: '403', path, query: url.searchParams, body, files, at: performance.now() });
      json(403, { message: this.refusePosts.message, code: this.refusePosts.code });
      return;
    }
    record();
    const thread = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (method === 'POST' && thread) {
      json(201, { id: snowflake(), type: 11, guild_id: GUILD_ID, parent_id: thread[1], name: (body as { name?: string }).name ?? 'thread' });
      return;
    }
    if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      json(200, (body as { name: string }[]).map((c) => ({ ...c, id: snowflake(), application_id: APP_ID, version: '1' })));
      return;
    }
    if (method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) {
      res.writeHead(204).end();
      return;
    }
    if (/^\/webhooks\/\d+\/[^/]+(\/messages\/@original)?$/.test(path)) {
      if (method === 'DELETE') {
        res.writeHead(204).end();
        return;
      }
      json(200, messageObject(CHANNEL_ID, BOT, { ...(body as Record<string, unknown>), attachments: [] }));
      return;
    }
    const channelPost = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && channelPost) {
      json(200, messageObject(channelPost[1]!, BOT, { ...(body as Record<string, unknown>), attachments: [] }));
      return;
    }
    json(404, { message: 'Unknown route', code: 0 });
  }
}
