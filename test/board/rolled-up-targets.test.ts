/**
 * A board's rolled-up targets: an area without a target of its own counts
 * its children's, down through areas without one, in one query; a changed
 * target shows at the next board (the kept sums follow the setup version).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { getCurrentCampaign } from '../../src/store/campaigns.ts';
import { getRootArea, areasByName } from '../../src/store/areas.ts';
import { effectiveTargetsOf } from '../../src/store/targets.ts';

let app: TestApp;
afterEach(async () => app?.close());

/** A city: two districts without targets; 东区's townships one with a target and one counting its villages. */
async function city(): Promise<TestApp> {
  const a = await openTestApp({ env: { ENROLLBOT_AREA: '某市', ENROLLBOT_AREA_KIND: 'city' } });
  for (const line of [
    'township add 东区',
    'township add 西区',
    'township add 甲镇 target 1000 under 东区',
    'township add 乙镇 under 东区',
    'township add 一村 target 300 under 乙镇',
    'township add 二村 target 200 under 乙镇',
    'township add 丙镇 under 西区',
    'bind leaders',
  ]) {
    const r = await a.say('admin', 'leaders', line);
    expect(r.status, `${line}: ${r.text}`).toBe('ok');
  }
  return a;
}

const lineOf = (table: string[][] | undefined, name: string) => table?.find((row) => row[1] === name);

describe('rolled-up targets', () => {
  it('sum down through areas without a target, stopping at the first target on each branch', async () => {
    app = await city();
    const db = app.database.db;
    const campaign = await getCurrentCampaign(db);
    const [east] = await areasByName(db, '东区');
    const [west] = await areasByName(db, '西区');
    const [yi] = await areasByName(db, '乙镇');
    const [jia] = await areasByName(db, '甲镇');
    const found = await effectiveTargetsOf(db, campaign.id, [east!, west!, yi!, jia!]);
    expect(Object.fromEntries([...found].map(([id, n]) => [id, n]))).toEqual({ [east!.id]: 1500, [west!.id]: 0, [yi!.id]: 500, [jia!.id]: 1000 });
    // The root has none of its own either: everything under it.
    expect((await effectiveTargetsOf(db, campaign.id, [await getRootArea(db)])).get((await getRootArea(db)).id)).toBe(1500);
  });

  it('the city board shows each district its townships’ and villages’ targets, and a changed village target at the next board', async () => {
    app = await city();
    const first = await app.say('admin', 'leaders', 'board');
    expect(lineOf(first.table?.rows, '东区')?.[2]).toBe('0/1,500');
    expect(await app.say('admin', 'leaders', 'target 一村 800')).toMatchObject({ status: 'ok' });
    const second = await app.say('admin', 'leaders', 'board');
    expect(lineOf(second.table?.rows, '东区')?.[2]).toBe('0/2,000');
    expect(await app.say('admin', 'leaders', 'township add 三村 target 50 under 乙镇')).toMatchObject({ status: 'ok' });
    const third = await app.say('admin', 'leaders', 'board');
    expect(lineOf(third.table?.rows, '东区')?.[2]).toBe('0/2,050');
  });
});
