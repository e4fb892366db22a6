/**
 * A queued reply as the outbox stores it: read back exactly as stored,
 * whatever its cells hold and however long its table; a long table is read
 * a piece at a time, with the event loop let run between the pieces, so a
 * payment answered meanwhile does not wait for a province's whole board.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';
import { enqueuePost, readStoredReply, STORED_ROWS_A_PIECE, storedReply } from '../../src/store/outbox.ts';
import { storableReply, type Reply } from '../../src/core/reply.ts';
import { redactReply } from '../../src/core/redact-reply.ts';
import { createOutboxWorker } from '../../src/outbox/worker.ts';
import type { PlatformOutbound } from '../../src/core/platform-port.ts';

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
/** As a reader inside a transaction reads it: the pieces one after another. */
const atOnce = async () => {};

function board(rows: number, cell: (r: number, c: number) => string = (r, c) => (c === 0 ? String(r + 1) : `镇${r}·${c}`)): Reply {
  return {
    status: 'ok',
    title: '第3期 本区城乡居民医保征缴进度通报',
    text: '序时进度 68.85%',
    table: {
      columns: [
        { header: '排名', align: 'right' },
        { header: '名称', align: 'left' },
        { header: '完成率', align: 'right' },
      ],
      rows: Array.from({ length: rows }, (_, r) => [0, 1, 2].map((c) => cell(r, c))),
    },
    footer: '数据来源：乡镇自报',
  };
}

describe('a stored reply', () => {
  it('reads back as stored, at every length around a piece, both ways', async () => {
    for (const rows of [0, 1, STORED_ROWS_A_PIECE - 1, STORED_ROWS_A_PIECE, STORED_ROWS_A_PIECE + 1, 2 * STORED_ROWS_A_PIECE, 2 * STORED_ROWS_A_PIECE + 1, 2000]) {
      const reply = board(rows);
      const { stored } = storedReply(reply);
      const want = storableReply(redactReply(reply));
      expect(await readStoredReply(stored, immediate), `${rows} rows`).toEqual(want);
      expect(await readStoredReply(stored, atOnce), `${rows} rows`).toEqual(want);
    }
  });

  it('keeps any cell text exactly: line breaks, quotes, backslashes, tabs, U+2028, CJK', async () => {
    const cellText = fc.string({ unit: fc.constantFrom('\n', '\r', '"', '\\', '\t', '\u2028', '镇', 'a', ' ', '9', '%', '\u0000') });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cellText, { minLength: 3, maxLength: 3 }), { maxLength: 3 * STORED_ROWS_A_PIECE + 7 }), async (rows) => {
        const reply: Reply = { ...board(0), table: { ...board(0).table!, rows } };
        const { stored } = storedReply(reply);
        const want = storableReply(redactReply(reply));
        expect(await readStoredReply(stored, immediate)).toEqual(want);
        expect(await readStoredReply(stored, atOnce)).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });

  it('is masked when stored: an ID number in a cell never reaches the row', async () => {
    const { stored } = storedReply(board(600, (r, c) => (r === 417 && c === 1 ? '110101199003077777' : `镇${r}`)));
    expect(stored).not.toContain('110101199003077777');
    expect((await readStoredReply(stored, atOnce)).table!.rows[417]![1]).toBe('110101********7777');
  });

  it('a 2,000-row board is read a piece at a time: other work runs between the pieces', async () => {
    const { stored } = storedReply(board(2000));
    let pieces = 0;
    let otherWork = 0;
    let done = false;
    // A payment's turn of the event loop, as often as it gets one until the read ends.
    const paying = (async () => {
      while (!done) {
        otherWork++;
        await immediate();
      }
    })();
    const reply = await readStoredReply(stored, () => {
      pieces++;
      return immediate();
    });
    done = true;
    await paying;
    expect(reply.table!.rows).toHaveLength(2000);
    expect(pieces).toBe(2000 / STORED_ROWS_A_PIECE);
    expect(otherWork).toBeGreaterThanOrEqual(pieces);
  });

  it('a row queued by an earlier version (one JSON document, any length) still reads', async () => {
    const reply = storableReply(board(2000));
    expect(await readStoredReply(JSON.stringify(reply), immediate)).toEqual(reply);
    expect(await readStoredReply(JSON.stringify(reply), atOnce)).toEqual(reply);
  });
});

describe('the outbox worker', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('delivers a 2,000-row board whole and in order', async () => {
    app = await openTestApp();
    const got: Reply[] = [];
    const platform: PlatformOutbound = { name: 'console', post: async (_channel, reply) => void got.push(reply) };
    const reply = board(2000);
    await enqueuePost(app.database.db, { platform: 'console', channelId: 'leaders', reply: storedReply(reply), dedupeKey: 'big', now: new Date() });
    const worker = createOutboxWorker({ db: app.database.db, platforms: [platform], log: app.log, pollMs: 20 });
    worker.start();
    try {
      await until(() => got.length === 1, () => `${got.length} delivered`);
      expect(got[0]).toEqual(storableReply(redactReply(reply)));
    } finally {
      await worker.stop();
    }
  });
});
