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

/** The key each hasher made here was made with, for a thread that hashes on its behalf (never enumerable, never logged). */
const hasherKeys = new WeakMap<PiiHasher, Uint8Array>();

/**
 * A hasher for a key. Plain `node:crypto`: an HMAC built of our own from two
 * SHA-256 one-shots measured only a tenth faster (docs/figures.md).
 */
export function piiHasher(key: string | Uint8Array): PiiHasher {
  // A copy, so a caller reusing its buffer cannot change the key under us.
  const bytes = new Uint8Array(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  const hasher: PiiHasher = {
    hashId: (id) => createHmac('sha256', bytes).update(id, 'utf8').digest().toString('base64url', 0, 16),
  };
  hasherKeys.set(hasher, bytes);
  return hasher;
}

/**
 * A copy of the key `hasher` was made with (by `piiHasher`), to make the same
 * hasher on another thread; undefined for any other hasher.
 */
export function hasherKey(hasher: PiiHasher): Uint8Array | undefined {
  const key = hasherKeys.get(hasher);
  return key && new Uint8Array(key);
}
