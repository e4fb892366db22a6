/**
 * A delivered post's text is kept for the dedupe window only: past it the
 * background job forgets the text and picture (a township's lists of people
 * among them), keeps the row so that the same post is never queued twice,
 * and leaves alone what is not delivered yet or was given up on.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { enqueuePost, forgetDeliveredText } from '../../src/store/outbox.ts';
import { createOutboxWorker } from '../../src/outbox/worker.ts';
import type { PlatformOutbound } from '../../src/core/platform-port.ts';
import { startBackground } from '../../src/background.ts';
import { loadConfig } from '../../src/config.ts';
import { until } from '../helpers/until.ts';
import { openDatabase } from '../../src/db/database.ts';

const DAY = 86_400_000;
const T0 = new Date('2026-11-23T02:00:00Z');

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const rows = async () =>
  (await app!.database.db.selectFrom('outbox').select(['dedupe_key', 'reply', 'image', 'delivered_at', 'dead_at']).orderBy('dedupe_key').execute()).map((r) => [
    r.dedupe_key,
    r.reply === '' ? 'forgotten' : 'kept',
    r.image === null ? 'no image' : 'image',
  ]);

/** Delivers whatever is due at `at` through a real worker, to a platform that takes it all. */
async function deliverAt(at: Date, fail: ReadonlySet<string> = new Set()): Promise<void> {
  const platform: PlatformOutbound = {
    name: 'console',
    post: async (channel) => {
      if (fail.has(channel)) throw new Error('refused');
    },
  };
  const worker = createOutboxWorker({ db: app!.database.db, platforms: [platform], log: app!.log, pollMs: 10, now: () => at, channelIntervalMs: 0, maxAttempts: 1 });
  worker.start();
  try {
    await until(
      async () => (await app!.database.db.selectFrom('outbox').select('id').where('delivered_at', 'is', null).where('dead_at', 'is', null).where('next_attempt_at', '<=', at.toISOString()).execute()).length === 0,
      () => 'everything due is delivered or given up',
    );
  } finally {
    await worker.stop();
  }
}

/** A township's list as a post carries it: longer than a page, so it lives in overflow pages too. */
const list = (key: string) => Array.from({ length: 300 }, (_, i) => `LIST-${key}-${i} 张*三 430602********1234`).join('\n');

const post = (key: string, channel: string, now: Date) =>
  enqueuePost(app!.database.db, {
    platform: 'console',
    channelId: channel,
    reply: { status: 'ok', text: list(key), image: { png: new Uint8Array([137, 80, 78, 71]), filename: 'c.png', alt: '图' } },
    dedupeKey: key,
    now,
  });

describe('the text of delivered posts', () => {
  it('is forgotten past the dedupe window by the background job; the row stays and still stops a second queueing', async () => {
    app = await openTestApp();
    const db = app.database.db;
    await post('a-old', 'c1', T0);
    await post('b-dead', 'bad', T0);
    await deliverAt(T0, new Set(['bad']));
    await post('c-recent', 'c1', new Date(T0.getTime() + 6 * DAY));
    await deliverAt(new Date(T0.getTime() + 6 * DAY));
    await post('d-waiting', 'c1', new Date(T0.getTime() + 8 * DAY + 60_000));
    expect(await rows()).toEqual([
      ['a-old', 'kept', 'image'],
      ['b-dead', 'kept', 'image'],
      ['c-recent', 'kept', 'image'],
      ['d-waiting', 'kept', 'image'],
    ]);
    const later = new Date(T0.getTime() + 8 * DAY);
    const config = loadConfig({ DATABASE_URL: app.databaseUrl, ENROLLBOT_DEDUPE_DAYS: '7', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! });
    const background = await startBackground({ app, config, platforms: [], log: app.log, now: () => later });
    try {
      await until(async () => (await rows())[0]![1] === 'forgotten', () => 'the old delivered post is forgotten');
    } finally {
      await background.stop();
    }
    expect(await rows()).toEqual([
      ['a-old', 'forgotten', 'no image'],
      // Given up on, not delivered: kept for `outbox resend`.
      ['b-dead', 'kept', 'image'],
      ['c-recent', 'kept', 'image'],
      ['d-waiting', 'kept', 'image'],
    ]);
    expect(app.log.lines.some((l) => l.includes('text of delivered posts past the dedupe window deleted'))).toBe(true);
    // Gone from the SQLite file itself, not only from the row: cleared
    // content is overwritten (secure_delete), so no free page keeps the list.
    if (app.database.file) {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      const file = readFileSync(app.database.file, 'latin1');
      expect(file.includes('LIST-a-old-'), 'the old list in the database file').toBe(false);
      expect(file.includes('LIST-c-recent-'), 'the recent list is kept').toBe(true);
    }
    // The same post again is still a duplicate: the key outlives the text.
    expect(await post('a-old', 'c1', later)).toBe(false);
    expect(await db.selectFrom('outbox').select('id').where('dedupe_key', '=', 'a-old').execute()).toHaveLength(1);
  });

  it('goes in slices, lets other work run between them, and counts each post once when two replicas sweep together', async () => {
    app = await openTestApp();
    for (let i = 0; i < 9; i++) await post(`p${i}`, 'c1', T0);
    await deliverAt(T0);
    const cutoff = new Date(T0.getTime() + DAY);
    expect(await forgetDeliveredText(app.database.db, T0, 2)).toBe(0);
    // Other work (a payment's turn) runs between the slices, not after the
    // whole sweep. (On PostgreSQL every query lets it run anyway; on SQLite,
    // which answers synchronously, only the yield between slices does.)
    let turns = 0;
    const tick = () => {
      turns++;
      if (turns < 100) setImmediate(tick);
    };
    setImmediate(tick);
    // A second replica on a connection of its own sweeps at the same time: each post is forgotten, and counted, once.
    const other = await openDatabase(app.databaseUrl);
    try {
      const [mine, theirs] = await Promise.all([forgetDeliveredText(app.database.db, cutoff, 2), forgetDeliveredText(other.db, cutoff, 2)]);
      expect(mine + theirs).toBe(9);
    } finally {
      await other.close();
    }
    expect(turns).toBeGreaterThanOrEqual(2);
    expect((await rows()).map((r) => r[1])).toEqual(Array(9).fill('forgotten'));
    expect(await forgetDeliveredText(app.database.db, cutoff, 2)).toBe(0);
  });
});
