/** Group commit runs again a write that lost a deadlock or serialization race, and nothing else. */
import { afterEach, describe, expect, it } from 'vitest';
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
