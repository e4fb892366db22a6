/**
 * Slack request signatures (v0): HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * keyed with the app's signing secret. We check both directions of the clock
 * skew ourselves, because a future-dated request is as suspect as a stale one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from our clock: Slack's five minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** The `X-Slack-Signature` value Slack would send for this body at this time. */
export function slackSignature(signingSecret: string, timestampSeconds: number | string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSeconds}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/** Why a request was refused (for the log; the caller answers 401 whatever the reason). */
export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch';

export interface SignedRequest {
  signingSecret: string;
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

/** Checks a request's signature and age; null when it is genuine and fresh. */
export function signatureProblem(req: SignedRequest): SignatureProblem | null {
  const early = headerProblem(req);
  if (early) return early;
  const { signature, timestamp } = req as { signature: string; timestamp: string };
  const expected = Buffer.from(slackSignature(req.signingSecret, timestamp, req.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'mismatch';
}
