/**
 * `backup <file>` copies a running bot's SQLite database consistently. The
 * copy itself is SQLite-only by nature; on PostgreSQL the test checks the
 * refusal that points at pg_dump instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { testDialect } from '../helpers/database.ts';
import { backupDatabase } from '../../src/ops/backup.ts';
import { ROSTER_HEADER, testId, writeCsv } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { until } from '../helpers/until.ts';

const apps: TestApp[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Opens a backup file as the database of a fresh app, with the key of the app it was taken from. */
async function openCopy(file: string, from: TestApp): Promise<TestApp> {
  const dir = await makeDir();
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, join(dir, 'enrollbot.db'));
  void from; // the worker's key folder holds its key
  const app = await openTestApp({ dir });
  apps.push(app);
  return app;
}

async function ledgerIds(app: TestApp): Promise<number[]> {
  return (await app.database.db.selectFrom('ledger_entry').select('id').orderBy('id').execute()).map((r) => r.id);
}

// The suite runs once per database: each run gets the test that applies to it.
if (testDialect === 'sqlite') {
  describe('backup of a running SQLite bot', () => {
    it('is a consistent snapshot while another connection writes, and restores to the same board', async () => {
      const app = await openTestApp();
      apps.push(app);
      const out = await makeDir();
      dirs.push(out);
      await app.say('admin', 'c', 'township add 甲镇 target 1000');
      await app.say('admin', 'c', 'township add 乙镇 target 500');
      for (let i = 0; i < 40; i++) await app.say('admin', 'c', `pay ${1 + (i % 4)} in ${i % 3 ? '甲镇' : '乙镇'}`);

      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing && written < 400) {
          const r = await app.say('admin', 'c', `pay 1 in ${written % 2 ? '甲镇' : '乙镇'}`);
          expect(r.status).toBe('ok');
          written++;
        }
      })();
      // The writer is under way: a few of its entries are committed.
      await until(() => written >= 3, () => `the writer's first entries (${written})`);
      const during = await backupDatabase(app.databaseUrl, join(out, 'during.db'));
      writing = false;
      await writer;
      expect(written).toBeGreaterThan(0);
      expect(during.pages).toBeGreaterThan(0);
      expect(existsSync(join(out, 'during.db.partial'))).toBe(false);

      // A snapshot: a gapless prefix of the ledger, with totals that agree with it.
      const copy = await openCopy(join(out, 'during.db'), app);
      const ids = await ledgerIds(copy);
      expect(ids.length).toBeGreaterThanOrEqual(40);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
      const sum = await copy.database.db
        .selectFrom('ledger_entry')
        .select((eb) => [eb.fn.sum<number>('people').as('people'), eb.fn.countAll<number>().as('n')])
        .executeTakeFirstOrThrow();
      const root = await copy.database.db.selectFrom('area_total').selectAll().where('area_id', '=', 1).executeTakeFirstOrThrow();
      expect({ people: Number(root.people), entries: Number(root.entries) }).toEqual({ people: Number(sum.people), entries: Number(sum.n) });

      // Once the writes stop, a backup restores to exactly the same board.
      const after = await backupDatabase(app.databaseUrl, join(out, 'after.db'));
      const restored = await openCopy(after.file, app);
      expect(await ledgerIds(restored)).toEqual(await ledgerIds(app));
      const original = await app.say('admin', 'c', 'board');
      const again = await restored.say('admin', 'c', 'board');
      expect(original.table?.rows.length).toBe(2);
      expect(again).toEqual(original);

      // It never overwrites.
      await expect(backupDatabase(app.databaseUrl, after.file)).rejects.toThrow(/exists already/);
    });

    it('holds no key, names the one it needs, and restores with that key from the key folder (and refuses without it)', async () => {
      const app = await openTestApp();
      apps.push(app);
      const out = await makeDir();
      dirs.push(out);
      await app.say('admin', 'c', 'township add 城南街道');
      const roster = join(out, 'roster.csv');
      writeCsv(roster, [ROSTER_HEADER, ['张三', testId(1), '城南街道', '单位', '', '', ''], ['李四', testId(2), '城南街道', '单位', '', '', '']]);
      const options = (a: typeof app) => ({ db: a.database.db, hasher: a.pii.hasher, sealer: a.pii.sealer, now: new Date(), today: '2026-11-23' });
      const first = await importRoster(roster, options(app));
      expect(first.taken).toBe(2);

      const backup = await backupDatabase(app.databaseUrl, join(out, 'copy.db'));
      expect(backup.keyFingerprint).toBe(app.pii.fingerprint);
      // Nothing beside the copy but the copy: no key file.
      expect(readdirSync(out).sort()).toEqual(['copy.db', 'roster.csv']);

      // Restored elsewhere, without its key: refused, changed in nothing, saying which key to bring back.
      const dir = await makeDir();
      dirs.push(dir);
      copyFileSync(backup.file, join(dir, 'enrollbot.db'));
      const keys = join(dir, 'keys');
      await expect(openTestApp({ dir, env: { ENROLLBOT_KEY_DIR: keys } })).rejects.toThrow(new RegExp(`fingerprint ${app.pii.fingerprint}.*pii-${app.pii.fingerprint}\\.key`));
      // With the key file put back into the key folder, the same people are recognised.
      mkdirSync(keys, { recursive: true });
      const keyFile = `pii-${app.pii.fingerprint}.key`;
      copyFileSync(join(process.env.ENROLLBOT_KEY_DIR!, keyFile), join(keys, keyFile));
      const restored = await openTestApp({ dir, env: { ENROLLBOT_KEY_DIR: keys } });
      apps.push(restored);
      const again = await importRoster(roster, options(restored));
      const people = await restored.database.db.selectFrom('lapse_person').select('id').execute();
      expect(people).toHaveLength(2);
      expect(again.taken).toBe(2);
      expect(again.written).toBe(0);
    });
  });
} else {
  describe('backup on PostgreSQL', () => {
    it('refuses and points at pg_dump, without printing the URL', async () => {
      const app = await openTestApp();
      apps.push(app);
      const err = (await backupDatabase(app.databaseUrl, '/tmp/never.db').then(
        () => new Error('backup did not refuse'),
        (e: unknown) => e,
      )) as Error;
      expect(err.message).toContain('pg_dump');
      expect(err.message).not.toContain(new URL(app.databaseUrl).password);
    });
  });
}
