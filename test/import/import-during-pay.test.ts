/**
 * A roster or contributions import (as `npm run cli -- import …` runs it: its own
 * connection to the bot's database) never stops the bot's payments: they are
 * recorded while the file is still being read and merged, each in well under
 * the time the import takes, none "database is locked".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { CONTRIBUTION_HEADER, ROSTER_HEADER, writeCsv, type Rows } from '../helpers/lapse-files.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { idCheckDigit } from '../../src/domain/id-number.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';

const NOW = new Date('2026-11-23T02:00:00Z');

/** A distinct valid ID for each `i` (a birth date per day over fifty years, then the sequence number). */
function idOf(i: number): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + (i % 18_250) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `430602${birth}${String(Math.floor(i / 18_250)).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}

const files = {
  roster: (n: number): Rows => [ROSTER_HEADER, ...Array.from({ length: n }, (_, i) => ['张三', idOf(i), i % 2 ? '城南街道' : '青山镇', '单位', '', '', ''])],
  contributions: (n: number): Rows => [CONTRIBUTION_HEADER, ...Array.from({ length: n }, (_, i) => [idOf(i), '2026-10', '300'])],
};
const imports = { roster: importRoster, contributions: importContributions };
let app: TestApp | undefined;
let importer: DatabaseHandle | undefined;
afterEach(async () => {
  await importer?.close();
  await app?.close();
  app = importer = undefined;
});

describe.each(['roster', 'contributions'] as const)('a %s import while the bot runs', (kind) => {
  it('lets payments through all along: many are recorded before the import ends, none waits for it', { timeout: 180_000 }, async () => {
    app = await openTestApp({ now: NOW });
    for (const t of ['城南街道', '青山镇']) expect((await app.say('admin', 'console', `township add ${t} target 1000000`)).status).toBe('ok');
    await app.say('admin', 'cn', 'bind 城南街道');
    await app.say('admin', 'console', 'grant 刘 coordinator 城南街道');
    // Big enough that the import takes far longer than one payment (seconds, not milliseconds).
    const file = join(app.dir, `${kind}.csv`);
    writeCsv(file, files[kind](40_000));
    importer = await openDatabase(app.databaseUrl);
    const key = 'test-key';
    const started = performance.now();
    let importEnded = Number.POSITIVE_INFINITY;
    const importing = imports[kind](file, {
      db: importer.db,
      hasher: piiHasher(key),
      sealer: piiSealer(deriveSealKeys(key)),
      now: NOW,
      today: '2026-11-23',
    }).finally(() => (importEnded = performance.now()));

    const pays: { at: number; ms: number; text: string }[] = [];
    let failed: string | null = null;
    while (importEnded === Number.POSITIVE_INFINITY) {
      // One process here, two in production: let the import's turn come (SQLite calls are synchronous).
      await new Promise((r) => setImmediate(r));
      const t0 = performance.now();
      const reply = await app.say('刘', 'cn', 'pay 1 400');
      const t1 = performance.now();
      if (reply.status !== 'ok') failed ??= reply.text;
      pays.push({ at: t1, ms: t1 - t0, text: reply.text });
    }
    const report = await importing;
    expect(report).toMatchObject({ committed: true, taken: 40_000 });
    expect(failed).toBeNull();
    const during = pays.filter((p) => p.at < importEnded);
    // Before, the import held the write lock from its first row to its commit: no payment got through meanwhile.
    expect(during.length).toBeGreaterThanOrEqual(10);
    const importMs = importEnded - started;
    const slowest = Math.max(...pays.map((p) => p.ms));
    // A payment waits at most one short slice of the merge, not the import.
    expect(slowest).toBeLessThan(Math.max(1_000, importMs / 4));
    const total = await app.database.db
      .selectFrom('ledger_entry')
      .select((eb) => eb.fn.count<number>('id').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(pays.length);
  });
});
