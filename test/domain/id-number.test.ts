import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { idCheckDigit, parseIdNumber } from '../../src/domain/id-number.ts';

/** A valid ID for a region, birth date and sequence. */
function makeId(region: string, birth: string, seq: string): string {
  const first17 = `${region}${birth}${seq}`;
  return first17 + idCheckDigit(first17);
}

describe('parseIdNumber (GB 11643)', () => {
  it.each([
    // well-known published example with check digit X
    ['11010519491231002X', { ok: true, id: '11010519491231002X' }],
    ['11010519491231002x', { ok: true, id: '11010519491231002X' }],
    ['１１０１０５１９４９１２３１００２Ｘ', { ok: true, id: '11010519491231002X' }],
    [' 110105 19491231 002X ', { ok: true, id: '11010519491231002X' }],
    ['440524188001010014', { ok: false, problem: 'birth_date' }],
    ['110105194912310021', { ok: false, problem: 'check_digit' }],
    ['1.10105E+17', { ok: false, problem: 'number_format' }],
    ['110105194912310000.0', { ok: false, problem: 'number_format' }],
    ['', { ok: false, problem: 'empty' }],
    ['11010519491231002', { ok: false, problem: 'format' }],
    ['1101051949123100211', { ok: false, problem: 'format' }],
    ['01010519491231002X', { ok: false, problem: 'format' }],
    ['1101051949123100A2', { ok: false, problem: 'format' }],
    [makeId('430602', '19900230', '123'), { ok: false, problem: 'birth_date' }],
    [makeId('430602', '19901301', '123'), { ok: false, problem: 'birth_date' }],
    [makeId('430602', '20000229', '123'), { ok: true, id: makeId('430602', '20000229', '123') }],
    [makeId('430602', '19000229', '123'), { ok: false, problem: 'birth_date' }],
  ])('%s', (input, expected) => {
    expect(parseIdNumber(input)).toEqual(expected);
  });

  it('refuses a birth date after today', () => {
    const id = makeId('430602', '20261124', '001');
    expect(parseIdNumber(id, '2026-11-23')).toEqual({ ok: false, problem: 'birth_date' });
    expect(parseIdNumber(id, '2026-11-24')).toEqual({ ok: true, id });
  });

  it('accepts every generated valid ID and refuses every other last character', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 110000, max: 829999 }),
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom(...'0123456789X'),
        (region, birth, seq, other) => {
          const id = makeId(String(region), birth.toISOString().slice(0, 10).replace(/-/g, ''), String(seq).padStart(3, '0'));
          expect(parseIdNumber(id)).toEqual({ ok: true, id });
          const wrong = id.slice(0, 17) + other;
          if (other !== id[17]) expect(parseIdNumber(wrong)).toEqual({ ok: false, problem: 'check_digit' });
        },
      ),
    );
  });
});
