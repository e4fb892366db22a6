/**
 * Only a write that changes the setup drops the cached setup of every
 * process: the setup service says so itself. Payments, reversals and lapse
 * follow-ups leave it alone, so a busy evening of logging and `lapse done`
 * never empties every replica's cache.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { importOneContributor } from '../helpers/lapse-files.ts';
import { getSetting } from '../../src/store/settings.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
let app: TestApp;
afterEach(async () => app?.close());

const version = () => getSetting(app.database.db, 'setup_version');

async function changes(user: string, channel: string, text: string): Promise<boolean> {
  const before = await version();
  const r = await app.say(user, channel, text);
  expect(r.status, `${text}: ${r.text}`).toBe('ok');
  return (await version()) !== before;
}

describe('setup changes', () => {
  it('are marked by setup writes and by nothing else', async () => {
    app = await openTestApp({ now: NOW });
    expect(await changes('admin', 'x', 'township add 甲镇 target 10')).toBe(true);
    expect(await changes('admin', 'x', 'grant u coordinator 甲镇')).toBe(true);
    expect(await changes('admin', 'ch', 'bind 甲镇')).toBe(true);
    expect(await changes('admin', 'x', 'target 甲镇 20')).toBe(true);
    expect(await changes('admin', 'x', 'campaign deadline 2026-12-30')).toBe(true);

    expect(await changes('u', 'ch', 'pay 3')).toBe(false);
    expect(await changes('u', 'ch', 'undo')).toBe(false);
    expect(await changes('u', 'ch', 'pay 2')).toBe(false);
    expect(await changes('admin', 'x', 'void #3 logged twice')).toBe(false);

    await importOneContributor(app, { township: '甲镇', lastPaid: '2026-09', now: NOW, through: '2026-10' });
    expect(await changes('admin', 'x', 'lapse scan 2026-10')).toBe(false);
    expect(await changes('u', 'ch', 'lapse done L1 承诺')).toBe(false);

    expect(await changes('admin', 'ch', 'unbind')).toBe(true);
  });

  it('a refused setup write changes nothing', async () => {
    app = await openTestApp({ now: NOW });
    const before = await version();
    const r = await app.say('admin', 'x', 'grant u coordinator 无此镇');
    expect(r.status).toBe('refused');
    expect(await version()).toBe(before);
  });
});
