/**
 * A roster's IDs are hashed and its names and phones sealed on the import's
 * sealing thread, not where the rows are written: what lands in the database
 * must be exactly what hashing and sealing on the importing thread gave
 * before (so a re-import changes nothing), and the keys that thread is given
 * must never show in what a failed import says or logs.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { ROSTER_HEADER, testId, writeCsv, type Rows } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { contactText, deriveSealKeys, parseContact, piiSealer } from '../../src/domain/pii-seal.ts';
import { ImportStopped } from '../../src/import/check-thread.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
const KEY = 'K3y-never-shown-7b1f0c';
let app: TestApp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await app?.close();
  app = undefined;
});

async function start(): Promise<TestApp> {
  app = await openTestApp({ now: NOW });
  for (const t of ['城南街道', '青山镇']) expect((await app.say('admin', 'console', `township add ${t}`)).status).toBe('ok');
  return app;
}

const options = (a: TestApp) => ({ db: a.database.db, hasher: piiHasher(KEY), sealer: piiSealer(deriveSealKeys(KEY)), now: NOW, today: '2026-11-23', batchSize: 7 });

describe('a roster hashed and sealed on its own thread', () => {
  it('stores for each line the hash and sealed contact the importing thread would have made, and a re-import changes nothing', async () => {
    const a = await start();
    const names = ['张三丰', '李四', '欧阳娜娜', 'Zhang San', '王\u3000小明'];
    const rows: Rows = [ROSTER_HEADER];
    // More rows than a batch, phones with and without, so batches and the last partial one all pass through.
    for (let i = 0; i < 60; i++) rows.push([names[i % names.length]!, testId(i), i % 2 ? '城南街道' : '青山镇', '单位', '', i % 3 ? `1390000${String(i).padStart(4, '0')}` : '', '']);
    const file = join(a.dir, 'roster.csv');
    writeCsv(file, rows);
    const first = await importRoster(file, options(a));
    expect(first).toMatchObject({ committed: true, taken: 60, written: 60 });

    const hasher = piiHasher(KEY);
    const sealer = piiSealer(deriveSealKeys(KEY));
    const stored = await a.database.db.selectFrom('lapse_person').select(['id_hash', 'contact', 'name_masked']).execute();
    const byHash = new Map(stored.map((p) => [p.id_hash, p]));
    for (let i = 0; i < 60; i++) {
      const name = names[i % names.length]!;
      const phone = i % 3 ? `1390000${String(i).padStart(4, '0')}` : null;
      const hash = hasher.hashId(testId(i));
      const person = byHash.get(hash);
      expect(person, `line ${i + 2}`).toBeDefined();
      // Byte for byte what sealing here gives: deterministic per person and value.
      expect(person!.contact).toBe(sealer.seal(contactText(name, phone), 'contact', hash));
      expect(parseContact(sealer.open(person!.contact!, 'contact'))).toEqual({ name, phone });
    }
    const again = await importRoster(file, options(a));
    expect(again).toMatchObject({ committed: true, taken: 60, written: 0 });
  });

  it('names a repeated ID by its lines, as before', async () => {
    const a = await start();
    const rows: Rows = [ROSTER_HEADER];
    for (let i = 0; i < 20; i++) rows.push(['李四', testId(i % 15), '城南街道', '单位', '', '', '']);
    const file = join(a.dir, 'twice.csv');
    writeCsv(file, rows);
    const report = await importRoster(file, options(a));
    expect(report).toMatchObject({ committed: false, taken: 0, refused: 5 });
    expect(report.reasons).toEqual([{ reason: 'id_duplicate', count: 5, first: expect.arrayContaining([{ line: 17, column: 'B', header: '身份证号' }]) as unknown }]);
    expect(report.refusedLines.map((l) => l.line)).toEqual([17, 18, 19, 20, 21]);
  });

  it('never shows the keys in what a failed import says or logs', async () => {
    const a = await start();
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    }
    for (const method of ['log', 'error', 'warn', 'info', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
    const keys = deriveSealKeys(KEY);
    const forms = [KEY, Buffer.from(KEY).toString('hex'), Buffer.from(KEY).toString('base64')];
    for (const k of [keys.enc, keys.nonce]) forms.push(Buffer.from(k).toString('hex'), Buffer.from(k).toString('base64'), Buffer.from(k).toString('base64url'), Array.from(k).join(','));
    const said: string[] = [];
    // A file that is not there: the checking thread fails at once, the sealing thread with it.
    const missing = await importRoster(join(a.dir, 'not-there.csv'), options(a)).catch((e: unknown) => e);
    // A file whose reading needs more heap than allowed: the checking thread dies.
    const big = join(a.dir, 'big.csv');
    writeCsv(big, [ROSTER_HEADER, [`${'张'.repeat(6_000_000)}`, testId(1), '城南街道', '单位', '', '', '']]);
    const heavy = await importRoster(big, { ...options(a), readerHeapMb: 16 }).catch((e: unknown) => e);
    vi.restoreAllMocks();
    for (const e of [missing, heavy]) {
      expect(e).toBeInstanceOf(ImportStopped);
      const stopped = e as ImportStopped;
      said.push(stopped.message, stopped.detail, String(stopped.stack), JSON.stringify(stopped), JSON.stringify(stopped.reason));
    }
    expect((heavy as ImportStopped).reason).toEqual({ kind: 'reader_memory', heapMb: 16 });
    const all = [...said, ...written].join('\n');
    for (const form of forms) expect(all).not.toContain(form);
    expect(await a.database.db.selectFrom('lapse_person').select('id').execute()).toEqual([]);
  });
});
