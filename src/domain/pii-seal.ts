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
 * A million-row import cannot afford `createCipheriv` per value (about
 * 10 µs each), so sealing runs GCM here over one AES-ECB context of
 * node:crypto for the block cipher (counter blocks encrypted in one call)
 * with GHASH in JS (tables of H's multiples); opening uses node:crypto's own
 * GCM, and the tests check that the two agree byte for byte.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
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

/**
 * GHASH's multiplication by the hash key H, as 16 tables of 256 entries
 * (Shoup's 8-bit method): X·H is the XOR of the products of X's bytes, each
 * at its place, by H, so a block costs 16 lookups and no shifts. 64 KB a
 * sealer; about a third of the 4-bit method's time (docs/figures.md).
 * Entries are four big-endian 32-bit words.
 */
function ghashTables(h: Buffer): Int32Array {
  // V[n] = H·x^n: a block with only bit n set (bit 0 the first byte's top bit), times H.
  const v = new Int32Array(128 * 4);
  let w0 = h.readInt32BE(0);
  let w1 = h.readInt32BE(4);
  let w2 = h.readInt32BE(8);
  let w3 = h.readInt32BE(12);
  for (let n = 0; n < 128; n++) {
    v[n * 4] = w0;
    v[n * 4 + 1] = w1;
    v[n * 4 + 2] = w2;
    v[n * 4 + 3] = w3;
    // Times x: a right shift in GCM's bit order, reduced by x^128 = x^7 + x^2 + x + 1.
    const carry = w3 & 1 ? 0xe1000000 | 0 : 0;
    w3 = (w3 >>> 1) | (w2 << 31);
    w2 = (w2 >>> 1) | (w1 << 31);
    w1 = (w1 >>> 1) | (w0 << 31);
    w0 = (w0 >>> 1) ^ carry;
  }
  const t = new Int32Array(16 * 256 * 4);
  for (let i = 0; i < 16; i++) {
    for (let b = 1; b < 256; b++) {
      const low = b & -b;
      const n = 8 * i + (7 - 31 + Math.clz32(low));
      const at = (i * 256 + b) * 4;
      const from = (i * 256 + (b ^ low)) * 4;
      for (let k = 0; k < 4; k++) t[at + k] = t[from + k]! ^ v[n * 4 + k]!;
    }
  }
  return t;
}

/** GHASH state: y ← (y ⊕ block) · H, with the block read from `buf` at `off` (`len` bytes, zero-padded). */
function ghashBlock(y: Int32Array, t: Int32Array, buf: Uint8Array, off: number, len: number): void {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  for (let i = 0; i < 16; i++) {
    const b = ((y[i >> 2]! >>> (24 - 8 * (i & 3))) ^ (i < len ? buf[off + i]! : 0)) & 0xff;
    const at = (i * 256 + b) * 4;
    z0 ^= t[at]!;
    z1 ^= t[at + 1]!;
    z2 ^= t[at + 2]!;
    z3 ^= t[at + 3]!;
  }
  y[0] = z0;
  y[1] = z1;
  y[2] = z2;
  y[3] = z3;
}

const FIELDS: Record<SealField, Uint8Array> = { contact: new TextEncoder().encode('contact') };

/** The keys each sealer made here was made with, for a thread that seals on its behalf (never enumerable, never logged). */
const sealerKeys = new WeakMap<PiiSealer, SealKeys>();

/**
 * A copy of the keys `sealer` was made with (by `piiSealer`), to make the same
 * sealer on another thread; undefined for any other sealer.
 */
export function sealKeysOf(sealer: PiiSealer): SealKeys | undefined {
  const keys = sealerKeys.get(sealer);
  return keys && { enc: new Uint8Array(keys.enc), nonce: new Uint8Array(keys.nonce) };
}

/** A sealer for derived keys. */
export function piiSealer(keys: SealKeys): PiiSealer {
  const enc = Buffer.from(keys.enc);
  const ecb = createCipheriv('aes-256-ecb', enc, null);
  ecb.setAutoPadding(false);
  const table = ghashTables(ecb.update(Buffer.alloc(16)));
  const nonceKey = Buffer.from(keys.nonce);
  const y = new Int32Array(4);
  // GHASH over each field's additional data (one block: the names are short): the same for every value.
  const afterAad = new Map<SealField, Int32Array>();
  for (const [field, aad] of Object.entries(FIELDS) as [SealField, Uint8Array][]) {
    const state = new Int32Array(4);
    ghashBlock(state, table, aad, 0, aad.length);
    afterAad.set(field, state);
  }
  let input = Buffer.allocUnsafe(256);
  const sealer: PiiSealer = {
    sealMany(items, field) {
      const aad = FIELDS[field];
      // Each value's bytes, one after another, and each nonce; then every counter block of the batch in one call.
      let bytes = 0;
      for (const { value, person } of items) bytes += 3 * (value.length + person.length);
      const text = Buffer.allocUnsafe(bytes);
      const ends = new Int32Array(items.length);
      const nonces = Buffer.allocUnsafe(12 * items.length);
      let at = 0;
      let blocks = 0;
      for (let v = 0; v < items.length; v++) {
        const { value, person } = items[v]!;
        // The nonce's message: field, person and value, NUL-separated.
        const need = aad.length + 2 + 3 * (person.length + value.length);
        if (input.length < need) input = Buffer.allocUnsafe(2 * need);
        input.set(aad, 0);
        let n = aad.length;
        input[n++] = 0;
        n += input.write(person, n, 'utf8');
        input[n++] = 0;
        const len = input.write(value, n, 'utf8');
        input.copy(text, at, n, n + len);
        at += len;
        ends[v] = at;
        createHmac('sha256', nonceKey).update(input.subarray(0, n + len)).digest().copy(nonces, 12 * v, 0, 12);
        blocks += 1 + Math.ceil(len / 16);
      }
      // Per value: J0 (for the tag), then one counter block per 16 bytes.
      const ctr = Buffer.allocUnsafe(16 * blocks);
      at = 0;
      for (let v = 0, start = 0; v < items.length; start = ends[v++]!) {
        const count = 1 + Math.ceil((ends[v]! - start) / 16);
        for (let b = 0; b < count; b++, at += 16) {
          nonces.copy(ctr, at, 12 * v, 12 * v + 12);
          ctr.writeUInt32BE(b + 1, at + 12);
        }
      }
      const ks = ecb.update(ctr);
      const lengths = Buffer.alloc(16);
      lengths.writeUInt32BE(aad.length * 8, 4);
      const start0 = afterAad.get(field)!;
      const sealed: string[] = new Array<string>(items.length);
      at = 0;
      for (let v = 0, start = 0; v < items.length; start = ends[v++]!) {
        const len = ends[v]! - start;
        const out = Buffer.allocUnsafe(12 + len + 16);
        nonces.copy(out, 0, 12 * v, 12 * v + 12);
        for (let i = 0; i < len; i++) out[12 + i] = text[start + i]! ^ ks[at + 16 + i]!;
        y.set(start0);
        for (let off = 0; off < len; off += 16) ghashBlock(y, table, out, 12 + off, Math.min(16, len - off));
        lengths.writeUInt32BE(len * 8, 12);
        ghashBlock(y, table, lengths, 0, 16);
        for (let i = 0; i < 16; i++) out[12 + len + i] = ((y[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff) ^ ks[at + i]!;
        sealed[v] = SEALED_PREFIX + out.toString('base64url');
        at += 16 * (1 + Math.ceil(len / 16));
      }
      return sealed;
    },
    seal(value, field, person) {
      return sealer.sealMany([{ value, person }], field)[0]!;
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
  sealerKeys.set(sealer, { enc: new Uint8Array(keys.enc), nonce: new Uint8Array(keys.nonce) });
  return sealer;
}
