/**
 * Totals under concurrent replicas (issue 18): pays from two instances on one
 * database into the same and into different townships, and into a village,
 * all at once, leave every figure equal to the ledger's sums, count each pay
 * once, and show the same sums on the board. On PostgreSQL the areas above a
 * township move in a shard per process, so a pay never waits for another
 * replica's pay in another township; SQLite (one writer) has no shards.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { TestApp } from '../helpers/app.ts';
import { sharedDatabase } from '../helpers/shared-database.ts';
import { testDialect } from '../helpers/database.ts';
import { maintainedTotals, recountTotals } from '../helpers/totals.ts';
import { appendEntry } from '../../src/store/ledger.ts';
import { figuresUnder } from '../../src/store/board-figures.ts';
import { getRootArea, areasByName } from '../../src/store/areas.ts';
import { getCurrentCampaign } from '../../src/store/campaigns.ts';

const shared = sharedDatabase();

/** Two instances on one database on PostgreSQL; on SQLite one (its writes race in its group commit). */
async function replicas(): Promise<[TestApp, TestApp]> {
  const [a, b] = await shared.replicas();
  for (const t of ['甲镇', '乙镇', '丙镇']) await a.say('admin', 'setup', `township add ${t} target 100000`);
  await a.say('admin', 'setup', 'township add 一村 under 甲镇 target 50000');
  return [a, b];
}

describe('totals with replicas paying at once', () => {
  it('equal the ledger, count every pay once, and the board shows the same sums', async () => {
    const [a, b] = await replicas();
    const where = ['甲镇', '乙镇', '丙镇', '一村'];
    const pays: Promise<unknown>[] = [];
    for (let i = 0; i < 24; i++) {
      // Both replicas in the same township (甲镇, its village), and each in its own (乙镇 for a, 丙镇 for b).
      pays.push(a.say('admin', 'c', `pay ${1 + (i % 5)} in ${where[i % 4 === 3 ? 3 : i % 2 === 0 ? 0 : 1]}`));
      pays.push(b.say('admin', 'c', `pay ${1 + (i % 3)} in ${where[i % 4 === 3 ? 3 : i % 2 === 0 ? 0 : 2]}`));
    }
    const replies = (await Promise.all(pays)) as { status: string; text: string }[];
    expect(replies.filter((r) => r.status !== 'ok').map((r) => r.text)).toEqual([]);
    // Undo and a total from both sides too: reversals and differences move the same rows.
    await Promise.all([a.say('admin', 'c', 'undo'), b.say('admin', 'c', 'total 200 in 乙镇')]);
    const db = a.database.db;
    expect(await maintainedTotals(db)).toEqual(await recountTotals(db));
    const entries = await db.selectFrom('ledger_entry').select(['people', 'kind']).execute();
    expect(entries.filter((e) => e.kind === 'payment')).toHaveLength(48);

    const sum = (rows: { people: number }[]) => rows.reduce((s, r) => s + Number(r.people), 0);
    const campaign = await getCurrentCampaign(db);
    const root = await getRootArea(db);
    const today = '2026-11-23';
    const { self, children } = await figuresUnder(db, { campaignId: campaign.id, areaId: root.id, businessDate: today });
    expect(self!.enrolled).toBe(sum(entries));
    expect(self!.today).toBe(sum(entries));
    expect(children.reduce((s, c) => s + c.enrolled, 0)).toBe(sum(entries));
    const ledgerOf = async (areaId: number) => {
      const { path } = await db.selectFrom('area').select('path').where('id', '=', areaId).executeTakeFirstOrThrow();
      return sum(await db.selectFrom('ledger_entry as e').innerJoin('area as x', 'x.id', 'e.area_id').select('e.people').where('x.path', 'like', `${path}%`).execute());
    };
    for (const c of children) expect(c.enrolled).toBe(await ledgerOf(c.areaId));
    const board = await a.say('admin', 'c', 'board');
    const total = sum(entries).toLocaleString('en');
    expect(board.footer).toContain(`本区合计：${total}/300,000人`);
    expect(board.footer).toContain(`今日新增 +${total}人`);
  });

  it('a pay never queues on a row shared with another township (PostgreSQL: no lock to wait for; SQLite: one writer, every total in place)', async () => {
    const [one] = await replicas();
    const db = one.database.db;
    const campaign = await getCurrentCampaign(db);
    const [jia] = await areasByName(db, '甲镇');
    const [yi] = await areasByName(db, '乙镇');
    const pay = (area: typeof jia, shard: number) => ({
      campaignId: campaign.id,
      areaId: area!.id,
      areaPath: area!.path,
      areaKind: area!.kind,
      shard,
      kind: 'payment' as const,
      people: 3,
      amountFen: 3 * Number(campaign.premium_fen),
      memberId: 1,
      platform: 'console',
      channelId: 'c',
      businessDate: '2026-11-23',
      recordedAt: new Date(),
    });
    if (testDialect !== 'postgres') {
      // SQLite has one writer at a time and no row locks: nothing to shard, so the areas above keep their own rows.
      await db.transaction().execute(async (tx) => {
        await appendEntry(tx, pay(jia, 1));
        await appendEntry(tx, pay(yi, 2));
      });
      expect(await maintainedTotals(db)).toEqual(await recountTotals(db));
      expect(await db.selectFrom('area_total_shard').select('shard').execute()).toEqual([]);
      return;
    }
    await db.transaction().execute(async (first) => {
      await appendEntry(first, pay(jia, 1));
      // Another replica, another township, while the first pay holds its rows: no lock to wait for.
      await db.transaction().execute(async (second) => {
        await sql`set local lock_timeout = '50ms'`.execute(second);
        await appendEntry(second, pay(yi, 2));
      });
      // The same township does wait: its own rows stay exact (a `total` locks them).
      await expect(
        db.transaction().execute(async (third) => {
          await sql`set local lock_timeout = '50ms'`.execute(third);
          await appendEntry(third, pay(jia, 3));
        }),
      ).rejects.toThrow(/lock timeout/);
    });
    expect(await maintainedTotals(db)).toEqual(await recountTotals(db));
    const shards = await db.selectFrom('area_total_shard').select(['shard', 'people']).orderBy('shard').execute();
    expect(shards).toEqual([
      { shard: 1, people: 3 },
      { shard: 2, people: 3 },
    ]);
  });
});
