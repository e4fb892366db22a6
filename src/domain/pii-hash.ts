/**
 * The keyed hash that stands for a resident ID in the database: HMAC-SHA256
 * under the deployment's key (`ENROLLBOT_PII_KEY`), truncated to 128 bits
 * (RFC 2104 §5 allows truncation to half the output) and written base64url,
 * 22 characters. The same ID always hashes alike under one key, so imports
 * match people without ever storing the number.
 */
import { createHash, hash } from 'node:crypto';

/** Hashes normalized ID numbers under one key. */
export interface PiiHasher {
  hashId(id: string): string;
}

const BLOCK = 64;

/**
 * HMAC-SHA256 under one key, as RFC 2104 builds it from two SHA-256 one-shots
 * of node:crypto over the key's inner and outer pads, computed once: a
 * `createHmac` per value costs a new OpenSSL context each time (about 1.5 ×
 * the two one-shots; the figures are in docs/figures.md). `mac(msg, len)`
 * returns the 32-byte MAC of `msg[0..len)`; `msg` must leave the first 64
 * bytes free (see `macInput`).
 */
export interface HmacSha256 {
  /** A buffer for messages of up to `size` bytes, from byte 64 on (the inner pad sits before). */
  macInput(size: number): Buffer;
  /** The MAC of `input[64..64 + len)`, `input` from `macInput`. */
  mac(input: Buffer, len: number): Buffer;
}

/** An HMAC-SHA256 for a key (a copy is kept: a caller reusing its buffer cannot change it). */
export function hmacSha256(key: string | Uint8Array): HmacSha256 {
  let k = Buffer.from(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  // RFC 2104 §2: a key longer than the block is hashed first, a shorter one padded with zeros.
  if (k.length > BLOCK) k = createHash('sha256').update(k).digest();
  const ipad = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK + 32, 0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i]! ^= k[i]!;
    outer[i]! ^= k[i]!;
  }
  k.fill(0);
  return {
    macInput(size) {
      const input = Buffer.allocUnsafe(BLOCK + size);
      ipad.copy(input);
      return input;
    },
    mac(input, len) {
      hash('sha256', input.subarray(0, BLOCK + len), 'buffer').copy(outer, BLOCK);
      return hash('sha256', outer, 'buffer');
    },
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
