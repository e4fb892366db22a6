/**
 * The keyed hash that stands for a resident ID in the database: HMAC-SHA256
 * under the deployment's key (`ENROLLBOT_PII_KEY`), truncated to 128 bits
 * (RFC 2104 §5 allows truncation to half the output) and written base64url,
 * 22 characters. The same ID always hashes alike under one key, so imports
 * match people without ever storing the number.
 */
import { createHmac } from 'node:crypto';

/** Hashes normalized ID numbers under one key. */
export interface PiiHasher {
  hashId(id: string): string;
}

/**
 * A hasher for a key. Plain `node:crypto`: OpenSSL's HMAC is audited and
 * fast enough that the import's time goes to the database, not to hashing
 * (the figure is in docs/figures.md).
 */
export function piiHasher(key: string | Uint8Array): PiiHasher {
  // A copy, so a caller reusing its buffer cannot change the key under us.
  const k = Buffer.from(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  return {
    hashId: (id) => createHmac('sha256', k).update(id, 'utf8').digest().toString('base64url', 0, 16),
  };
}

/**
 * HMAC-SHA256 under one key for the sealer's synthetic nonces:
 * `mac(msg, len, out)` writes the 32-byte MAC of `msg[0..len)` into `out`.
 * Through `node:crypto`, like the ID hash: audited code rather than a SHA-256
 * of our own.
 */
export function hmacSha256Into(key: Uint8Array): (msg: Uint8Array, len: number, out: Uint8Array) => void {
  const k = Buffer.from(key);
  return (msg, len, out) => {
    createHmac('sha256', k).update(msg.subarray(0, len)).digest().copy(out);
  };
}
