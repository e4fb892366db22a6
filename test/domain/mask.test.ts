import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone, redact } from '../../src/domain/mask.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { createHmac } from 'node:crypto';

describe('masking', () => {
  it.each([
    ['430602199001011234', '430602********1234'],
    ['11010519491231002X', '110105********002X'],
  ])('ID %s', (id, masked) => expect(maskIdNumber(id)).toBe(masked));

  it.each([
    ['13812345678', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['０７３０８２２１２３４', '073****1234'],
    ['8221234', '***1234'],
    ['123', '***'],
  ])('phone %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));

  it.each([
    ['张三丰', '张*丰'],
    ['张三', '张*'],
    ['欧阳娜娜', '欧**娜'],
    ['王', '*'],
  ])('name %s', (name, masked) => expect(maskName(name)).toBe(masked));
});

describe('redact', () => {
  it.each([
    ['身份证 430602199001011234 已核对', '身份证 430602********1234 已核对'],
    ['id:11010519491231002x.', 'id:110105********002x.'],
    ['电话13812345678，备用 139-8765-4321', '电话138****5678，备用 139-****-4321'],
    ['全角４３０６０２１９９００１０１１２３４', '全角４３０６０２********１２３４'],
    ['{"msg":"bad 430602199001011234"}', '{"msg":"bad 430602********1234"}'],
    // not personal data: left alone
    ['ledger #12 amount 480000 fen', 'ledger #12 amount 480000 fen'],
    ['<@123456789012345678> joined', '<@123456789012345678> joined'],
    ['snowflake 123456789012345678', 'snowflake 123456789012345678'],
    ['2026-11-23T02:00:00.000Z', '2026-11-23T02:00:00.000Z'],
    ['already 430602********1234 and 138****5678', 'already 430602********1234 and 138****5678'],
    ['order 1234567890123456789012', 'order 1234567890123456789012'],
  ])('%s', (input, output) => expect(redact(input)).toBe(output));
});

describe('piiHasher', () => {
  it('is HMAC-SHA256 under the key, truncated to 128 bits, base64url', () => {
    for (const key of ['k', 'a'.repeat(64), 'b'.repeat(100), '密钥']) {
      const h = piiHasher(key);
      for (const id of ['430602199001011234', '11010519491231002X', '']) {
        const expected = createHmac('sha256', key).update(id).digest().subarray(0, 16).toString('base64url');
        expect(h.hashId(id)).toBe(expected);
      }
    }
    expect(piiHasher('k').hashId('430602199001011234')).toHaveLength(22);
    expect(piiHasher('k').hashId('x')).not.toBe(piiHasher('k2').hashId('x'));
  });

  // Hashes already stored in databases must keep matching: these were written
  // by the hand-written SHA-256 the hasher used before node:crypto.
  it.each([
    ['test-key', '430602199001011234', 'o5OFWa2Zvc6okSvCWD_G2A'],
    ['test-key', '11010519491231002X', '5-DrYa6TpdnC9DzSBWo02Q'],
    ['bench-key', '430602195001010007', 'oX7LR7MRpG6Dizx2S27YfQ'],
    ['k', '', 'i7mQxAp9YcuXWXqUISUCWw'],
    ['a'.repeat(64), '430602199001011234', 'mF5J7dCazW5gEbHhm9c0wA'],
    ['b'.repeat(100), '11010519491231002X', '1DDbOg7xU5-trKP-9zw2Pg'],
    ['密钥', '430602199001011234', 'Img3heFASQPiPIHjmRkS0A'],
    ['k', 'x'.repeat(56), 'vzXHYm9aJHJCtSp4OlJUXA'],
    ['k', '张三430602', 'aDpXDAamzEoIaCoutTblpA'],
  ])('keeps the hash stored before: key %#', (key, id, stored) => {
    expect(piiHasher(key).hashId(id)).toBe(stored);
  });

  it('matches createHmac for any key and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), fc.string({ maxLength: 70 }), fc.boolean(), (key, ascii, wide) => {
        const id = wide ? `${ascii}张` : ascii;
        const expected = createHmac('sha256', key).update(id).digest().subarray(0, 16).toString('base64url');
        expect(piiHasher(key).hashId(id)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
