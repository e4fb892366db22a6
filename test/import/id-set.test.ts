import { describe, expect, it } from 'vitest';
import { IdNumberSet } from '../../src/import/id-set.ts';
import { testId } from '../helpers/lapse-files.ts';

describe('IdNumberSet', () => {
  it('finds repeats exactly, across growth', () => {
    const set = new IdNumberSet();
    const ids = Array.from({ length: 200_000 }, (_, i) => testId(i % 1000, `19${String(50 + Math.floor(i / 1000) % 50)}0${1 + (Math.floor(i / 50_000) % 9)}15`));
    expect(new Set(ids).size).toBe(200_000);
    expect(ids.filter((id) => !set.add(id))).toEqual([]);
    expect(set.size).toBe(200_000);
    const again = ids.filter((_, i) => i % 997 === 0);
    expect(again.filter((id) => set.add(id))).toEqual([]);
    expect(set.add(testId(1, '20000101'))).toBe(true);
    expect(set.add(testId(1, '20000101'))).toBe(false);
    expect(set.size).toBe(200_001);
  });

  it('refuses text that is not a checked ID rather than keep a wrong key', () => {
    const set = new IdNumberSet();
    expect(() => set.add('012345678901234567')).toThrow('not a checked ID');
    expect(() => set.add('43060219850315001')).toThrow('not a checked ID');
    expect(() => set.add('4306021985031500XX')).toThrow('not a checked ID');
  });
});
