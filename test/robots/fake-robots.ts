/**
 * Fake WeCom, DingTalk and Feishu group-robot webhooks on loopback, one
 * server per app, that answer as the real apps do: they check the URL's key
 * or token, the signature (refusing a wrong one), the keyword, the body's
 * shape and size, and each robot's rate limit (a sliding window, scaled by
 * `timeScale`), and count what they accepted. A test may script the next
 * answers or hold a request unanswered.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeApp = 'wecom' | 'dingtalk' | 'feishu';

export interface FakeRobotSetup {
  token: string;
  secret?: string;
  keyword?: string;
}

/** A message the fake accepted (the group would show it). */
export interface Delivery {
  token: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a webhook body as tests read it, nested and untyped
  body: Record<string, any>;
  at: number;
}

/** An answer the fake gave that was not a success. */
export interface Refusal {
  token: string;
  status: number;
  code: number | string;
  at: number;
  /** A rate-limit answer because the robot's window was full, or one injected by `chaos`. */
  why?: 'window' | 'chaos';
}

export interface ScriptedAnswer {
  status?: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  why?: Refusal['why'];
}

export interface FakeRobots {
  app: FakeApp;
  port: number;
  /** The webhook URL of a robot token. */
  url(token: string): string;
  add(robot: FakeRobotSetup): void;
  /** The robot is deleted in the app: its URL is refused from now on. */
  remove(token: string): void;
  delivered: Delivery[];
  refused: Refusal[];
  /** Requests seen, answered or not. */
  requests(): number;
  /** The next `n` requests get this answer instead of being checked. */
  answerNext(n: number, answer: ScriptedAnswer): void;
  /** The next request is held unanswered; resolves when it arrives. */
  holdNext(): Promise<{ release(answer?: ScriptedAnswer): void; drop(): void }>;
  close(): Promise<void>;
}

const WINDOW: Record<FakeApp, { ms: number; max: number }[]> = {
  wecom: [{ ms: 60_000, max: 20 }],
  dingtalk: [{ ms: 60_000, max: 20 }],
  feishu: [
    { ms: 60_000, max: 100 },
    { ms: 1000, max: 5 },
  ],
};

const RATE: Record<FakeApp, Record<string, unknown>> = {
  wecom: { errcode: 45009, errmsg: 'api freq out of limit' },
  dingtalk: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
  feishu: { code: 11232, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]' },
};

const OK: Record<FakeApp, Record<string, unknown>> = {
  wecom: { errcode: 0, errmsg: 'ok' },
  dingtalk: { errcode: 0, errmsg: 'ok' },
  feishu: { code: 0, msg: 'success', data: {} },
};

function codeOf(app: FakeApp, body: Record<string, unknown>): number | string {
  return (app === 'feishu' ? body.code : body.errcode) as number;
}

/** Everything a message shows, for keyword checks. */
function textOf(body: unknown): string {
  return JSON.stringify(body);
}

export interface FakeOptions {
  /** Divides the rate windows (a minute becomes 60 s / timeScale). */
  timeScale?: number;
  /**
   * Answers this share of otherwise good requests with a rate-limit answer
   * (the app's code, or every other time an HTTP 429), as when another
   * sender shares the robot.
   */
  chaos?: { share: number; rand: () => number };
  /** Keep only a digest of each accepted body (a bench's thousands of charts). */
  lean?: boolean;
}

export async function startFakeRobots(app: FakeApp, opts: FakeOptions = {}): Promise<FakeRobots> {
  const scale = opts.timeScale ?? 1;
  const robots = new Map<string, FakeRobotSetup>();
  const sent = new Map<string, number[]>();
  const delivered: Delivery[] = [];
  const refused: Refusal[] = [];
  const scripted: ScriptedAnswer[] = [];
  const holds: ((h: { release(answer?: ScriptedAnswer): void; drop(): void }) => void)[] = [];
  let requests = 0;
  let chaotic = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed request bodies, as JSON
  const checkedBodies = new Map<string, any>();
  const verified = new Set<string>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the request body as JSON, checked field by field
  function check(token: string, query: URLSearchParams, raw: Buffer, body: any): { status?: number; body: Record<string, unknown> } | null {
    const robot = robots.get(token);
    if (app === 'wecom') {
      if (!robot) return { body: { errcode: 93000, errmsg: 'invalid webhook url' } };
      if (body.msgtype === 'markdown') {
        const content = body.markdown?.content;
        if (typeof content !== 'string' || content === '') return { body: { errcode: 44004, errmsg: 'empty content' } };
        if (Buffer.byteLength(content, 'utf8') > 4096) return { body: { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' } };
      } else if (body.msgtype === 'image') {
        const png = Buffer.from(String(body.image?.base64 ?? ''), 'base64');
        if (png.length === 0 || png.length > 2 * 1024 * 1024) return { body: { errcode: 40009, errmsg: 'invalid image size' } };
        if (createHash('md5').update(png).digest('hex') !== body.image?.md5) return { body: { errcode: 301019, errmsg: 'media md5 not match' } };
      } else if (body.msgtype !== 'text') {
        return { body: { errcode: 40008, errmsg: 'invalid message type' } };
      }
      return null;
    }
    if (app === 'dingtalk') {
      if (!robot) return { body: { errcode: 300001, errmsg: 'token is not exist' } };
      if (raw.length > 20_000) return { body: { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' } };
      if (robot.secret) {
        const ts = query.get('timestamp') ?? '';
        const sign = query.get('sign') ?? '';
        const expected = createHmac('sha256', robot.secret).update(`${ts}\n${robot.secret}`).digest('base64');
        if (!/^\d+$/.test(ts) || Math.abs(Date.now() - Number(ts)) > 3_600_000 || sign !== expected) {
          return { body: { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' } };
        }
      }
      if (robot.keyword && !textOf(body).includes(robot.keyword)) return { body: { errcode: 310000, errmsg: 'keywords not in content' } };
      if (body.msgtype === 'markdown') {
        if (!body.markdown?.title || !body.markdown?.text) return { body: { errcode: 40035, errmsg: 'missing markdown title or text' } };
      } else if (body.msgtype !== 'text') {
        return { body: { errcode: 40035, errmsg: 'invalid msgtype' } };
      }
      return null;
    }
    if (!robot) return { status: 200, body: { code: 19001, msg: 'param invalid: incoming webhook access token invalid' } };
    if (raw.length > 20 * 1024) return { status: 400, body: { code: 9499, msg: 'Bad Request' } };
    if (robot.secret) {
      const ts = String(body.timestamp ?? '');
      const expected = createHmac('sha256', `${ts}\n${robot.secret}`).update('').digest('base64');
      if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 3600 || body.sign !== expected) {
        return { body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' } };
      }
    }
    if (robot.keyword && !textOf(body).includes(robot.keyword)) return { body: { code: 19024, msg: 'Key Words Not Found' } };
    if (body.msg_type === 'interactive') {
      if (!Array.isArray(body.card?.elements) || body.card.elements.length === 0) return { status: 400, body: { code: 9499, msg: 'Bad Request' } };
    } else if (body.msg_type !== 'text' && body.msg_type !== 'post') {
      return { status: 400, body: { code: 9499, msg: 'Bad Request' } };
    }
    return null;
  }

  /** True when one more message would break a window. */
  function overLimit(token: string, now: number): boolean {
    const times = sent.get(token) ?? [];
    return WINDOW[app].some((w) => times.filter((t) => now - t < w.ms / scale).length >= w.max);
  }

  function answer(res: ServerResponse, a: ScriptedAnswer): void {
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(JSON.stringify(a.body));
  }

  function tokenOf(url: URL): string | null {
    if (app === 'wecom') return url.pathname === '/cgi-bin/webhook/send' ? url.searchParams.get('key') : null;
    if (app === 'dingtalk') return url.pathname === '/robot/send' ? url.searchParams.get('access_token') : null;
    const m = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(url.pathname);
    return m ? m[1]! : null;
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const token = tokenOf(url);
    // A lean fake checks each distinct body once (a bench sends one chart to hundreds of robots).
    const digest = opts.lean ? createHash('sha256').update(raw).digest('hex') : '';
    const parsed = opts.lean && checkedBodies.has(digest) ? checkedBodies.get(digest) : JSON.parse(raw.toString('utf8'));
    if (opts.lean && !checkedBodies.has(digest) && parsed?.msgtype === 'image') checkedBodies.set(digest, parsed);
    const now = Date.now();
    if (req.method !== 'POST' || token === null) {
      res.writeHead(404).end('not found');
      refused.push({ token: token ?? '', status: 404, code: 'HTTP 404', at: now });
      return;
    }
    const settle = (a: ScriptedAnswer) => {
      const code = codeOf(app, a.body);
      if ((a.status ?? 200) === 200 && code === 0) {
        // The group shows it: only now does it count as delivered.
        delivered.push({ token, body: opts.lean ? { digest } : parsed, at: Date.now() });
        sent.set(token, [...(sent.get(token) ?? []), Date.now()]);
      } else {
        refused.push({ token, status: a.status ?? 200, code: a.status && a.status !== 200 ? `HTTP ${a.status}` : code, at: Date.now(), ...(a.why ? { why: a.why } : {}) });
      }
      answer(res, a);
    };
    const hold = holds.shift();
    if (hold) {
      hold({ release: (a) => settle(a ?? decide()), drop: () => req.socket.destroy() });
      return;
    }
    settle(decide());

    function decide(): ScriptedAnswer {
      const next = scripted.shift();
      if (next) return next;
      const known = opts.lean && verified.has(digest) && robots.has(token!) && !robots.get(token!)!.secret;
      const wrong = known ? null : check(token!, url.searchParams, raw, parsed);
      if (wrong) return wrong;
      if (opts.lean) verified.add(digest);
      if (overLimit(token!, Date.now())) return { body: RATE[app], why: 'window' };
      if (opts.chaos && opts.chaos.rand() < opts.chaos.share) {
        chaotic++;
        return chaotic % 2 ? { body: RATE[app], why: 'chaos' } : { status: 429, body: { message: 'too many requests' }, why: 'chaos' };
      }
      return { body: OK[app] };
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (e) {
        res.writeHead(400).end(JSON.stringify({ errcode: 40035, code: 9499, msg: String(e) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    app,
    port,
    url(token) {
      const base = `http://127.0.0.1:${port}`;
      if (app === 'wecom') return `${base}/cgi-bin/webhook/send?key=${token}`;
      if (app === 'dingtalk') return `${base}/robot/send?access_token=${token}`;
      return `${base}/open-apis/bot/v2/hook/${token}`;
    },
    add: (r) => void robots.set(r.token, r),
    remove: (token) => void robots.delete(token),
    delivered,
    refused,
    requests: () => requests,
    answerNext(n, a) {
      for (let i = 0; i < n; i++) scripted.push(a);
    },
    holdNext: () => new Promise((resolve) => holds.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
