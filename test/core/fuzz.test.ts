/**
 * Bad input is normal input: thousands of malformed commands, from every role,
 * never crash the bot, never write, and each gets a refusal that says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { parseAmount } from '../../src/domain/money.ts';
import { normalize } from '../../src/core/tokens.ts';

const WORDS = ['pay', '缴费', '收缴', '登记', 'undo', 'void', '作废', 'target', 'township', 'bind', 'grant', 'campaign', 'in', '在'];

/** A malformed argument: wrong numbers, units, junk, huge values, empty, control characters. */
const junk = fc.oneof(
  fc.constantFrom('-3', '0', 'abc', '1.5', '1e9', '∞', 'NaN', '--', '¥', '万', '元', '0.0000001万', '99999999999999999', ',', '4,80', '#', '#x', '-0.48万', '１２．５人'),
  fc.string({ maxLength: 8 }).filter((s) => !/^\d+人?$/.test(s.trim())),
  fc.integer({ min: -1_000_000, max: 0 }).map(String),
  fc.integer({ min: 10_001, max: 2_000_000_000 }).map(String),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

const malformed = fc.oneof(
  // pay with a bad people count
  fc.tuple(fc.constantFrom('pay', '缴费', '收缴', '登记'), junk, fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 })).map(
    ([cmd, people, rest]) => [cmd, people, ...rest].join(' '),
  ),
  // pay with a good count and a bad amount or unknown township
  fc.tuple(fc.integer({ min: 1, max: 50 }), fc.oneof(junk.filter((j) => /^[-−¥\d.,]/.test(j.trim()) && !parseAmount(normalize(j)).ok), fc.constant('48OO'))).map(
    ([n, amount]) => `pay ${n} ${amount}`,
  ),
  fc.tuple(fc.integer({ min: 1, max: 50 }), fc.string({ minLength: 1, maxLength: 6 }).filter((s) => s.trim() !== '' && !/\s/.test(s) && s !== '甲镇')).map(
    ([n, t]) => `pay ${n} in ${t}x`,
  ),
  // admin commands with junk arguments
  fc.tuple(
    fc.constantFrom('void', 'target 甲镇', 'campaign start', 'campaign deadline', 'campaign premium', 'grant 某人', 'void #999999'),
    // a positive number is a valid target or premium, so it is not junk here
    junk.filter((j) => !/^\+?[1-9][\d,]*(\.\d+)?$/.test(j.normalize('NFKC').trim())),
  ).map(
    ([cmd, a]) => `${cmd} ${a}`,
  ),
  // unknown words and noise
  fc.string({ maxLength: 30 }).filter((s) => !WORDS.some((w) => s.trim().toLowerCase().startsWith(w)) && !/^(board|排行|进度|通报|progress|查询|help|帮助|\?|？)/i.test(s.trim().normalize('NFKC'))),
);

describe('fuzz: malformed commands', () => {
  let app: TestApp;
  let snapshot: string;

  const state = async () => {
    const db = app.database.db;
    const parts = await Promise.all(
      (['ledger_entry', 'area_total', 'area_day', 'audit_log', 'area', 'target', 'role_grant', 'channel_binding', 'campaign', 'member', 'identity'] as const).map(
        (t) => db.selectFrom(t).selectAll().execute(),
      ),
    );
    return JSON.stringify(parts);
  };

  beforeAll(async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 甲镇 target 100');
    await app.say('admin', 'c', 'grant coord coordinator 甲镇');
    await app.say('admin', 'c', 'pay 5 in 甲镇');
    snapshot = await state();
  });
  afterAll(() => app.close());

  it('1,200 malformed commands: no crash, no write, a refusal each', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(malformed, fc.constantFrom('admin', 'coord', 'stranger'), async (line, user) => {
        runs++;
        const reply = await app.say(user, 'c', line);
        expect(reply.status, `${user}: ${line} → ${reply.text}`).toBe('refused');
        expect(reply.text.length).toBeGreaterThan(0);
        expect(reply.text).not.toMatch(/undefined|\[object/);
      }),
      { numRuns: 1200, seed: 20261123 },
    );
    expect(runs).toBe(1200);
    expect(await state()).toBe(snapshot);
    expect(app.log.lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
