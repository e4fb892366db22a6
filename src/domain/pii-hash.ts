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

const BLOCK = 64;

/**
 * HMAC-SHA256 under one key, through node:crypto's `createHmac`. Building
 * HMAC from two `crypto.hash` one-shots over precomputed pads (RFC 2104)
 * measured 5.3 µs a call against 5.75–6.43 µs for `createHmac` (alternated,
 * 200,000 calls each, docs/figures.md): a tenth of one part of an import is
 * not worth an HMAC construction of our own. `mac(msg, len)` returns the
 * 32-byte MAC of `input[64..64 + len)`; the first 64 bytes of a `macInput`
 * buffer are free, so that callers write messages where a faster MAC could
 * later put its pad without changing them.
 */
export interface HmacSha256 {
  /** A buffer for messages of up to `size` bytes, from byte 64 on. */
  macInput(size: number): Buffer;
  /** The MAC of `input[64..64 + len)`, `input` from `macInput`. */
  mac(input: Buffer, len: number): Buffer;
}

/** An HMAC-SHA256 for a key (a copy is kept: a caller reusing its buffer cannot change it). */
export function hmacSha256(key: string | Uint8Array): HmacSha256 {
  const k = Buffer.from(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  return {
    macInput: (size) => Buffer.allocUnsafe(BLOCK + size),
    mac: (input, len) => createHmac('sha256', k).update(input.subarray(BLOCK, BLOCK + len)).digest(),
  };
}

/** The key each hasher made here was made with, for a thread that hashes on its behalf (never enumerable, never logged). */
const hasherKeys = new WeakMap<PiiHasher, Uint8Array>();

/** A hasher for a key. */
export function piiHasher(key: string | Uint8Array): PiiHasher {
  const bytes = new Uint8Array(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  const hmac = hmacSha256(bytes);
  // IDs are 18 ASCII characters; a longer one (tests) gets a larger buffer.
  let input = hmac.macInput(64);
  const hasher: PiiHasher = {
    hashId(id) {
      if (id.length * 3 > input.length - BLOCK) input = hmac.macInput(id.length * 3);
      const n = input.write(id, BLOCK, 'utf8');
      return hmac.mac(input, n).toString('base64url', 0, 16);
    },
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
