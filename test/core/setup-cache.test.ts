/** Cached roles and bindings never outlive a change: at once in-process, within a quarter second elsewhere. */
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';

const apps: TestApp[] = [];
let dir: string;
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('setup cache', () => {
  it('sees a grant and a binding made by this process at once', async () => {
    dir = await makeDir();
    const app = await openTestApp({ dir });
    apps.push(app);
    await app.say('admin', 'x', 'township add 甲镇 target 10');
    expect((await app.say('u', 'ch', 'pay 1')).status).toBe('refused');
    await app.say('admin', 'x', 'grant u coordinator 甲镇');
    expect((await app.say('u', 'ch', 'pay 1')).text).toContain('已登记');
    expect((await app.say('u', 'ch', 'board')).title).toContain('本区');
    await app.say('admin', 'ch', 'bind 甲镇');
    expect((await app.say('u', 'ch', 'progress')).text).toContain('甲镇：已缴 1/10人');
  });

  it('sees a grant made by another process on the same database', async () => {
    dir = await makeDir();
    const a = await openTestApp({ dir });
    const b = await openTestApp({ dir });
    apps.push(a, b);
    await a.say('admin', 'x', 'township add 甲镇 target 10');
    expect((await b.say('u', 'ch', 'pay 1 in 甲镇')).status).toBe('refused');
    await a.say('admin', 'x', 'grant u coordinator 甲镇');
    await new Promise((r) => setTimeout(r, 300));
    expect((await b.say('u', 'ch', 'pay 1 in 甲镇')).text).toContain('已登记');
  });
});
