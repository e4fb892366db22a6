/**
 * The keyed hash that stands for a resident ID in the database: HMAC-SHA256
 * under the deployment's key (`ENROLLBOT_PII_KEY`), truncated to 128 bits
 * (RFC 2104 §5 allows truncation to half the output) and written base64url,
 * 22 characters. The same ID always hashes alike under one key, so imports
 * match people without ever storing the number.
 */
import { createHmac, hash } from 'node:crypto';

/** Hashes normalized ID numbers under one key. */
export interface PiiHasher {
  hashId(id: string): string;
}

const BLOCK = 64; // SHA-256 block size

// SHA-256 (FIPS 180-4) round constants and initial state.
const K = Int32Array.from(
  [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ].map((x) => x | 0),
);
const H0 = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19].map((x) => x | 0));

/** One SHA-256 compression: `out` = `from` advanced by the block in `w[0..15]` (`w` has 64 words of room). */
function compress(from: Int32Array, w: Int32Array, out: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = from[0]!;
  let b = from[1]!;
  let c = from[2]!;
  let d = from[3]!;
  let e = from[4]!;
  let f = from[5]!;
  let g = from[6]!;
  let h = from[7]!;
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (from[0]! + a) | 0;
  out[1] = (from[1]! + b) | 0;
  out[2] = (from[2]! + c) | 0;
  out[3] = (from[3]! + d) | 0;
  out[4] = (from[4]! + e) | 0;
  out[5] = (from[5]! + f) | 0;
  out[6] = (from[6]! + g) | 0;
  out[7] = (from[7]! + h) | 0;
}

/** The SHA-256 state after one 64-byte block. */
function midstate(block: Uint8Array): Int32Array {
  const w = new Int32Array(64);
  for (let i = 0; i < BLOCK; i++) w[i >> 2]! |= block[i]! << (24 - 8 * (i & 3));
  const out = new Int32Array(8);
  compress(H0, w, out);
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A hasher for a key. HMAC's two padded key blocks are hashed once, here
 * (their SHA-256 midstates); an ID of up to 55 ASCII characters then costs
 * two compressions in plain JS, with no call into native code and no Buffer:
 * the same bytes as `createHmac`, several times faster, which matters at a
 * million rows per import. Anything else goes through `createHmac`.
 */
export function piiHasher(key: string | Uint8Array): PiiHasher {
  let k = Buffer.from(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  if (k.length > BLOCK) k = hash('sha256', k, 'buffer');
  const ipad = new Uint8Array(BLOCK);
  const opad = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    ipad[i] = (k[i] ?? 0) ^ 0x36;
    opad[i] = (k[i] ?? 0) ^ 0x5c;
  }
  const inner = midstate(ipad);
  const outer = midstate(opad);
  const w = new Int32Array(64);
  const mid = new Int32Array(8);
  const out = new Int32Array(8);
  const bytes = new Uint8Array(16);
  const slow = (id: string) => createHmac('sha256', k).update(id).digest().toString('base64url', 0, 16);
  return {
    hashId(id: string): string {
      const n = id.length;
      if (n > 55) return slow(id);
      // Inner: the message and SHA-256 padding in one block after the key block.
      w.fill(0, 0, 16);
      for (let i = 0; i < n; i++) {
        const c = id.charCodeAt(i);
        if (c > 127) return slow(id);
        w[i >> 2]! |= c << (24 - 8 * (i & 3));
      }
      w[n >> 2]! |= 0x80 << (24 - 8 * (n & 3));
      w[15] = (BLOCK + n) * 8;
      compress(inner, w, mid);
      // Outer: the inner digest and padding in one block after the key block.
      for (let i = 0; i < 8; i++) w[i] = mid[i]!;
      w[8] = 0x80000000 | 0;
      w.fill(0, 9, 15);
      w[15] = (BLOCK + 32) * 8;
      compress(outer, w, out);
      for (let i = 0; i < 16; i++) bytes[i] = out[i >> 2]! >>> (24 - 8 * (i & 3));
      // 16 bytes: five groups of three, then one byte (two characters, no padding).
      let s = '';
      for (let i = 0; i < 15; i += 3) {
        const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
        s += B64URL[v >> 18]! + B64URL[(v >> 12) & 63]! + B64URL[(v >> 6) & 63]! + B64URL[v & 63]!;
      }
      return s + B64URL[bytes[15]! >> 2]! + B64URL[(bytes[15]! & 3) << 4]!;
    },
  };
}

/**
 * HMAC-SHA256 under one key in plain JS, for the short messages of a
 * million-row import (no native call per row): `mac(msg, len, out)` writes
 * the 32-byte MAC of `msg[0..len)` into `out`. The same bytes as `createHmac`.
 */
export function fastHmacSha256(key: Uint8Array): (msg: Uint8Array, len: number, out: Uint8Array) => void {
  let k = Buffer.from(key);
  if (k.length > BLOCK) k = hash('sha256', k, 'buffer');
  const ipad = new Uint8Array(BLOCK);
  const opad = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    ipad[i] = (k[i] ?? 0) ^ 0x36;
    opad[i] = (k[i] ?? 0) ^ 0x5c;
  }
  const inner = midstate(ipad);
  const outer = midstate(opad);
  const w = new Int32Array(64);
  const st = new Int32Array(8);
  return (msg, len, out) => {
    st.set(inner);
    let off = 0;
    for (; len - off >= BLOCK; off += BLOCK) {
      w.fill(0, 0, 16);
      for (let i = 0; i < BLOCK; i++) w[i >> 2]! |= msg[off + i]! << (24 - 8 * (i & 3));
      compress(st, w, st);
    }
    const rest = len - off;
    w.fill(0, 0, 16);
    for (let i = 0; i < rest; i++) w[i >> 2]! |= msg[off + i]! << (24 - 8 * (i & 3));
    w[rest >> 2]! |= 0x80 << (24 - 8 * (rest & 3));
    if (rest >= 56) {
      compress(st, w, st);
      w.fill(0, 0, 16);
    }
    const bits = (BLOCK + len) * 8;
    w[14] = Math.floor(bits / 0x100000000);
    w[15] = bits | 0;
    compress(st, w, st);
    for (let i = 0; i < 8; i++) w[i] = st[i]!;
    w[8] = 0x80000000 | 0;
    w.fill(0, 9, 15);
    w[15] = (BLOCK + 32) * 8;
    compress(outer, w, st);
    for (let i = 0; i < 32; i++) out[i] = st[i >> 2]! >>> (24 - 8 * (i & 3));
  };
}
