/**
 * Sealing short secrets at rest (a group robot's webhook URL, whose key is
 * its credential, and its signing secret): AES-256-GCM under a subkey
 * derived by HKDF-SHA256 from the deployment's PII secret, so the database
 * (and every backup of it) holds only ciphertext and the key never sits
 * beside it. A sealed value is `v1.` and base64url(iv ‖ tag ‖ ciphertext).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte subkey of the PII secret for one purpose (`info`); the same secret always gives the same key. */
export function deriveKey(secret: string | Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret, 'enrollbot', info, 32));
}

/** Encrypts `text`; a fresh IV each time, so sealing the same text twice gives different strings. */
export function seal(key: Uint8Array, text: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Decrypts what `seal` made; throws when the key is wrong or the value was altered. */
export function open(key: Uint8Array, sealed: string): string {
  if (!sealed.startsWith(VERSION)) throw new Error('not a sealed value');
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/**
 * A keyed digest of a secret, for finding the same secret again (a robot
 * added twice) without storing or decrypting it; useless without the key.
 */
export function digest(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
}
