/**
 * The ID hash and the sealing, made cheaper for large imports, must give
 * exactly what node:crypto's own HMAC and GCM give: hashes and sealed values
 * already stored keep matching, and re-importing a file changes nothing.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasherKey, piiHasher } from '../../src/domain/pii-hash.ts';
import { deriveSealKeys, piiSealer, sealKeysOf, type SealKeys } from '../../src/domain/pii-seal.ts';

/** Sealing as the format says, from node:crypto alone: nonce = HMAC(field, person, value)[0..12), then GCM. */
function referenceSeal(keys: SealKeys, value: string, person: string): string {
  const message = Buffer.concat([Buffer.from('contact'), Buffer.from([0]), Buffer.from(person, 'utf8'), Buffer.from([0]), Buffer.from(value, 'utf8')]);
  const nonce = createHmac('sha256', keys.nonce).update(message).digest().subarray(0, 12);
  const c = createCipheriv('aes-256-gcm', keys.enc, nonce);
  c.setAAD(Buffer.from('contact'));
  return `g1.${Buffer.concat([nonce, c.update(value, 'utf8'), c.final(), c.getAuthTag()]).toString('base64url')}`;
}

describe('the ID hash', () => {
  it('is HMAC-SHA256 under the key, its first 128 bits in base64url, for any key and ID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 40 }), (key, id) => {
        const expected = createHmac('sha256', key).update(id, 'utf8').digest().subarray(0, 16).toString('base64url');
        expect(piiHasher(key).hashId(id)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps its own copy of the key', () => {
    const key = new Uint8Array([1, 2, 3]);
    const hasher = piiHasher(key);
    const before = hasher.hashId('430602199001011234');
    key[0] = 9;
    expect(hasher.hashId('430602199001011234')).toBe(before);
  });
});

describe('sealing', () => {
  it('gives exactly the sealed values stored before the faster GHASH and HMAC', () => {
    const sealer = piiSealer(deriveSealKeys('test-key'));
    // Written by the sealer before this change: existing rows must still compare equal on re-import.
    expect(sealer.seal('张三\u001f13812345678', 'contact', 'o5OFWa2Zvc6okSvCWD_G2A')).toBe('g1.kD-pzOnr15BUGHQssPGDXFOTKCNmw_evmLkHr_79JsbTsqsDdRRala5y755BjQ');
    expect(sealer.seal('', 'contact', 'i7mQxAp9YcuXWXqUISUCWw')).toBe('g1.jMxaDHznX76zRo0c35M-_nLJ0UAeRgR1oYPbiw');
    expect(sealer.seal('Zhang San\u001f07305551234', 'contact', '5-DrYa6TpdnC9DzSBWo02Q')).toBe('g1.AIx8u3PWnXLXTp8HN25E19jzTkioaNaVaGl8AIPV9HWDwKZy_rC53cLt6YIl3-VIww');
    expect(sealer.seal(`${'欧阳娜娜'.repeat(7)}\u001f`, 'contact', 'x')).toBe(
      'g1.PtTD29ALuB6Mowg9S3Wc3vIZjOexBjy3P_2845j5qxrdBRzqWXij8whiVNuI5inhwE-v2eMa5Z9yBqsVN6-inIT8c0TaX3cy-9LRh1Ne6VKB6SuY4S3vBNOZTzjAY2mH5jf_5vBz3Fy2hWlecYZOFdY',
    );
  });

  it('is node:crypto HMAC and GCM byte for byte, one value or a batch of any size', () => {
    const keys = deriveSealKeys('a secret of forty characters, more or less');
    const sealer = piiSealer(keys);
    const item = fc.record({ value: fc.string({ unit: 'binary', maxLength: 90 }), person: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        const expected = items.map((i) => referenceSeal(keys, i.value, i.person));
        expect(sealer.sealMany(items, 'contact')).toEqual(expected);
        for (const [k, i] of items.entries()) {
          expect(sealer.seal(i.value, 'contact', i.person)).toBe(expected[k]);
          expect(sealer.open(expected[k]!, 'contact')).toBe(Buffer.from(i.value, 'utf8').toString('utf8'));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('key material for another thread', () => {
  it('makes the same hasher and sealer, from copies, and never shows in the objects', () => {
    const hasher = piiHasher('k-secret-9f');
    const sealer = piiSealer(deriveSealKeys('k-secret-9f'));
    const idKey = hasherKey(hasher)!;
    const sealKeys = sealKeysOf(sealer)!;
    expect(piiHasher(idKey).hashId('430602199001011234')).toBe(hasher.hashId('430602199001011234'));
    expect(piiSealer(sealKeys).seal('张三\u001f', 'contact', 'p')).toBe(sealer.seal('张三\u001f', 'contact', 'p'));
    // Copies: changing one changes nothing the hasher uses.
    idKey.fill(0);
    expect(hasherKey(hasher)).toEqual(new Uint8Array(Buffer.from('k-secret-9f')));
    // Not a property: a logged or serialized hasher or sealer carries no key.
    expect(JSON.stringify({ hasher, sealer })).not.toMatch(/k-secret|[0-9]{2,3},[0-9]{1,3},[0-9]{1,3}/);
    expect(Object.keys(hasher)).toEqual(['hashId']);
    expect(hasherKey({ hashId: (id) => id })).toBeUndefined();
  });
});
