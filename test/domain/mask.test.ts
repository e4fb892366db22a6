import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone, redact, redactFields } from '../../src/domain/mask.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';
import { idCheckDigit } from '../../src/domain/id-number.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { createCipheriv, createHmac } from 'node:crypto';

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
    // A bare run of bank-card length is masked (a snowflake is safe only inside its mention).
    ['snowflake 123456789012345678', 'snowflake **************5678'],
    ['<#1179849254474027100> <@!123456789012345678> <@&123456789012345678>', '<#1179849254474027100> <@!123456789012345678> <@&123456789012345678>'],
    // every spelling of the notes
    ['pay 1 400 张三 身份证430602199001011235 电话13812345678', 'pay 1 400 张三 身份证430602********1235 电话138****5678'],
    ['void #1 错了 ID430602198512124560 tel+8613912345678', 'void #1 错了 ID430602********4560 tel+86139****5678'],
    ['0086 13912345678, 86-13912345678, (+86)139 1234 5678, 手机1391 234 5678', '0086 139****5678, 86-139****5678, (+86)139 **** 5678, 手机139* *** 5678'],
    ['430602 19900101 1235 / 430602-1990-0101-1235 / 430602.19900101.1235', '430602 ******** 1235 / 430602-****-****-1235 / 430602.********.1235'],
    ['旧证430602900101123', '旧证430602******123'],
    ['卡 6222 0212 3456 7890 123 卡2 6222021234567890', '卡 **** **** **** ***0 123 卡2 ************7890'],
    ['座机 0731-88881234 北京 010 62345678', '座机 0731-****1234 北京 010 ****5678'],
    ['１３８１２３４５６７８', '１３８****５６７８'],
    ['2026-09-01 2026-12-31 at 1700000000.123456', '2026-09-01 2026-12-31 at 1700000000.123456'],
    ['pay 12 4800 in 城南街道', 'pay 12 4800 in 城南街道'],
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

const FULL = (d: string) => String.fromCharCode(d.charCodeAt(0) + 0xfee0);
/** A valid 18-digit ID from parts. */
function makeId(region: number, y: number, m: number, d: number, seq: number): string {
  const first17 = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}
/** Writes `digits` as a person might: some full-width, separators between some, a label before. */
const spelled = (digits: string) =>
  fc
    .record({
      full: fc.array(fc.boolean(), { minLength: digits.length, maxLength: digits.length }),
      seps: fc.array(fc.constantFrom('', '', '', ' ', '-', '.', '－', '  '), { minLength: digits.length, maxLength: digits.length }),
      label: fc.constantFrom('', 'ID', 'id:', '身份证', '身份证号：', 'tel', '电话', '手机', '号码 ', '备注'),
      grouped: fc.boolean(),
    })
    .map(({ full, seps, label, grouped }) => {
      let out = label;
      [...digits].forEach((ch, i) => {
        // Separators only between the groups people use: ID 6-8-4 or 6-4-4-4; phone 3-4-4.
        const cut = digits.length === 18 ? [6, 10, 14].includes(i) : digits.length === 11 ? [3, 7].includes(i) : false;
        if (i > 0 && cut && grouped) out += seps[i]!;
        out += full[i] && /\d/.test(ch) ? FULL(ch) : ch;
      });
      return out;
    });
const plain = (s: string) => s.normalize('NFKC').replace(/[^0-9Xx]/g, '');
const filler = fc.string({ unit: fc.constantFrom('张', '三', ' ', '，', 'a', 'b', '元', '人', '#', '@', '(', ')') , maxLength: 8 });

describe('redact: every spelling (property)', () => {
  const id = fc
    .record({ region: fc.integer({ min: 110000, max: 659999 }), y: fc.integer({ min: 1900, max: 2025 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), seq: fc.integer({ min: 0, max: 999 }) })
    .map((p) => makeId(p.region, p.y, p.m, p.d, p.seq));
  const mobile = fc.tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.integer({ min: 0, max: 999_999_999 })).map(([p, n]) => p + String(n).padStart(9, '0'));

  it('leaves no ID readable: its birth date and sequence are gone, region and last four kept', () => {
    fc.assert(
      fc.property(id, filler, filler, (n, before, after) =>
        fc.assert(
          fc.property(spelled(n), (written) => {
            const out = redact(`${before}${written}${after}`);
            expect(plain(out)).not.toContain(n.slice(6, 14));
            expect(out.match(/\*/g)).toHaveLength(8);
            expect(redact(out)).toBe(out);
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 60 },
    );
  });

  it('leaves no mobile readable, with or without a country code', () => {
    fc.assert(
      fc.property(mobile, fc.constantFrom('', '+86', '+86 ', '0086', '86-', '(+86)', '８６'), filler, (n, cc, after) =>
        fc.assert(
          fc.property(spelled(n), (written) => {
            const out = redact(`${cc}${written}${after}`);
            expect(plain(out)).not.toContain(n);
            expect(plain(out)).not.toContain(n.slice(3, 7) + n.slice(7));
            expect(redact(out)).toBe(out);
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 60 },
    );
  });

  it('masks bank-card-length runs but keeps mentions, channel ids in mentions and ledger references', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 19 }), fc.bigInt({ min: 10n ** 18n, max: 10n ** 19n - 1n }), fc.integer({ min: 1, max: 99_999 }), (len, big, ref) => {
        const digits = String(big).slice(0, len);
        // An 18-digit run whose middle reads as a birth date is masked as an ID
        // (region and last four kept); any other run keeps its last four only.
        expect([digits.slice(-4), digits.slice(0, 6) + digits.slice(-4)]).toContain(plain(redact(`卡号${digits}`)));
        const kept = `<@${big}> <#${big}> <@!${big}> #${ref} L${ref}`;
        expect(redact(kept)).toBe(kept);
      }),
    );
  });

  it('changes nothing in text without such numbers', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('1', '2', '0', ' ', '-', ':', '.', '张', 'a', '%', ',', '/'), maxLength: 40 }), (text) => {
      // Runs of at most nine digits, as amounts, dates and times are.
      fc.pre(!/\d{10}/.test(text.replace(/[ .\-]/g, '')));
      expect(redact(text)).toBe(text);
    }));
  });
});

describe('redactFields', () => {
  it('masks strings anywhere in structured data, keeps a platform id under its key, turns errors into plain fields', () => {
    const out = redactFields({ channel: '1179849254474027100', note: '卡1179849254474027100', nested: [{ phone: '13812345678' }], err: new Error('bad 430602199001011235') });
    expect(out).toEqual({
      channel: '1179849254474027100',
      note: '卡***************7100',
      nested: [{ phone: '138****5678' }],
      err: expect.objectContaining({ type: 'Error', message: 'bad 430602********1235' }) as unknown,
    });
  });
});

describe('sealing roster names and phones (AES-256-GCM)', () => {
  const keys = deriveSealKeys('k'.repeat(40));
  const sealer = piiSealer(keys);

  it('agrees byte for byte with node:crypto GCM, opens back, and seals alike only the same value of the same person', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ minLength: 1, maxLength: 22 }), (value, person) => {
        const sealed = sealer.seal(value, 'contact', person);
        expect(sealed.startsWith('g1.')).toBe(true);
        const raw = Buffer.from(sealed.slice(3), 'base64url');
        const c = createCipheriv('aes-256-gcm', Buffer.from(keys.enc), raw.subarray(0, 12));
        c.setAAD(Buffer.from('contact'));
        expect(Buffer.concat([raw.subarray(0, 12), c.update(value, 'utf8'), c.final(), c.getAuthTag()]).equals(raw)).toBe(true);
        expect(sealer.open(sealed, 'contact')).toBe(value);
        expect(sealer.seal(value, 'contact', person)).toBe(sealed);
        expect(sealer.seal(value, 'contact', `${person}x`)).not.toBe(sealed);
        expect(sealer.seal(`${value}x`, 'contact', person).slice(0, 19)).not.toBe(sealed.slice(0, 19));
      }),
    );
    const many = sealer.sealMany([{ value: '张三\u001f13812345678', person: 'a' }, { value: '', person: 'b' }, { value: '欧阳娜娜'.repeat(7), person: 'c' }], 'contact');
    expect(many.map((m) => sealer.open(m, 'contact'))).toEqual(['张三\u001f13812345678', '', '欧阳娜娜'.repeat(7)]);
  });

  it('refuses a changed value and another key', () => {
    const sealed = sealer.seal('张三\u001f13812345678', 'contact', 'p');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[14]! ^= 1;
    expect(() => sealer.open(`g1.${raw.toString('base64url')}`, 'contact')).toThrow();
    expect(() => piiSealer(deriveSealKeys('other'.repeat(8))).open(sealed, 'contact')).toThrow();
    expect(sealed).not.toContain('138');
  });
});
