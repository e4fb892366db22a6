/** Refusals carry a code that platforms and tests switch on, whatever the wording or language. */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';

let app: TestApp;
afterEach(async () => app?.close());

describe('refusal codes', () => {
  it('name why a command was refused', async () => {
    app = await openTestApp();
    await app.say('admin', 'x', 'township add 甲镇 target 10');
    await app.say('admin', 'x', 'grant u coordinator 甲镇');
    const code = async (user: string, text: string) => (await app.say(user, 'ch', text)).code;

    expect(await code('u', 'pay')).toBe('invalid_input'); // people missing
    expect(await code('u', 'frobnicate')).toBe('invalid_input');
    expect(await code('nobody', 'pay 1 in 甲镇')).toBe('not_permitted');
    expect(await code('u', 'grant v coordinator 甲镇')).toBe('not_permitted');
    expect(await code('u', 'pay 1 in 乙镇')).toBe('not_found');
    expect(await code('u', 'pay 50 in 甲镇')).toBe('over_limit'); // past twice the target
    expect(await code('admin', 'township add 甲镇')).toBe('conflict');
    expect(await code('admin', 'board post')).toBe('wrong_place'); // no leaders' channel
    expect(await code('u', 'undo #999')).toBe('not_found');

    const ok = await app.say('u', 'ch', 'pay 1 in 甲镇');
    expect(ok.status).toBe('ok');
    expect(ok.code).toBeUndefined();
    // PostgreSQL's sequences skip the ids of refused entries: read the id from the reply.
    const ref = /#\d+/.exec(ok.text)![0];
    expect((await app.say('u', 'ch', `undo ${ref}`)).status).toBe('ok');
    expect(await code('u', `undo ${ref}`)).toBe('conflict');
  });

  it('are the same in English', async () => {
    app = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    const r = await app.say('nobody', 'ch', 'pay 1');
    expect(r.code).toBe('not_permitted');
  });
});
