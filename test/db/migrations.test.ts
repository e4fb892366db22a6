import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Migrator, NO_MIGRATIONS, sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrateToLatestOrThrow } from '../../src/db/migrate.ts';
import { migrations } from '../../migrations/index.ts';
import { makeDir } from '../helpers/app.ts';
import { testDatabaseUrl, testDialect } from '../helpers/database.ts';

let handle: DatabaseHandle | undefined;
let dir: string | undefined;
afterEach(async () => {
  await handle?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('go from an empty file to the latest, then are a no-op, then all roll back', async () => {
    dir = await makeDir();
    handle = await openDatabase(await testDatabaseUrl(dir, 'm'));
    const applied = await migrateToLatestOrThrow(handle.db);
    expect(applied.map((r) => r.migrationName)).toEqual(Object.keys(migrations));
    expect(applied.every((r) => r.status === 'Success')).toBe(true);
    expect(await migrateToLatestOrThrow(handle.db)).toEqual([]);

    const tables = (await handle.db.introspection.getTables()).map((t) => t.name);
    for (const t of ['area', 'campaign', 'ledger_entry', 'area_total', 'area_day', 'inbound_message', 'audit_log', 'outbox']) {
      expect(tables).toContain(t);
    }
    if (testDialect === 'sqlite') {
      // SQLite-only: the connection's pragmas (PostgreSQL has no such settings per connection).
      const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
      expect(rows[0]?.journal_mode).toBe('wal');
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
      expect(sync.rows[0]?.synchronous).toBe(2); // FULL
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    } else {
      expect(handle.dialect).toBe('postgres');
    }

    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    const left = (await handle.db.introspection.getTables()).map((t) => t.name).filter((n) => !n.startsWith('kysely_'));
    expect(left).toEqual([]);
  });

  it('names the migration that failed', async () => {
    dir = await makeDir();
    handle = await openDatabase(await testDatabaseUrl(dir, 'm'));
    await sql`create table area (id integer)`.execute(handle.db);
    await expect(migrateToLatestOrThrow(handle.db)).rejects.toThrow(/migration 2026-11-23-001-core failed/);
  });
});

describe('2026-12-01-008-grant-origin', () => {
  it('tells existing admin grants apart: the console admin, admins granted in chat (audited), and ENROLLBOT_ADMINS ones', async () => {
    dir = await makeDir();
    handle = await openDatabase(await testDatabaseUrl(dir, 'm'));
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo('2026-11-23-005-outbox-channel');
    expect(before.error).toBeUndefined();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema before this migration, as migrations see it
    const db = handle.db as unknown as Kysely<any>;
    const at = '2026-11-23T00:00:00.000Z';
    const root = await db.insertInto('area').values({ parent_id: null, name: '本区', kind: 'district', path: '/1/', created_at: at }).returning('id').executeTakeFirstOrThrow();
    const member = async (platform: string, id: string) => {
      const m = await db.insertInto('member').values({ name: id, locale: null, created_at: at }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('identity').values({ platform, external_id: id, member_id: m.id }).execute();
      await db.insertInto('role_grant').values({ member_id: m.id, role: 'admin', area_id: root.id, created_at: at }).execute();
      return Number(m.id);
    };
    const consoleAdmin = await member('console', 'admin');
    const fromConfig = await member('slack', 'UCONF');
    const inChat = await member('slack', 'UCHAT');
    // a chat grant of someone else whose id starts the same must not count for fromConfig
    await db
      .insertInto('audit_log')
      .values({ at, member_id: consoleAdmin, platform: 'console', channel_id: 'c', action: 'role.grant', detail: JSON.stringify({ member: inChat, user: 'UCHAT', role: 'admin', area: root.id }) })
      .execute();
    await db
      .insertInto('audit_log')
      .values({ at, member_id: consoleAdmin, platform: 'console', channel_id: 'c', action: 'role.grant', detail: JSON.stringify({ member: Number(`${fromConfig}0`), user: 'x', role: 'admin' }) })
      .execute();
    await migrateToLatestOrThrow(handle.db);
    const rows = await db.selectFrom('role_grant').select(['member_id', 'origin']).orderBy('member_id').execute();
    expect(rows.map((r) => [Number(r.member_id), r.origin])).toEqual([
      [consoleAdmin, 'console'],
      [fromConfig, 'config'],
      [inChat, 'chat'],
    ]);
  });
});

/** A new database migrated up to `name`, as the next migration finds it (the schema then, as migrations see it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema of an earlier version, as migrations see it
async function databaseAt(name: string): Promise<Kysely<any>> {
  dir = await makeDir();
  handle = await openDatabase(await testDatabaseUrl(dir, 'm'));
  const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
  expect((await migrator.migrateTo(name)).error).toBeUndefined();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  return handle.db as unknown as Kysely<any>;
}

describe('2026-12-01-022-robot-ids-kept', () => {
  it('keeps every robot as it was, and never hands a removed robot\'s number out again', async () => {
    const db = await databaseAt('2026-12-01-018-lapse-indexes');
    const at = '2026-11-23T00:00:00.000Z';
    const root = await db.insertInto('area').values({ parent_id: null, name: '本区', kind: 'district', path: '/1/', created_at: at }).returning('id').executeTakeFirstOrThrow();
    const robot = (n: number) => ({ app: 'wecom', url_sealed: `s${n}`, url_digest: `d${n}`, url_hint: `key=ab${n}…`, secret_sealed: null, kind: 'leaders', area_id: root.id, created_at: at, created_by: null });
    await db.insertInto('robot').values([robot(1), robot(2)]).execute();
    const before = await db.selectFrom('robot').selectAll().orderBy('id').execute();
    await migrateToLatestOrThrow(db);
    expect(await db.selectFrom('robot').selectAll().orderBy('id').execute()).toEqual(before);
    await db.deleteFrom('robot').where('id', '=', 2).execute();
    const next = await db.insertInto('robot').values(robot(3)).returning('id').executeTakeFirstOrThrow();
    expect(Number(next.id)).toBe(3);
    await expect(db.insertInto('robot').values(robot(1)).execute()).rejects.toThrow();
  });
});

describe('2026-12-02-023-total-newest-day', () => {
  it('gives each total its newest day and that day\'s people from area_day, and none to a total without days', async () => {
    const db = await databaseAt('2026-12-01-022-robot-ids-kept');
    const at = '2026-11-23T00:00:00.000Z';
    await db.insertInto('area').values([
      { id: 1, parent_id: null, name: '本区', kind: 'district', path: '/1/', created_at: at },
      { id: 2, parent_id: 1, name: '东镇', kind: 'township', path: '/1/2/', created_at: at },
      { id: 3, parent_id: 1, name: '西镇', kind: 'township', path: '/1/3/', created_at: at },
    ]).execute();
    await db.insertInto('campaign').values({ id: 1, name: 'c', start_date: '2026-09-01', deadline: '2026-12-31', premium_fen: 40000, time_zone: 'Asia/Shanghai', is_current: 1, created_at: at }).execute();
    const total = (area: number, people: number) => ({ campaign_id: 1, area_id: area, people, amount_fen: people * 40000, entries: 1 });
    await db.insertInto('area_total').values([total(1, 12), total(2, 12), total(3, 0)]).execute();
    const day = (area: number, date: string, people: number) => ({ campaign_id: 1, area_id: area, business_date: date, people, amount_fen: people * 40000 });
    await db.insertInto('area_day').values([day(1, '2026-11-21', 5), day(1, '2026-11-22', 7), day(2, '2026-11-22', 7), day(2, '2026-11-21', 5)]).execute();
    await migrateToLatestOrThrow(db);
    const rows = await db.selectFrom('area_total').select(['area_id', 'day', 'day_people']).orderBy('area_id').execute();
    expect(rows.map((r) => ({ ...r, day_people: r.day_people === null ? null : Number(r.day_people) }))).toEqual([
      { area_id: 1, day: '2026-11-22', day_people: 7 },
      { area_id: 2, day: '2026-11-22', day_people: 7 },
      { area_id: 3, day: null, day_people: null },
    ]);
  });
});
