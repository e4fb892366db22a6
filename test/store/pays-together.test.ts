/**
 * A burst of pays committed together (group commit). On PostgreSQL the pays
 * of a batch run side by side and share their statements: one statement for
 * every entry and its totals, one for every audit row and stored reply. Each
 * pay must still get its own entry, its own figures (as if the pays had been
 * appended one after another), its own audit row and its own stored reply; a
 * pay refused before or after its entry was sent, or a replay, must leave the
 * others recorded exactly once. SQLite runs the same burst one pay after
 * another in the batch: the same answers are expected of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { testDialect } from '../helpers/database.ts';
import { maintainedTotals, recountTotals } from '../helpers/totals.ts';
import type { Reply } from '../../src/core/reply.ts';

let app: TestApp | undefined;
let restore: (() => void) | undefined;
afterEach(async () => {
  restore?.();
  restore = undefined;
  await app?.close();
  app = undefined;
});

/** Counts the statements node-postgres sends whose text starts with `prefix` (PostgreSQL only). */
function countStatements(prefix: string): { count: () => number } {
  type Query = (this: unknown, ...args: unknown[]) => unknown;
  const client = pg.Client.prototype as unknown as { query: Query };
  const original = client.query;
  let n = 0;
  client.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | null)?.text;
    if (text?.startsWith(prefix)) n++;
    return original.apply(this, args);
  };
  restore = () => (client.query = original);
  return { count: () => n };
}

async function setUp(): Promise<TestApp> {
  const a = await openTestApp();
  await a.say('admin', 'setup', 'township add 甲镇 target 100000');
  await a.say('admin', 'setup', 'township add 一村 under 甲镇 target 50000');
  await a.say('admin', 'setup', 'township add 乙镇 target 10');
  await a.say('admin', 't2', 'bind 乙镇');
  await a.say('admin', 'setup', 'grant c2 coordinator 乙镇');
  return a;
}

const idOf = (r: Reply) => Number(/^已登记 #(\d+)/.exec(r.text)?.[1]);
const figure = (r: Reply, area: string) => {
  const m = new RegExp(`${area}累计 ([\\d,]+)/[^，]+，完成率 [^，]+，今日 \\+([\\d,]+)人`).exec(r.text);
  return m ? { total: Number(m[1]!.replace(/,/g, '')), today: Number(m[2]!.replace(/,/g, '')) } : null;
};

/** Each recorded pay's own entry, its figures as of its place in the ledger, its audit row and its stored reply. */
async function expectEachOwnRecord(a: TestApp, sent: { id: string; area: '甲镇' | '一村'; people: number; reply: Reply }[]) {
  const db = a.database.db;
  const areas = new Map((await db.selectFrom('area').select(['id', 'name', 'path']).execute()).map((r) => [r.id, r]));
  const entries = await db.selectFrom('ledger_entry').select(['id', 'area_id', 'people', 'amount_fen', 'source_key']).orderBy('id').execute();
  const audits = await db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'ledger.pay').execute();
  const stored = new Map((await db.selectFrom('inbound_message').select(['source_key', 'reply']).execute()).map((r) => [r.source_key, JSON.parse(r.reply) as Reply]));
  const seen = new Set<number>();
  for (const s of sent) {
    expect(s.reply.status, s.reply.text).toBe('ok');
    const id = idOf(s.reply);
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    const entry = entries.find((e) => e.id === id)!;
    expect(entry.source_key).toBe(`console:${s.id}`);
    expect(areas.get(entry.area_id)!.name).toBe(s.area);
    expect(entry.people).toBe(s.people);
    // The figures a reply shows are its area's after its own entry: the entries up to it, none after.
    const path = areas.get(entry.area_id)!.path;
    const upTo = entries.filter((e) => e.id <= id && areas.get(e.area_id)!.path.startsWith(path)).reduce((sum, e) => sum + e.people, 0);
    expect(figure(s.reply, s.area)).toEqual({ total: upTo, today: upTo });
    const own = audits.filter((x) => (JSON.parse(x.detail) as { entry: number }).entry === id);
    expect(own).toHaveLength(1);
    expect(JSON.parse(own[0]!.detail)).toMatchObject({ entry: id, people: s.people });
    expect(stored.get(`console:${s.id}`)?.text).toBe(s.reply.text);
  }
  expect(await maintainedTotals(db)).toEqual(await recountTotals(db));
}

describe('pays committed together', () => {
  it('each pay of a burst gets its own entry, figures in ledger order, audit row and stored reply', async () => {
    app = await setUp();
    const statements = countStatements('with "e" as (insert into "ledger_entry"');
    const lines = Array.from({ length: 24 }, (_, i) => ({ id: `b${i}`, area: i % 3 === 2 ? ('一村' as const) : ('甲镇' as const), people: i + 1 }));
    const replies = await Promise.all(lines.map((l) => app!.say('admin', 'c', `pay ${l.people} in ${l.area}`, l.id)));
    await expectEachOwnRecord(app, lines.map((l, i) => ({ ...l, reply: replies[i]! })));
    const rows = await app.database.db.selectFrom('ledger_entry').select('id').execute();
    expect(rows).toHaveLength(24);
    if (testDialect === 'postgres') {
      // The first pay commits alone; the rest wait for it and go in together, not one statement each.
      expect(statements.count()).toBeLessThanOrEqual(4);
    }
  });

  it('a refusal before or after the shared statement, or a replay, costs only itself: the others are recorded once', async () => {
    app = await setUp();
    const first = await app.say('admin', 'c', 'pay 3 in 甲镇', 'first');
    expect(first.status).toBe('ok');
    const good = Array.from({ length: 16 }, (_, i) => ({ id: `g${i}`, area: i % 4 === 3 ? ('一村' as const) : ('甲镇' as const), people: 10 + i }));
    const replies = await Promise.all([
      ...good.map((l) => app!.say('admin', 'c', `pay ${l.people} in ${l.area}`, l.id)),
      // Refused before its entry: more than the premium for one person.
      app.say('admin', 'c', 'pay 1 99999 in 甲镇', 'over'),
      // Refused after its entry went out with the others: a coordinator's 25 against a target of 10.
      app.say('c2', 't2', 'pay 25', 'twice'),
      // A replay of a message already handled: its stored answer, nothing new.
      app.say('admin', 'c', 'pay 3 in 甲镇', 'first'),
    ]);
    const [over, twice, replay] = replies.slice(good.length);
    expect(over!.status).toBe('refused');
    expect(twice!.status).toBe('refused');
    expect(twice!.text).toContain('乙镇');
    expect(replay!.text).toBe(first.text);
    const db = app.database.db;
    const entries = await db.selectFrom('ledger_entry').select(['source_key']).execute();
    expect(entries.map((e) => e.source_key).sort()).toEqual(['console:first', ...good.map((l) => `console:${l.id}`)].sort());
    const keys = (await db.selectFrom('inbound_message').select('source_key').execute()).map((r) => r.source_key);
    expect(keys).not.toContain('console:over');
    expect(keys).not.toContain('console:twice');
    expect(keys.filter((k) => k === 'console:first')).toHaveLength(1);
    await expectEachOwnRecord(app, [{ id: 'first', area: '甲镇', people: 3, reply: first }, ...good.map((l, i) => ({ ...l, reply: replies[i]! }))]);
  });
});
