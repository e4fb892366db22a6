/**
 * The raw reference of the `pay` figure on PostgreSQL: node-postgres alone
 * with the round trips the bot makes (one transaction per pay: the entry,
 * its totals and the day's increments in one statement, the audit entry and
 * the stored reply in another), prepared by name, on a fresh database at `url`.
 * With `batch` > 1, the round trips the bot makes for a burst instead: that
 * many pays a transaction, their entries and totals in one statement and
 * their audit rows and replies in another (rows as arrays, as the bot sends
 * them): the most the bot's own round trips allow, without the bot.
 * `warm` pays go first, unmeasured; `window` is told when the measured ones start and end.
 */
import pg from 'pg';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatestOrThrow } from '../src/db/migrate.ts';

/** The newest-day columns an `area_total` upsert keeps, as the bot's own statements keep them. */
export const NEWEST_DAY_SET = `day = case when area_total.day is null or excluded.day > area_total.day then excluded.day else area_total.day end,
  day_people = case when area_total.day is null or excluded.day > area_total.day then excluded.day_people when excluded.day = area_total.day then area_total.day_people + excluded.day_people else area_total.day_people end`;

export async function rawPgRate(url: string, n: number, batch = 1, warm = 50, window?: { start(): void; end(): void }): Promise<number> {
  const handle = await openDatabase(url);
  await migrateToLatestOrThrow(handle.db);
  await handle.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const now = '2026-11-23T02:00:00.000Z';
    await c.query(`insert into area (id, parent_id, name, kind, path, created_at) values (1, null, '本区', 'district', '/1/', $1), (2, 1, '镇0', 'township', '/1/2/', $1)`, [now]);
    await c.query(`insert into campaign (id, name, start_date, deadline, premium_fen, time_zone, is_current, created_at) values (1, 'c', '2026-09-01', '2026-12-31', 40000, 'Asia/Shanghai', 1, $1)`, [now]);
    await c.query(`insert into member (id, name, locale, created_at) values (1, 'coord', null, $1)`, [now]);
    const q = (name: string, text: string, values: unknown[]) => c.query({ name, text, values });
    const pay = async (i: number) => {
      const people = 1 + (i % 9);
      const fen = people * 10_000;
      const key = `console:m${i}`;
      await c.query('begin');
      // The entry with the township's total and day in place and the district's in a shard.
      const id = (
        await q(
          'entry',
          `with e as (insert into ledger_entry (campaign_id, area_id, kind, people, amount_fen, member_id, platform, channel_id, source_key, business_date, recorded_at) values (1, 2, 'payment', $1, $2, 1, 'console', 't0', $3, '2026-11-23', $4) returning id),
           t as (insert into area_total (campaign_id, area_id, people, amount_fen, entries, day, day_people) values (1, 2, $1, $2, 1, '2026-11-23', $1) on conflict (campaign_id, area_id) do update set people = area_total.people + excluded.people, amount_fen = area_total.amount_fen + excluded.amount_fen, entries = area_total.entries + excluded.entries, ${NEWEST_DAY_SET} returning area_id, people, amount_fen),
           d as (insert into area_day (campaign_id, area_id, business_date, people, amount_fen) values (1, 2, '2026-11-23', $1, $2) on conflict (campaign_id, area_id, business_date) do update set people = area_day.people + excluded.people, amount_fen = area_day.amount_fen + excluded.amount_fen returning area_id, people),
           ts as (insert into area_total_shard (campaign_id, area_id, shard, people, amount_fen, entries) values (1, 1, 7, $1, $2, 1) on conflict (campaign_id, area_id, shard) do update set people = area_total_shard.people + excluded.people, amount_fen = area_total_shard.amount_fen + excluded.amount_fen, entries = area_total_shard.entries + excluded.entries returning area_id),
           ds as (insert into area_day_shard (campaign_id, area_id, business_date, shard, people, amount_fen) values (1, 1, '2026-11-23', 7, $1, $2) on conflict (campaign_id, business_date, area_id, shard) do update set people = area_day_shard.people + excluded.people, amount_fen = area_day_shard.amount_fen + excluded.amount_fen returning area_id)
           select (select id from e) as id, t.people, t.amount_fen, d.people as day_people from t join d using (area_id)`,
          [people, fen, key, now],
        )
      ).rows[0].id as number;
      await q(
        'handled',
        `with a as (insert into audit_log (at, member_id, platform, channel_id, action, detail) values ($1, 1, 'console', 't0', 'ledger.pay', $2)) insert into inbound_message (source_key, reply, created_at) values ($3, $4, $1)`,
        [now, JSON.stringify({ entry: id, people, amount_fen: fen }), key, JSON.stringify({ status: 'ok', text: `recorded #${id}` })],
      );
      await c.query('commit');
    };
    const payMany = async (first: number, count: number) => {
      const people = Array.from({ length: count }, (_, k) => 1 + ((first + k) % 9));
      const fen = people.map((p) => p * 10_000);
      const keys = people.map((_, k) => `console:m${first + k}`);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      await c.query('begin');
      const ids = (
        await q(
          'entries',
          `with e as (insert into ledger_entry (campaign_id, area_id, kind, people, amount_fen, member_id, platform, channel_id, source_key, business_date, recorded_at)
             select 1, 2, 'payment', u.people, u.fen, 1, 'console', 't0', u.key, '2026-11-23', $6 from unnest($1::integer[], $2::bigint[], $3::text[]) as u(people, fen, key) returning id),
           t as (insert into area_total (campaign_id, area_id, people, amount_fen, entries, day, day_people) values (1, 2, $4, $5, $7, '2026-11-23', $4) on conflict (campaign_id, area_id) do update set people = area_total.people + excluded.people, amount_fen = area_total.amount_fen + excluded.amount_fen, entries = area_total.entries + excluded.entries, ${NEWEST_DAY_SET} returning area_id, people, amount_fen),
           d as (insert into area_day (campaign_id, area_id, business_date, people, amount_fen) values (1, 2, '2026-11-23', $4, $5) on conflict (campaign_id, area_id, business_date) do update set people = area_day.people + excluded.people, amount_fen = area_day.amount_fen + excluded.amount_fen returning area_id, people),
           ts as (insert into area_total_shard (campaign_id, area_id, shard, people, amount_fen, entries) values (1, 1, 7, $4, $5, $7) on conflict (campaign_id, area_id, shard) do update set people = area_total_shard.people + excluded.people, amount_fen = area_total_shard.amount_fen + excluded.amount_fen, entries = area_total_shard.entries + excluded.entries returning area_id),
           ds as (insert into area_day_shard (campaign_id, area_id, business_date, shard, people, amount_fen) values (1, 1, '2026-11-23', 7, $4, $5) on conflict (campaign_id, business_date, area_id, shard) do update set people = area_day_shard.people + excluded.people, amount_fen = area_day_shard.amount_fen + excluded.amount_fen returning area_id)
           select (select array_agg(id order by id) from e) as ids, t.people, t.amount_fen, d.people as day_people from t join d using (area_id)`,
          [people, fen, keys, sum(people), sum(fen), now, count],
        )
      ).rows[0].ids as number[];
      await q(
        'handled_many',
        `with a as (insert into audit_log (at, member_id, platform, channel_id, action, detail) select $1, 1, 'console', 't0', 'ledger.pay', u.detail from unnest($2::text[]) as u(detail))
         insert into inbound_message (source_key, reply, created_at) select u.key, u.reply, $1 from unnest($3::text[], $4::text[]) as u(key, reply)`,
        [
          now,
          ids.map((id, k) => JSON.stringify({ entry: id, people: people[k], amount_fen: fen[k] })),
          keys,
          ids.map((id) => JSON.stringify({ status: 'ok', text: `recorded #${id}` })),
        ],
      );
      await c.query('commit');
    };
    const run = async (first: number, count: number) => {
      if (batch <= 1) {
        for (let i = first; i < first + count; i++) await pay(i);
        return;
      }
      for (let i = first; i < first + count; i += batch) await payMany(i, Math.min(batch, first + count - i));
    };
    await run(1_000_000, warm);
    window?.start();
    const start = process.hrtime.bigint();
    await run(0, n);
    const rate = n / (Number(process.hrtime.bigint() - start) / 1e9);
    window?.end();
    return rate;
  } finally {
    await c.end();
  }
}
