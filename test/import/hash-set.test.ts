import { describe, expect, it } from 'vitest';
import { HashSet128 } from '../../src/import/hash-set.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';

describe('HashSet128', () => {
  it('finds repeats exactly, across growth', () => {
    const h = piiHasher('k');
    const set = new HashSet128();
    for (let i = 0; i < 200_000; i++) expect(set.add(h.hashId(String(i)))).toBe(true);
    expect(set.size).toBe(200_000);
    for (let i = 0; i < 200_000; i += 997) expect(set.add(h.hashId(String(i)))).toBe(false);
    expect(set.add(h.hashId('new'))).toBe(true);
    expect(set.add('AAAAAAAAAAAAAAAAAAAAAA')).toBe(true);
    expect(set.add('AAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
  });
});
