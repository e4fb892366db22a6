/**
 * Roster names and phones at rest: AES-256-GCM (NIST SP 800-38D) under a key
 * derived with HKDF-SHA256 from the same secret that keys the ID hash. A
 * sealed value is `g1.` and base64url of nonce (12 bytes) ‖ ciphertext ‖ tag
 * (16 bytes); what the value is (`contact`: a person's name and phone) is
 * the additional data.
 *
 * The nonce is synthetic: the first 96 bits of an HMAC, under a second
 * derived key, of the field, the person and the value. The same value of
 * the same person seals alike, so re-importing a file changes nothing; two
 * different values never share a nonce (short of an HMAC collision), which
 * is what GCM needs; and equal names of different people do not look alike.
 *
 * A million-row import cannot afford `createCipheriv` per value (several
 * microseconds each), so sealing runs GCM here over one AES-ECB context of
 * node:crypto for the block cipher (counter blocks encrypted in one call)
 * with GHASH in JS; opening uses node:crypto's own GCM, and the tests check
 * that the two agree byte for byte.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { hmacSha256Into } from './pii-hash.ts';
import { EnrollbotError } from '../core/errors.ts';

/** What a sealed value is: the additional data that binds it to its use. */
export type SealField = 'contact';

/** The derived key material (plain bytes). */
export interface SealKeys {
  /** The AES-256-GCM key. */
  enc: Uint8Array;
  /** The key of the synthetic nonce's HMAC. */
  nonce: Uint8Array;
}

/** Seals and opens values under one key. */
export interface PiiSealer {
  /**
   * Seals values, each with `person` (what tells its person apart, the ID
   * hash) mixed into its nonce only. Many at once cost one call into the
   * block cipher.
   */
  sealMany(items: readonly { value: string; person: string }[], field: SealField): string[];
  seal(value: string, field: SealField, person: string): string;
  /** The value back; throws when the value was not sealed under this key or was changed. */
  open(sealed: string, field: SealField): string;
}

/** A roster person's name and phone, as one sealed value. */
export interface Contact {
  name: string;
  phone: string | null;
}

const UNIT = '\u001f';

/** The text a contact is sealed as: name and phone, one field separator between. */
export function contactText(name: string, phone: string | null): string {
  return `${name}${UNIT}${phone ?? ''}`;
}

/** A contact back from its text. */
export function parseContact(text: string): Contact {
  const at = text.lastIndexOf(UNIT);
  if (at < 0) return { name: text, phone: null };
  return { name: text.slice(0, at), phone: text.slice(at + 1) || null };
}

/** How every sealed value begins: the format's version. */
export const SEALED_PREFIX = 'g1.';

/** True for a value this module sealed (older versions stored names and phones in clear). */
export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

const SALT = 'enrollbot personal data';

/** The sealing keys of a secret (HKDF-SHA256, one `info` per use). */
export function deriveSealKeys(secret: string): SealKeys {
  return {
    enc: new Uint8Array(hkdfSync('sha256', secret, SALT, 'roster seal aes-256-gcm v1', 32)),
    nonce: new Uint8Array(hkdfSync('sha256', secret, SALT, 'roster seal nonce v1', 32)),
  };
}

// GHASH reduction constants for a 4-bit table (Shoup's method).
const LAST4 = [0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0, 0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0];

/** The multiples 0·H … 15·H of the hash key, four big-endian 32-bit words each. */
function ghashTable(h: Buffer): Int32Array {
  const m = new Int32Array(16 * 4);
  let w0 = h.readInt32BE(0);
  let w1 = h.readInt32BE(4);
  let w2 = h.readInt32BE(8);
  let w3 = h.readInt32BE(12);
  m.set([w0, w1, w2, w3], 8 * 4);
  for (let i = 4; i > 0; i >>= 1) {
    const t = w3 & 1 ? 0xe1000000 | 0 : 0;
    w3 = (w3 >>> 1) | (w2 << 31);
    w2 = (w2 >>> 1) | (w1 << 31);
    w1 = (w1 >>> 1) | (w0 << 31);
    w0 = (w0 >>> 1) ^ t;
    m.set([w0, w1, w2, w3], i * 4);
  }
  for (let i = 2; i <= 8; i *= 2) {
    for (let j = 1; j < i; j++) for (let k = 0; k < 4; k++) m[(i + j) * 4 + k] = m[i * 4 + k]! ^ m[j * 4 + k]!;
  }
  return m;
}

const xw = new Int32Array(4);

/** GHASH state: y ← (y ⊕ block) · H, with the block read from `buf` at `off` (`len` bytes, zero-padded). */
function ghashBlock(y: Int32Array, m: Int32Array, buf: Uint8Array, off: number, len: number): void {
  xw.set(y);
  for (let i = 0; i < len; i++) xw[i >> 2]! ^= buf[off + i]! << (24 - 8 * (i & 3));
  const byte = (i: number) => (xw[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
  let lo = byte(15) & 0xf;
  let z0 = m[lo * 4]!;
  let z1 = m[lo * 4 + 1]!;
  let z2 = m[lo * 4 + 2]!;
  let z3 = m[lo * 4 + 3]!;
  for (let i = 15; i >= 0; i--) {
    const b = byte(i);
    lo = b & 0xf;
    const hi = b >>> 4;
    let rem: number;
    if (i !== 15) {
      rem = z3 & 0xf;
      z3 = (z3 >>> 4) | (z2 << 28);
      z2 = (z2 >>> 4) | (z1 << 28);
      z1 = (z1 >>> 4) | (z0 << 28);
      z0 = (z0 >>> 4) ^ (LAST4[rem]! << 16);
      z0 ^= m[lo * 4]!;
      z1 ^= m[lo * 4 + 1]!;
      z2 ^= m[lo * 4 + 2]!;
      z3 ^= m[lo * 4 + 3]!;
    }
    rem = z3 & 0xf;
    z3 = (z3 >>> 4) | (z2 << 28);
    z2 = (z2 >>> 4) | (z1 << 28);
    z1 = (z1 >>> 4) | (z0 << 28);
    z0 = (z0 >>> 4) ^ (LAST4[rem]! << 16);
    z0 ^= m[hi * 4]!;
    z1 ^= m[hi * 4 + 1]!;
    z2 ^= m[hi * 4 + 2]!;
    z3 ^= m[hi * 4 + 3]!;
  }
  y[0] = z0;
  y[1] = z1;
  y[2] = z2;
  y[3] = z3;
}

const FIELDS: Record<SealField, Uint8Array> = { contact: new TextEncoder().encode('contact') };

/** A sealer for derived keys. */
export function piiSealer(keys: SealKeys): PiiSealer {
  const enc = Buffer.from(keys.enc);
  const ecb = createCipheriv('aes-256-ecb', enc, null);
  ecb.setAutoPadding(false);
  const table = ghashTable(ecb.update(Buffer.alloc(16)));
  const mac = hmacSha256Into(keys.nonce);
  const encoder = new TextEncoder();
  const digest = new Uint8Array(32);
  const y = new Int32Array(4);
  let scratch = new Uint8Array(256);
  return {
    sealMany(items, field) {
      const aad = FIELDS[field];
      // Each value's bytes and nonce first; then every counter block of the batch in one call.
      const values: Uint8Array[] = [];
      const nonces: Uint8Array[] = [];
      let blocks = 0;
      for (const { value, person } of items) {
        // The nonce's message: field, person and value, NUL-separated.
        const need = aad.length + 2 + 3 * (person.length + value.length);
        if (scratch.length < need) scratch = new Uint8Array(need * 2);
        scratch.set(aad);
        let n = aad.length;
        scratch[n++] = 0;
        n += encoder.encodeInto(person, scratch.subarray(n)).written;
        scratch[n++] = 0;
        const start = n;
        n += encoder.encodeInto(value, scratch.subarray(n)).written;
        mac(scratch, n, digest);
        values.push(scratch.slice(start, n));
        nonces.push(digest.slice(0, 12));
        blocks += 1 + Math.ceil((n - start) / 16);
      }
      // Per value: J0 (for the tag), then one counter block per 16 bytes.
      const ctr = Buffer.alloc(16 * blocks);
      let at = 0;
      for (let v = 0; v < values.length; v++) {
        const count = 1 + Math.ceil(values[v]!.length / 16);
        for (let b = 0; b < count; b++, at += 16) {
          ctr.set(nonces[v]!, at);
          ctr.writeUInt32BE(b + 1, at + 12);
        }
      }
      const ks = ecb.update(ctr);
      const lengths = Buffer.alloc(16);
      lengths.writeUInt32BE(aad.length * 8, 4);
      const sealed: string[] = [];
      at = 0;
      for (let v = 0; v < values.length; v++) {
        const value = values[v]!;
        const len = value.length;
        const out = Buffer.alloc(12 + len + 16);
        out.set(nonces[v]!, 0);
        for (let i = 0; i < len; i++) out[12 + i] = value[i]! ^ ks[at + 16 + i]!;
        y.fill(0);
        ghashBlock(y, table, aad, 0, aad.length);
        for (let off = 0; off < len; off += 16) ghashBlock(y, table, out, 12 + off, Math.min(16, len - off));
        lengths.writeUInt32BE(len * 8, 12);
        ghashBlock(y, table, lengths, 0, 16);
        for (let i = 0; i < 16; i++) out[12 + len + i] = ((y[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff) ^ ks[at + i]!;
        sealed.push(SEALED_PREFIX + out.toString('base64url'));
        at += 16 * (1 + Math.ceil(len / 16));
      }
      return sealed;
    },
    seal(value, field, person) {
      return this.sealMany([{ value, person }], field)[0]!;
    },
    open(sealed, field) {
      if (!isSealed(sealed)) throw new EnrollbotError('data_corrupt', 'not a sealed value');
      const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
      if (raw.length < 28) throw new EnrollbotError('data_corrupt', 'sealed value too short');
      const d = createDecipheriv('aes-256-gcm', enc, raw.subarray(0, 12));
      d.setAAD(FIELDS[field]);
      d.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
    },
  };
}
