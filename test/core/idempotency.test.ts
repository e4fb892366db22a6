/** A platform retry or a replayed message records nothing twice. */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';

let app: TestApp;
afterEach(() => app?.close());

async function ledgerRows(a: TestApp) {
  return a.database.db.selectFrom('ledger_entry').selectAll().execute();
}

describe('idempotency on the platform message id', () => {
  it('the same message id twice gives one entry and the same answer', async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 甲镇 target 100');
    const first = await app.say('admin', 'c', 'pay 12 4800 in 甲镇', 'Ev-1');
    const again = await app.say('admin', 'c', 'pay 12 4800 in 甲镇', 'Ev-1');
    expect(first.text).toContain('已登记 #1');
    expect(again.text).toBe(first.text);
    expect(again.duplicate).toBe(true);
    expect(await ledgerRows(app)).toHaveLength(1);
    const audit = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'ledger.pay').execute();
    expect(audit).toHaveLength(1);
  });

  it('concurrent deliveries of one message record once', async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 甲镇 target 100');
    const replies = await Promise.all(Array.from({ length: 5 }, () => app.say('admin', 'c', 'pay 3 in 甲镇', 'Ev-2')));
    expect(replies.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await ledgerRows(app)).toHaveLength(1);
  });

  it('a different message id records again, and undo by replay does not reverse twice', async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 甲镇 target 100');
    await app.say('admin', 'c', 'pay 1 in 甲镇', 'm1');
    await app.say('admin', 'c', 'pay 1 in 甲镇', 'm2');
    await app.say('admin', 'c', 'undo', 'm3');
    await app.say('admin', 'c', 'undo', 'm3');
    const rows = await ledgerRows(app);
    expect(rows.map((r) => [r.kind, r.reverses_id])).toEqual([
      ['payment', null],
      ['payment', null],
      ['reversal', 2],
    ]);
  });

  it('a refused command stores no answer, so a corrected retry is not mistaken for a duplicate', async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 甲镇 target 100');
    expect((await app.say('admin', 'c', 'pay 1 in 乙镇', 'm9')).status).toBe('refused');
    await app.say('admin', 'c', 'township add 乙镇');
    expect((await app.say('admin', 'c', 'pay 1 in 乙镇', 'm9')).text).toContain('已登记');
  });
});
