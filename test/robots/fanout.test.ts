/**
 * A board to group robots: its parts are cut where the post is read (the
 * board thread), once an app, and the write transaction copies them. The
 * rows must be exactly those that cutting the stored board at the write
 * gives, redacted, within each app's limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { enqueueFor, storedForPlatforms } from '../../src/robots/fanout.ts';
import { fits } from '../../src/robots/render.ts';
import { readStoredReply } from '../../src/store/outbox.ts';
import { imagePartText } from '../../src/store/robots.ts';
import type { Reply } from '../../src/core/reply.ts';
import type { RobotApp } from '../../src/db/schema.ts';

const ID = '110101199003077777';

function board(n: number): Reply {
  return {
    status: 'ok',
    title: '本区城乡居民医保征缴进度（第3期）',
    text: '',
    table: {
      columns: ['排名', '名称', '已缴/任务(人)', '完成率'].map((header) => ({ header, align: 'left' as const })),
      // One cell holds an ID number: every part of every app must mask it.
      rows: Array.from({ length: n }, (_, i) => [String(i + 1), i === 417 ? `联系人 ${ID}` : `乡镇第${i + 1}号`, `${30_000 - i}/40,000`, `${(90 - i / 100).toFixed(2)}%`]),
      brief: [0, 1, 3],
    },
    footer: '距截止还有 39 天',
  };
}

const atOnce = async () => {};
const APPS: RobotApp[] = ['wecom', 'dingtalk', 'feishu'];

describe('storedForPlatforms', () => {
  it('cuts parts for the robot apps among the platforms only, each within its limits and masked', async () => {
    const stored = storedForPlatforms(board(2000), ['console', 'wecom-robot', 'feishu-robot', 'wecom-robot']);
    expect(Object.keys(stored.parts ?? {}).sort()).toEqual(['feishu', 'wecom']);
    for (const app of ['wecom', 'feishu'] as const) {
      const parts = stored.parts![app]!;
      expect(parts.length, app).toBeGreaterThan(1);
      for (const part of parts) {
        expect(part).not.toContain(ID);
        expect(fits(app, await readStoredReply(part, atOnce)), app).toBe(true);
      }
    }
    expect(stored.stored).not.toContain(ID);
    expect(storedForPlatforms(board(5), ['console', 'slack']).parts).toBeUndefined();
  });
});

describe('enqueueFor', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const rowsOf = async (channelId: string) =>
    (await app!.database.db.selectFrom('outbox').select(['reply', 'image', 'dedupe_key']).where('channel_id', '=', channelId).orderBy('id').execute()).map((r) => ({
      ...r,
      dedupe_key: r.dedupe_key.replace(channelId, '*'),
    }));

  it('stores the parts cut with the board exactly as cutting its stored text at the write would', async () => {
    app = await openTestApp();
    const db = app.database.db;
    const now = new Date();
    const reply = board(2000);
    const cut = storedForPlatforms(reply, APPS.map((a) => `${a}-robot`));
    const uncut = { stored: cut.stored };
    const chart = { id: 7, filename: 'board.png', alt: '图' };
    for (const a of APPS) {
      await enqueueFor(db, { platform: `${a}-robot`, channelId: `R-cut-${a}`, reply: cut, chart, dedupeKey: `post:R-cut-${a}`, now });
      await enqueueFor(db, { platform: `${a}-robot`, channelId: `R-uncut-${a}`, reply: uncut, chart, dedupeKey: `post:R-uncut-${a}`, now });
      const rows = await rowsOf(`R-cut-${a}`);
      expect(rows, a).toEqual(await rowsOf(`R-uncut-${a}`));
      // WeCom's first part is the chart, by reference; the others carry it in no row.
      const texts = await Promise.all(rows.map(async (r) => (await readStoredReply(r.reply, atOnce)).text));
      if (a === 'wecom') expect(texts[0]).toBe(imagePartText(7));
      const lines = (await Promise.all(rows.map((r) => readStoredReply(r.reply, atOnce)))).flatMap((p) => p.text.split('\n'));
      // Every township once, in order, in the app's parts.
      const names = lines.flatMap((l) => /乡镇第(\d+)号/.exec(l)?.[1] ?? []).map(Number);
      expect(names, a).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1).filter((i) => i !== 418));
      for (const r of rows) expect(r.reply).not.toContain(ID);
    }
    // A second post with the same keys queues nothing.
    expect(await enqueueFor(db, { platform: 'feishu-robot', channelId: 'R-cut-feishu', reply: cut, dedupeKey: 'post:R-cut-feishu', now })).toBe(false);
  });

  it('gives a chat channel the whole stored board, not the parts', async () => {
    app = await openTestApp();
    const cut = storedForPlatforms(board(300), ['console', 'dingtalk-robot']);
    await enqueueFor(app.database.db, { platform: 'console', channelId: 'leaders', reply: cut, dedupeKey: 'post:leaders', now: new Date() });
    const [row] = await rowsOf('leaders');
    expect(row!.reply).toBe(cut.stored);
  });
});
