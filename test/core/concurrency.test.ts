/**
 * Two app instances on one database (two replicas): duplicates, reversals
 * and totals stay right when their writes race. On PostgreSQL the two
 * instances' transactions really overlap. SQLite has one writer at a time,
 * and better-sqlite3 waits for the file lock synchronously, so two writing
 * connections in one test process would stall each other's event loop: there
 * the same scenarios run through one instance, racing in its group commit.
 */
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { sharedDatabase } from '../helpers/shared-database.ts';
import type { Reply } from '../../src/core/reply.ts';
import { maintainedTotals, recountTotals } from '../helpers/totals.ts';

const shared = sharedDatabase();

async function twoApps(): Promise<[TestApp, TestApp]> {
  const [a, b] = await shared.replicas();
  await a.say('admin', 'setup', 'township add 甲镇 target 1000');
  await a.say('admin', 'setup', 'township add 乙镇 target 1000');
  return [a, b];
}

/** Every maintained total equals a recount of the ledger. */
async function expectTotalsMatchLedger(app: TestApp): Promise<void> {
  const db = app.database.db;
  expect(await maintainedTotals(db)).toEqual(await recountTotals(db));
}

describe('two instances on one database', () => {
  it('record a message delivered to both at once only once, and both answer alike', async () => {
    const [a, b] = await twoApps();
    for (let round = 0; round < 8; round++) {
      const id = `dup-${round}`;
      const replies: Reply[] = await Promise.all([
        a.say('admin', 'c', 'pay 2 in 甲镇', id),
        b.say('admin', 'c', 'pay 2 in 甲镇', id),
        a.say('admin', 'c', 'pay 2 in 甲镇', id),
        b.say('admin', 'c', 'pay 2 in 甲镇', id),
      ]);
      expect(replies.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
      expect(replies.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    }
    const rows = await a.database.db.selectFrom('ledger_entry').select('source_key').execute();
    expect(rows.map((r) => r.source_key).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `console:dup-${i}`));
    expect(a.log.lines.join('')).not.toContain('command failed');
    expect(b.log.lines.join('')).not.toContain('command failed');
    await expectTotalsMatchLedger(a);
  });

  it('reverse an entry once when both undo or void it at the same time; the loser is told, not failed', async () => {
    const [a, b] = await twoApps();
    for (let round = 0; round < 5; round++) {
      const paid = await a.say('admin', 'c', 'pay 3 in 甲镇');
      const ref = /#(\d+)/.exec(paid.text)![0];
      const verb = round % 2 ? `void ${ref} 重复登记` : 'undo';
      const replies = await Promise.all([a.say('admin', 'c', verb), b.say('admin', 'c', verb)]);
      expect(replies.map((r) => r.status).sort()).toEqual(['ok', 'refused']);
      const refusal = replies.find((r) => r.status === 'refused')!.text;
      expect(refusal).toMatch(/冲正|没有可撤销/);
    }
    const reversals = await a.database.db.selectFrom('ledger_entry').select('reverses_id').where('kind', '=', 'reversal').execute();
    expect(reversals).toHaveLength(5);
    expect(new Set(reversals.map((r) => r.reverses_id)).size).toBe(5);
    expect(a.log.lines.join('') + b.log.lines.join('')).not.toContain('command failed');
    await expectTotalsMatchLedger(a);
  });

  it('keep the maintained totals equal to the ledger under concurrent pays to shared areas', async () => {
    const [a, b] = await twoApps();
    const says: Promise<Reply>[] = [];
    for (let i = 0; i < 24; i++) {
      const app = i % 2 ? a : b;
      says.push(app.say('admin', 'c', `pay ${1 + (i % 5)} ${(1 + (i % 5)) * 321}.5 in ${i % 3 ? '甲镇' : '乙镇'}`));
    }
    const replies = await Promise.all(says);
    expect(replies.filter((r) => r.status !== 'ok').map((r) => r.text)).toEqual([]);
    await expectTotalsMatchLedger(a);
    const board = await b.say('admin', 'c', 'board');
    expect(JSON.stringify(board)).toContain('本区合计');
  });
});
