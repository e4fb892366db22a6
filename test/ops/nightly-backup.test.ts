/** The nightly backup: one copy per business day, the newest N kept, while the bot writes. SQLite only. */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { testDatabaseUrl, testDialect } from '../helpers/database.ts';
import { runNightlyBackup } from '../../src/ops/nightly-backup.ts';
import { openDatabase } from '../../src/db/database.ts';
import { loadConfig } from '../../src/config.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('nightly backup settings', () => {
  it('are validated at start, one clear line each', () => {
    expect(loadConfig({}).backup).toEqual({ at: { hour: 2, minute: 30 }, keep: 14, dir: null });
    expect(() => loadConfig({ ENROLLBOT_BACKUP_AT: '2:30,3:00' })).toThrow(/ENROLLBOT_BACKUP_AT "2:30,3:00" must be one HH:MM/);
    expect(() => loadConfig({ ENROLLBOT_BACKUP_KEEP: 'lots' })).toThrow(/ENROLLBOT_BACKUP_KEEP "lots"/);
    expect(loadConfig({ ENROLLBOT_BACKUP_KEEP: '0', ENROLLBOT_BACKUP_DIR: '/srv/backups' }).backup).toMatchObject({ keep: 0, dir: '/srv/backups' });
  });
});

// PostgreSQL deployments back up with pg_dump (docs/postgres.md): the copy itself is SQLite's.
if (testDialect === 'sqlite') describe('nightly backup (SQLite)', () => {
  it("names the copy after the campaign zone's date, takes it once a day, and keeps the newest N", async () => {
    app = await openTestApp();
    await app.say('admin', 'c', 'township add 甲镇 target 10');
    await app.say('admin', 'c', 'pay 3 in 甲镇');
    const dir = join(app.dir, 'backups');
    const url = await testDatabaseUrl(app.dir);
    // 2026-11-22 18:30 UTC is already the 23rd in Shanghai.
    const first = await runNightlyBackup({ databaseUrl: url, dir, keep: 3, now: new Date('2026-11-22T18:30:00Z'), timeZone: 'Asia/Shanghai' });
    expect(first).toMatchObject({ created: true, removed: [] });
    expect(first.file).toBe(join(dir, 'enrollbot-2026-11-23.db'));
    await app.say('admin', 'c', 'pay 4 in 甲镇');
    const again = await runNightlyBackup({ databaseUrl: url, dir, keep: 3, now: new Date('2026-11-23T01:00:00Z'), timeZone: 'Asia/Shanghai' });
    expect(again.created).toBe(false);
    // The copy is the database as it was then: one entry.
    const copy = await openDatabase(`sqlite:${first.file}`);
    expect(await copy.db.selectFrom('ledger_entry').select('people').execute()).toEqual([{ people: 3 }]);
    await copy.close();
    for (const d of ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21']) writeFileSync(join(dir, `enrollbot-${d}.db`), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'not a backup');
    const next = await runNightlyBackup({ databaseUrl: url, dir, keep: 3, now: new Date('2026-11-23T18:30:00Z'), timeZone: 'Asia/Shanghai' });
    expect(next.created).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['enrollbot-2026-11-21.db', 'enrollbot-2026-11-23.db', 'enrollbot-2026-11-24.db', 'notes.txt']);
    expect(existsSync(join(dir, 'enrollbot-2026-11-24.db.partial'))).toBe(false);
  });
});
