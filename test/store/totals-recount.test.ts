/**
 * The maintained totals (area_total, area_day) equal a full recount of the
 * ledger after a random mix of payments, undos and voids over several days,
 * logged through the real pipeline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { maintainedTotals, recountTotals } from '../helpers/totals.ts';
import { prng } from '../../src/domain/prng.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('maintained totals', () => {
  it('match a full recount of the ledger after random pays, undos and voids', async () => {
    app = await openTestApp({ now: new Date('2026-11-20T02:00:00Z') });
    const places = ['东镇', '西镇', '南镇'];
    for (const p of places) {
      expect((await app.say('admin', 'console', `township add ${p} target 1000`)).status).toBe('ok');
      for (const v of ['一村', '二村']) expect((await app.say('admin', 'console', `township add ${p}${v} under ${p}`)).status).toBe('ok');
    }
    const targets = places.flatMap((p) => [p, `${p}一村`, `${p}二村`]);
    const rand = prng(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    let ok = 0;
    for (let i = 0; i < 160; i++) {
      if (i % 40 === 39) app.setNow(new Date(Date.parse('2026-11-20T02:00:00Z') + ((i + 1) / 40) * 86_400_000));
      const r = rand();
      let line: string;
      if (r < 0.7) {
        const people = 1 + Math.floor(rand() * 30);
        // Between the floor (40 元) and the premium (400 元) a person, or left out.
        line = `pay ${people} ${rand() < 0.5 ? '' : `${people * 40 + Math.floor(rand() * people * 360)}元`} in ${pick(targets)}`;
      }
      else if (r < 0.85) line = 'undo';
      else line = `void #${1 + Math.floor(rand() * (i + 1))} 测试作废`;
      if ((await app.say('admin', 'console', line)).status === 'ok') ok++;
    }
    expect(ok).toBeGreaterThan(120);

    const db = app.database.db;
    expect((await db.selectFrom('ledger_entry').select('people').where('people', '<', 0).execute()).length).toBeGreaterThan(0); // reversals happened
    const recount = await recountTotals(db);
    expect(await maintainedTotals(db)).toEqual(recount);
    expect(recount.day.size).toBeGreaterThan(10); // several areas over several days
  });
});
