import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
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
