/**
 * The three apps' group robots as the bot talks to them: their limits, how
 * a request is signed, and what each answer means.
 *
 * - WeCom (企业微信 / 政务微信) group robot: 20 messages a minute; the key is
 *   in the URL (`…/webhook/send?key=…`), no signature.
 * - DingTalk (钉钉 / 浙政钉) custom robot: 20 messages a minute (more, and
 *   the robot is throttled for ten minutes); signed when it has a secret:
 *   `timestamp` (ms) and `sign` = URL-encoded Base64 of
 *   HMAC-SHA256(secret, `timestamp + "\n" + secret`), in the query.
 * - Feishu (飞书) custom robot: 100 a minute and 5 a second; signed when it
 *   has a secret: `timestamp` (s) and `sign` = Base64 of HMAC-SHA256 keyed
 *   with `timestamp + "\n" + secret` over an empty message, in the body.
 */
import { createHmac } from 'node:crypto';
import type { RobotApp } from '../db/schema.ts';
import type { RobotBody } from './render.ts';

export const ROBOT_APPS: readonly RobotApp[] = ['wecom', 'dingtalk', 'feishu'];

/** The outbox platform a robot's posts go through (its channel id is `R<id>`). */
export function robotPlatform(app: RobotApp): string {
  return `${app}-robot`;
}

/** The app of an outbox platform name, or null when it is not a robot's. */
export function appOfPlatform(platform: string): RobotApp | null {
  const app = platform.endsWith('-robot') ? platform.slice(0, -'-robot'.length) : '';
  return (ROBOT_APPS as readonly string[]).includes(app) ? (app as RobotApp) : null;
}

/**
 * Each app's limit per robot as the app counts it, a sliding window: WeCom
 * and DingTalk 20 messages in any 60 s; Feishu 100 in 60 s and 5 in 1 s.
 */
export const ROBOT_WINDOWS: Record<RobotApp, readonly { ms: number; max: number }[]> = {
  wecom: [{ ms: 60_000, max: 20 }],
  dingtalk: [{ ms: 60_000, max: 20 }],
  feishu: [
    { ms: 60_000, max: 100 },
    { ms: 1000, max: 5 },
  ],
};

/**
 * The time in which a full window of the app frees one message on average
 * (60 s / 20 = 3 s for WeCom and DingTalk; 600 ms for Feishu): how long a
 * rate-limit answer without a Retry-After waits when the bot's own sends do
 * not fill the window (someone else's messages to the robot do).
 */
export function robotSlotMs(app: RobotApp): number {
  return Math.max(...ROBOT_WINDOWS[app].map((w) => w.ms / w.max));
}

/** Why an app refused a robot itself: what the admin must fix. */
export type RobotProblem = 'key' | 'signature' | 'keyword' | 'ip' | 'removed';

/** What an answer means for the message and the robot. */
export type RobotAnswer =
  | { kind: 'ok' }
  /** Too many messages: wait (the app's Retry-After when it gave one) and send again. */
  | { kind: 'rate'; retryAfterMs: number | null; code: string }
  /** DingTalk's quota for the organisation's edition is used up (90030): wait for it, tell the admins. */
  | { kind: 'quota'; code: string }
  /** The robot itself is wrong: stop sending to it until an admin fixes it. */
  | { kind: 'broken'; problem: RobotProblem; code: string }
  /** Anything else (a server error, a message the app did not take): retry later. */
  | { kind: 'retry'; code: string };

/** A request ready to send: where, and the JSON body. */
export interface SignedRequest {
  url: string;
  body: string;
}

/** Signs a body for a robot at `now` (a robot without a secret is sent as it is). */
export function signRequest(app: RobotApp, url: string, secret: string | null, body: RobotBody, now: Date): SignedRequest {
  if (!secret || app === 'wecom') return { url, body: JSON.stringify(body) };
  if (app === 'dingtalk') {
    const timestamp = String(now.getTime());
    const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
    const u = new URL(url);
    // URLSearchParams URL-encodes the Base64 (`+`, `/`, `=`), as DingTalk asks.
    u.searchParams.set('timestamp', timestamp);
    u.searchParams.set('sign', sign);
    return { url: u.toString(), body: JSON.stringify(body) };
  }
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const sign = createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
  return { url, body: JSON.stringify({ timestamp, sign, ...body }) };
}

const WECOM_RATE = new Set([45009]);
const WECOM_BROKEN: Record<number, RobotProblem> = { 93000: 'key', 40001: 'key', 40014: 'key', 42001: 'key', 93004: 'removed', 93008: 'removed' };
const DINGTALK_RATE = new Set([130101, 660026]);
const DINGTALK_BROKEN: Record<number, RobotProblem> = { 300001: 'key', 300005: 'key', 400101: 'removed', 400102: 'removed', 410100: 'removed' };
const FEISHU_RATE = new Set([11232]);
const FEISHU_BROKEN: Record<number, RobotProblem> = { 19001: 'key', 19002: 'key', 19021: 'signature', 19022: 'ip', 19024: 'keyword', 19007: 'removed' };

/** DingTalk answers every security refusal with 310000; its message tells which. */
function dingtalkSecurity(message: string): RobotProblem {
  const m = message.toLowerCase();
  if (m.includes('keyword')) return 'keyword';
  if (m.includes('ip')) return 'ip';
  return 'signature';
}

/** Seconds (or an HTTP date) in a Retry-After header, as milliseconds. */
function retryAfter(header: string | null): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Reads an app's answer: HTTP status, Retry-After and the JSON body's code. */
export function readAnswer(app: RobotApp, status: number, headers: { get(name: string): string | null }, text: string): RobotAnswer {
  if (status === 429) return { kind: 'rate', retryAfterMs: retryAfter(headers.get('retry-after')), code: 'HTTP 429' };
  if (status === 404 || status === 410) return { kind: 'broken', problem: 'removed', code: `HTTP ${status}` };
  if (status === 401 || status === 403) return { kind: 'broken', problem: 'key', code: `HTTP ${status}` };
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { kind: 'retry', code: `HTTP ${status}, not JSON` };
  }
  const codeOf = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : null);
  if (app === 'feishu') {
    const code = codeOf(json.code ?? json.StatusCode);
    const message = String(json.msg ?? json.StatusMessage ?? '');
    if (code === 0 && status < 300) return { kind: 'ok' };
    const label = `${code ?? '?'} ${message}`.trim().slice(0, 120);
    if (code !== null && FEISHU_RATE.has(code)) return { kind: 'rate', retryAfterMs: null, code: label };
    if (code !== null && FEISHU_BROKEN[code]) return { kind: 'broken', problem: FEISHU_BROKEN[code], code: label };
    return { kind: 'retry', code: status >= 300 ? `HTTP ${status} ${label}` : label };
  }
  const code = codeOf(json.errcode);
  const message = String(json.errmsg ?? '');
  if (code === 0 && status < 300) return { kind: 'ok' };
  const label = `${code ?? '?'} ${message}`.trim().slice(0, 120);
  if (app === 'wecom') {
    if (code !== null && WECOM_RATE.has(code)) return { kind: 'rate', retryAfterMs: null, code: label };
    if (code !== null && WECOM_BROKEN[code]) return { kind: 'broken', problem: WECOM_BROKEN[code], code: label };
  } else {
    if (code !== null && DINGTALK_RATE.has(code)) return { kind: 'rate', retryAfterMs: null, code: label };
    if (code === 90030) return { kind: 'quota', code: label };
    if (code === 310000) return { kind: 'broken', problem: dingtalkSecurity(message), code: label };
    if (code !== null && DINGTALK_BROKEN[code]) return { kind: 'broken', problem: DINGTALK_BROKEN[code], code: label };
  }
  return { kind: 'retry', code: status >= 300 ? `HTTP ${status} ${label}` : label };
}

/** How long one request may take before it counts as failed (and is retried). */
export const ROBOT_TIMEOUT_MS = 10_000;

/**
 * Posts one message. Never throws: a network failure is a `retry` answer.
 * The error text names the host at most, never the URL (whose key is secret).
 */
export async function postToRobot(
  app: RobotApp,
  request: SignedRequest,
  opts: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<RobotAnswer> {
  const doFetch = opts.fetch ?? fetch;
  try {
    const res = await doFetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: request.body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? ROBOT_TIMEOUT_MS),
    });
    return readAnswer(app, res.status, res.headers, await res.text());
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    const name = e instanceof Error ? e.name : 'Error';
    return { kind: 'retry', code: `network: ${cause ?? (name === 'TimeoutError' ? 'timeout' : name)} (${safeHost(request.url)})` };
  }
}

/** The host of a URL, for messages: never its path or query. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

/**
 * A URL as it may be shown: the host and path with every long secret-looking
 * part cut to its first four characters (`…/send?key=ab12…`), never whole.
 */
export function urlHint(url: string): string {
  const u = new URL(url);
  const cut = (s: string) => (s.length > 4 ? `${s.slice(0, 4)}…` : s);
  const path = u.pathname
    .split('/')
    .map((seg) => (seg.length >= 16 ? cut(seg) : seg))
    .join('/');
  // Every query value may be a credential (`key`, `access_token`): none is shown whole.
  const query = [...u.searchParams.entries()].map(([k, v]) => `${k}=${cut(v)}`).join('&');
  return `${u.protocol}//${u.host}${path}${query ? `?${query}` : ''}`;
}
