/**
 * A board reads a unit's people of the day from the row of its total (its
 * newest business day and that day's people), one row a unit. Business days
 * do not always arrive in order: the campaign's time zone can move west, or
 * a replica's clock runs behind another's just past midnight. Whatever the
 * order, the day a board asks for must show exactly the people logged on
 * that day, on both databases and through every write path (a lone pay, a
 * burst that shares its statements, the demo's bulk seed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { maintainedTotals, recountTotals } from '../helpers/totals.ts';
import { figuresUnder } from '../../src/store/board-figures.ts';
import { getCurrentCampaign } from '../../src/store/campaigns.ts';
import { getRootArea } from '../../src/store/areas.ts';
import { prng } from '../../src/domain/prng.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** 10:00 in Shanghai on 2026-11-`day` (the campaign's zone): that business day. */
const at = (day: number) => new Date(`2026-11-${String(day).padStart(2, '0')}T02:00:00Z`);
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'];

/** Every area's people of every day, as the board reads them, against the ledger's own sums. */
async function expectEveryDayAsLogged(a: TestApp) {
  const db = a.database.db;
  const campaign = await getCurrentCampaign(db);
  const recount = await recountTotals(db);
  expect(await maintainedTotals(db)).toEqual(recount);
  const parents = [await getRootArea(db), ...(await db.selectFrom('area').selectAll().where('kind', '=', 'township').execute())];
  let shown = 0;
  for (const date of DAYS) {
    for (const parent of parents) {
      const { self, children } = await figuresUnder(db, { campaignId: campaign.id, areaId: parent.id, businessDate: date });
      for (const row of [self, ...children]) {
        const want = recount.day.get(`${campaign.id}:${row.areaId}:${date}`)?.people ?? 0;
        expect(row.today, `area ${row.areaId} on ${date}`).toBe(want);
        if (want !== 0) shown++;
      }
    }
  }
  return shown;
}

describe('the people of a day on a board', () => {
  it('are the day\'s own whatever order the days arrive in, for lone pays and bursts', async () => {
    app = await openTestApp({ now: at(21) });
    for (const t of ['东镇', '西镇']) {
      expect((await app.say('admin', 'setup', `township add ${t} target 1000`)).status).toBe('ok');
      expect((await app.say('admin', 'setup', `township add ${t}一村 under ${t} target 500`)).status).toBe('ok');
    }
    const places = ['东镇', '西镇', '东镇一村', '西镇一村'];
    const rand = prng(23);
    let n = 0;
    const pay = (day: number) => {
      app!.setNow(at(day));
      const people = 1 + Math.floor(rand() * 9);
      return app!.say('admin', 'console', `pay ${people} in ${places[Math.floor(rand() * places.length)]}`, `p${n++}`);
    };
    // Lone pays: a day, the next, then the day before (a zone moved west), then two days on.
    for (const day of [21, 22, 20, 22, 23, 21, 20, 23]) expect((await pay(day)).status).toBe('ok');
    // Bursts: pays started together, on days out of order within the burst.
    for (let burst = 0; burst < 6; burst++) {
      const days = Array.from({ length: 8 }, () => 20 + Math.floor(rand() * 4));
      const replies = await Promise.all(days.map((day) => pay(day)));
      for (const r of replies) expect(r.status, r.text).toBe('ok');
    }
    // An undo goes on the day it is said: the 20th, after the 23rd has pays.
    app.setNow(at(20));
    expect((await app.say('admin', 'console', 'undo', 'u1')).status).toBe('ok');
    const db = app.database.db;
    const dates = new Set((await db.selectFrom('ledger_entry').select('business_date').execute()).map((e) => e.business_date));
    expect([...dates].sort()).toEqual(DAYS);
    expect(await expectEveryDayAsLogged(app)).toBeGreaterThan(12);
  });

  it('are the day\'s own after the demo district is seeded in bulk', async () => {
    app = await openTestApp({ demo: true });
    expect(await expectEveryDayAsLogged(app)).toBeGreaterThan(0);
  });
});
