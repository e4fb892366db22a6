/** Numbers read back the same from SQLite and PostgreSQL. */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { parsePgNumber } from '../../src/db/database.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { testDialect } from '../helpers/database.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('pg number parsing', () => {
  it('reads int8 and numeric text as numbers, and refuses to round an unsafe integer', () => {
    expect(parsePgNumber('42')).toBe(42);
    expect(parsePgNumber('-480000')).toBe(-480_000);
    expect(parsePgNumber('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsePgNumber('12.50')).toBe(12.5);
    expect(() => parsePgNumber('9007199254740993')).toThrow(/safe integer/);
  });
});

describe(`numbers from ${testDialect}`, () => {
  it('bigint columns, counts and sums come back as numbers', async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 甲镇 target 100');
    await app.say('admin', 'c', 'pay 3 1100.50 in 甲镇');
    await app.say('admin', 'c', 'pay 2 in 甲镇');
    const db = app.database.db;
    expect(app.database.dialect).toBe(testDialect);
    const agg = await db
      .selectFrom('ledger_entry')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('amount_fen').as('fen'), eb.fn.max('id').as('last')])
      .executeTakeFirstOrThrow();
    expect(agg).toEqual({ n: 2, fen: 190_050, last: expect.any(Number) });
    const total = await db.selectFrom('area_total').selectAll().where('area_id', '=', 2).executeTakeFirstOrThrow();
    expect(total).toMatchObject({ people: 5, amount_fen: 190_050, entries: 2 });
    const big = await sql<{ v: number }>`select ${Number.MAX_SAFE_INTEGER} as v`.execute(db);
    expect(Number(big.rows[0]!.v)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
