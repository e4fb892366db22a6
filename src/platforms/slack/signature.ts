/**
 * Slack request signatures (v0): HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * keyed with the app's signing secret. We check both directions of the clock
 * skew ourselves, because a future-dated request is as suspect as a stale one.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** How far a request's timestamp may be from our clock: Slack's five minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/**
 * A signing secret made into a key once: building the key from the string
 * on every request was the larger part of checking a signature.
 */
export function signingKey(signingSecret: string): KeyObject {
  return createSecretKey(Buffer.from(signingSecret, 'utf8'));
}

/** The raw HMAC Slack signs a body with (the 32 bytes behind `v0=<hex>`). */
function signatureDigest(key: string | KeyObject, timestampSeconds: number | string, body: string | Uint8Array): Buffer {
  const hmac = createHmac('sha256', key);
  hmac.update(`v0:${timestampSeconds}:`);
  hmac.update(body);
  return hmac.digest();
}

/** The `X-Slack-Signature` value Slack would send for this body at this time. */
export function slackSignature(signingSecret: string | KeyObject, timestampSeconds: number | string, body: string | Uint8Array): string {
  return `v0=${signatureDigest(signingSecret, timestampSeconds, body).toString('hex')}`;
}

/** Why a request was refused (for the log; the caller answers 401 whatever the reason). */
export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch';

export interface SignedRequest {
  /** The app's signing secret, or the key made of it once (`signingKey`). */
  signingSecret: string | KeyObject;
  /** The `X-Slack-Signature` header. */
  signature: string | undefined;
  /** The `X-Slack-Request-Timestamp` header (Unix seconds). */
  timestamp: string | undefined;
  body: string | Uint8Array;
  nowMs: number;
  toleranceSeconds?: number;
}

/**
 * What the headers alone show to be wrong (missing, malformed, stale or
 * future-dated); null when only the body's signature is left to check. Run
 * before the body is read: a stale or unsigned request costs no more than its headers.
 */
export function headerProblem(req: Pick<SignedRequest, 'signature' | 'timestamp' | 'nowMs' | 'toleranceSeconds'>): SignatureProblem | null {
  const { signature, timestamp } = req;
  if (!signature || !timestamp) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return 'malformed';
  const skew = Number(timestamp) - Math.floor(req.nowMs / 1000);
  const tolerance = req.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (skew < -tolerance) return 'stale';
  if (skew > tolerance) return 'future';
  return null;
}

/**
 * The body's signature alone, for a request whose headers `headerProblem`
 * has passed already (the signature is then `v0=` and 64 hex digits).
 */
export function bodySignatureProblem(req: Pick<SignedRequest, 'signingSecret' | 'body'> & { signature: string; timestamp: string }): 'mismatch' | null {
  const expected = signatureDigest(req.signingSecret, req.timestamp, req.body);
  const given = Buffer.from(req.signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'mismatch';
}
