/** Group commit runs again a write that lost a deadlock or serialization race, and nothing else. */
import { afterEach, describe, expect, it } from 'vitest';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { createGroupCommit } from '../../src/db/group-commit.ts';
import { putSetting, getSetting } from '../../src/store/settings.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const conflict = (code: string) => Object.assign(new Error(`conflict ${code}`), { code });

describe('group commit conflict retries', () => {
  it('retries a lone write that hit a deadlock, and a batched one that lost a serialization race', async () => {
    app = await openTestApp();
    const writes = createGroupCommit(app.database.db);
    let tries = 0;
    await writes.run(async (tx) => {
      await putSetting(tx, 'lone', String(++tries));
      if (tries === 1) throw conflict('40P01');
    });
    expect(tries).toBe(2);
    expect(await getSetting(app.database.db, 'lone')).toBe('2');

    const seen: string[] = [];
    let failedOnce = false;
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((key) =>
        writes.run(async (tx) => {
          seen.push(key);
          await putSetting(tx, `batch-${key}`, key);
          if (key === 'b' && !failedOnce) {
            failedOnce = true;
            throw conflict('40001');
          }
          if (key === 'c') throw conflict('23505'); // not a conflict to retry: it fails alone
          return key;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(seen.filter((k) => k === 'b')).toHaveLength(2);
    expect(seen.filter((k) => k === 'c')).toHaveLength(1);
    expect(await getSetting(app.database.db, 'batch-b')).toBe('b');
    expect(await getSetting(app.database.db, 'batch-c')).toBeUndefined();
    expect(await getSetting(app.database.db, 'batch-d')).toBe('d');
  });

  it('gives up after a few tries', async () => {
    app = await openTestApp();
    const writes = createGroupCommit(app.database.db);
    let tries = 0;
    await expect(
      writes.run(async () => {
        tries++;
        throw conflict('40P01');
      }),
    ).rejects.toThrow('conflict 40P01');
    expect(tries).toBe(4);
  });
});

/** Records the raw statements (savepoints) a database handle runs. */
function rawStatements(): { plugin: KyselyPlugin; seen: string[] } {
  const seen: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      const raw = node as RootOperationNode & { sqlFragments?: readonly string[] };
      if (raw.kind === 'RawNode' && raw.sqlFragments) seen.push(raw.sqlFragments.join('?'));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { plugin, seen };
}

describe('group commit batches', () => {
  it('commits a batch without a savepoint per write when every write succeeds', async () => {
    app = await openTestApp();
    const { plugin, seen } = rawStatements();
    const writes = createGroupCommit(app.database.db.withPlugin(plugin));
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(keys.map((key) => writes.run(async (tx) => (await putSetting(tx, `ok-${key}`, key), key))));
    expect(results).toEqual(keys);
    for (const key of keys) expect(await getSetting(app.database.db, `ok-${key}`)).toBe(key);
    expect(seen.filter((s) => s.includes('savepoint'))).toEqual([]);
  });

  it('falls back to a savepoint per write when one write of a batch fails: only that write is lost', async () => {
    app = await openTestApp();
    const { plugin, seen } = rawStatements();
    const writes = createGroupCommit(app.database.db.withPlugin(plugin));
    const runs = new Map<string, number>();
    // A write in progress holds the next four together, as a commit in progress does a burst.
    let open!: () => void;
    let began!: () => void;
    const started = new Promise<void>((resolve) => (began = resolve));
    const first = writes.run(
      () =>
        new Promise<string>((resolve) => {
          open = () => resolve('first');
          began();
        }),
    );
    await started;
    const settled = Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((key) =>
        writes.run(async (tx) => {
          runs.set(key, (runs.get(key) ?? 0) + 1);
          await putSetting(tx, `fb-${key}`, key);
          if (key === 'c') throw new Error('refused');
          return key;
        }),
      ),
    );
    open();
    expect(await first).toBe('first');
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(await getSetting(app.database.db, 'fb-a')).toBe('a');
    expect(await getSetting(app.database.db, 'fb-b')).toBe('b');
    expect(await getSetting(app.database.db, 'fb-c')).toBeUndefined();
    expect(await getSetting(app.database.db, 'fb-d')).toBe('d');
    // One batch: run optimistically up to c's failure, then once more the savepoint way.
    expect(Object.fromEntries(runs)).toEqual({ a: 2, b: 2, c: 2, d: 1 });
    expect(seen.filter((s) => s.startsWith('rollback to savepoint'))).toHaveLength(1);
  });
});
