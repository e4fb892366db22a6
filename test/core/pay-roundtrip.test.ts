/**
 * Every accepted `pay` line records exactly what it means, and every line
 * that cannot be read for certain is refused and writes nothing: properties
 * over generated lines in Chinese and English, with every spelling of
 * amounts, counts, townships (by name and by path), notes (plain and quoted)
 * and `in` anywhere, through the console's dispatcher on a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { amountSpellings, payLines, toChinese, type Meant } from '../helpers/pay-lines.ts';
import { parseAmount } from '../../src/domain/money.ts';
import { readChineseInteger } from '../../src/domain/chinese-numerals.ts';
import { normalize } from '../../src/core/tokens.ts';
import { formatYuanNumber } from '../../src/domain/money.ts';

const PREMIUM = 40_000;
const FLOOR = 4_000;

describe('amount spellings', () => {
  it('every spelling of an amount reads back as exactly that amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), (fen) => {
        for (const s of amountSpellings(fen)) expect(parseAmount(normalize(s)), s).toEqual({ ok: true, fen });
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('Chinese numerals round-trip for every whole number below 10^8, ordinary and financial', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (n) => {
        expect(readChineseInteger(toChinese(n))).toEqual({ ok: true, value: BigInt(n) });
        expect(readChineseInteger(toChinese(n, true))).toEqual({ ok: true, value: BigInt(n) });
      }),
      { numRuns: 5000, seed: 12 },
    );
  });
});

describe('pay lines round-trip through the dispatcher', () => {
  let app: TestApp;
  const areaIds = new Map<string, number>();

  const tables = ['ledger_entry', 'area_total', 'area_day', 'audit_log', 'inbound_message'] as const;
  const counts = async () =>
    Promise.all(tables.map(async (t) => Number((await app.database.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));

  beforeAll(async () => {
    app = await openTestApp();
    for (const line of [
      'township add 城南街道 target 1000000',
      'township add 城北街道 target 1000000',
      'township add 青山镇 target 1000000',
      'township add 和平村 under 城南街道 target 500000',
      'township add 和平村 under 城北街道 target 500000',
      'grant 王芳 coordinator 城南街道',
      'campaign start 2026-09-01',
    ]) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    expect((await app.say('admin', 'south', 'bind 城南街道')).status).toBe('ok');
    const areas = await app.database.db.selectFrom('area').selectAll().execute();
    const name = (id: number | null) => areas.find((a) => a.id === id)?.name;
    for (const a of areas) {
      areaIds.set(a.name, a.id);
      if (a.kind === 'village') areaIds.set(`${name(a.parent_id)}/${a.name}`, a.id);
    }
  });
  afterAll(() => app.close());

  const latest = () => app.database.db.selectFrom('ledger_entry').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

  async function expectRecorded(user: string, line: string, meant: Meant) {
    const reply = await app.say(user, 'south', line);
    expect(reply.status, `${line} → ${reply.text}`).toBe('ok');
    const e = await latest();
    const amount = meant.amountFen ?? meant.people * PREMIUM;
    expect({ people: Number(e.people), amount: Number(e.amount_fen), area: e.area_id, note: e.note }, line).toEqual({
      people: meant.people,
      amount,
      area: areaIds.get(meant.township ?? '城南街道'),
      note: meant.note ?? null,
    });
    // The confirmation repeats what was recorded.
    expect(reply.text).toContain(`#${e.id}：`);
    expect(reply.text).toContain(`${meant.people}人，${formatYuanNumber(amount)}元${meant.amountFen === undefined ? '（按标准保费计）' : ''}`);
    if (meant.note) expect(reply.text).toContain(`备注“${meant.note}”`);
  }

  it('an admin: whatever township, spelling and order, the entry is what the line means', async () => {
    const lines = payLines({ townships: ['城南街道', '城北街道', '青山镇', '城南街道/和平村', '城北街道/和平村'], floorFen: FLOOR, premiumFen: PREMIUM });
    await fc.assert(
      fc.asyncProperty(lines, async ({ line, meant }) => expectRecorded('admin', line, meant)),
      { numRuns: 400, seed: 20261201 },
    );
  });

  it("a coordinator: their own township by default, by name, or a village by path", async () => {
    const lines = payLines({ townships: ['城南街道', '城南街道/和平村'], floorFen: FLOOR, premiumFen: PREMIUM });
    await fc.assert(
      fc.asyncProperty(lines, async ({ line, meant }) => expectRecorded('王芳', line, meant)),
      { numRuns: 150, seed: 7 },
    );
  });

  /** Lines one slip away from an accepted one: each must be refused and write nothing. */
  const slips = fc
    .tuple(
      fc.integer({ min: 1, max: 300 }),
      fc.constantFrom(
        (n: number) => `pay ${n} 现金`,
        (n: number) => `pay ${n} $${n * 400}`,
        (n: number) => `pay ${n} USD${n * 400}`,
        (n: number) => `pay ${n} ¥-1`,
        (n: number) => `pay ${n} ∞`,
        (n: number) => `pay ${n} 四千八`,
        (n: number) => `pay ${n} 一万八`,
        (n: number) => `pay ${n} 4 800`,
        (n: number) => `pay ${n} ${n * 400} 300`,
        (n: number) => `pay ${n} ${n * 400} 3月补缴`,
        (n: number) => `pay ${n} ${n * 400} 元`,
        (n: number) => `pay ${n} 0`,
        (n: number) => `pay ${n} 0.01`,
        (n: number) => `pay ${n} ${n * 40 - 1}`,
        (n: number) => `pay ${n} ${(n * 4) / 100}`, // 万 forgotten
        (n: number) => `pay ${n} ${n * 400 + 1}`,
        (n: number) => `pay ${n} ${n}万`,
        () => `pay 0 4800`,
        () => `pay -3 4800`,
        () => `pay ⑫ 4800`,
        () => `pay 1² 4800`,
        () => `pay ١٢ 4800`,
        (n: number) => `缴费 ${n} 城北街道`,
        (n: number) => `缴费 ${n} ${n * 400} 城北街道`,
        (n: number) => `缴费 ${n} ${n * 400} 城北街道转来`,
        (n: number) => `pay ${n} ${n * 400} 现金 in 城北街道 in 青山镇`,
        (n: number) => `pay ${n} in 城北街道 ${n * 400} 在 青山镇`,
        (n: number) => `pay ${n} in 城西街道/和平村`,
        (n: number) => `pay ${n} ${n * 400} ${'长'.repeat(201)}`,
        (n: number) => `缴费${n}人四千八`,
        (n: number) => `pay ${n} “现金`,
      ),
      fc.constantFrom('admin', '王芳'),
    )
    .map(([n, make, user]) => ({ line: make(n), user }));

  it('a line one slip away from an accepted one is refused, says why, and writes nothing', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(slips, async ({ line, user }) => {
        const reply = await app.say(user, 'south', line);
        expect(reply.status, `${user}: ${line} → ${reply.text}`).toBe('refused');
        expect(reply.text).not.toMatch(/undefined|\[object|NaN/);
      }),
      { numRuns: 400, seed: 99 },
    );
    expect(await counts()).toEqual(before);
  });

  it('names what was wrong and how to write it', async () => {
    const says = async (line: string) => (await app.say('admin', 'south', line)).text;
    expect(await says('pay 12 4 800')).toContain('金额请连写');
    expect(await says('pay 12 $4800')).toContain('不是人民币金额');
    expect(await says('缴费 12 城北街道')).toContain('请写 in 城北街道');
    expect(await says('缴费 12 4800 城北街道')).toContain('请写 in 城北街道');
    expect(await says('pay 12 现金')).toContain('备注加引号');
    expect(await says('pay 12 0.48')).toContain('请写 0.48万');
    expect(await says('pay 12 4800 in 城北街道 in 青山镇')).toContain('“in”只能写一次');
    // In 城南街道's channel its own 和平村 is meant; elsewhere the reply shows the spellings that work.
    expect((await app.say('admin', 'console', 'pay 12 in 和平村')).text).toContain('城南街道/和平村、城北街道/和平村');
    expect(await says('pay 12 四千八')).toContain('四千八百元');
  });
});
