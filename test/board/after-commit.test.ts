/**
 * Slow work happens after the chat transaction commits: `board post` queues
 * rows and stores the chart once, as SVG; the first sender draws it and
 * stores the PNG for the others; `lapse scan` writes its cases, then builds and queues the digests,
 * and its reply (also for a replayed message) counts what was queued.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { importOneContributor } from '../helpers/lapse-files.ts';
import { createOutboxWorker } from '../../src/outbox/worker.ts';
import type { PlatformOutbound } from '../../src/core/platform-port.ts';
import type { Reply } from '../../src/core/reply.ts';
import { catalogue } from '../../src/i18n/index.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
let app: TestApp;
afterEach(async () => app?.close());

describe('after commit', () => {
  it('board post stores the chart once, undrawn; the first sender draws it and every channel and replica sends those bytes', async () => {
    app = await openTestApp({ now: NOW });
    for (const line of ['township add 甲镇 target 10', 'township add 乙镇 target 10', 'bind leaders']) {
      expect((await app.say('admin', 'leaders', line)).status).toBe('ok');
    }
    expect((await app.say('admin', 'leaders2', 'bind leaders')).status).toBe('ok');
    expect((await app.say('admin', 'leaders', 'board post')).status).toBe('ok');
    const db = app.database.db;
    const rows = await db.selectFrom('outbox').select(['image']).execute();
    expect(rows).toHaveLength(2);
    // The rows refer to one stored chart; neither carries a picture or its SVG.
    const queued = rows.map((r) => JSON.parse(r.image!) as Record<string, unknown>);
    expect(queued[0]!.chart).toEqual(expect.any(Number));
    expect(queued[1]!.chart).toBe(queued[0]!.chart);
    for (const q of queued) expect(q.svg ?? q.png).toBeUndefined();
    const stored = await db.selectFrom('robot_image').select(['id', 'svg', 'png']).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.svg).toMatch(/^<svg /);
    expect(stored[0]!.png).toBeNull();

    let drawn = 0;
    const posted: Reply[] = [];
    const platform: PlatformOutbound = { name: 'console', post: async (_channel, reply) => void posted.push(reply) };
    const draw = async (svg: string) => {
      drawn++;
      return new TextEncoder().encode(`drawn:${svg.length}`);
    };
    const worker = createOutboxWorker({ db, platforms: [platform], log: app.log, drawChart: draw });
    worker.start();
    expect(await worker.idle(10_000)).toBe(true);
    await worker.stop();
    expect(drawn).toBe(1);
    expect(posted).toHaveLength(2);
    for (const p of posted) expect(new TextDecoder().decode(p.image!.png)).toBe(`drawn:${stored[0]!.svg.length}`);
    expect(posted[0]!.image!.filename).toMatch(/\.png$/);
    const after = await db.selectFrom('robot_image').select('png').executeTakeFirstOrThrow();
    expect(new TextDecoder().decode(after.png!)).toBe(`drawn:${stored[0]!.svg.length}`);

    // Another replica sending the post again (a lost delivery) reads the stored drawing: no second drawing.
    await db.updateTable('outbox').set({ delivered_at: null }).execute();
    const replica = createOutboxWorker({ db, platforms: [platform], log: app.log, drawChart: draw });
    replica.start();
    expect(await replica.idle(10_000)).toBe(true);
    await replica.stop();
    expect(posted).toHaveLength(4);
    expect(drawn).toBe(1);
    expect(new TextDecoder().decode(posted[3]!.image!.png)).toBe(`drawn:${stored[0]!.svg.length}`);
  });

  it('lapse scan counts the reminders queued after commit, and a replay gets the same answer', async () => {
    app = await openTestApp({ now: NOW });
    for (const line of ['township add 甲镇', 'bind leaders']) expect((await app.say('admin', 'leaders', line)).status).toBe('ok');
    expect((await app.say('admin', '甲', 'bind 甲镇')).status).toBe('ok');
    await importOneContributor(app, { township: '甲镇', lastPaid: '2026-09', now: NOW, through: '2026-10' });
    const first = await app.say('admin', 'x', 'lapse scan 2026-10', 'scan-1');
    expect(first.status).toBe('ok');
    const queued = await app.database.db.selectFrom('outbox').select('dedupe_key').execute();
    expect(queued.length).toBeGreaterThan(0);
    expect(first.text).toBe(catalogue('zh-CN').lapseScanDone({ month: '2026-10', opened: 1, updated: 0, closed: 0, open: 1, posts: queued.length }));
    const replay = await app.say('admin', 'x', 'lapse scan 2026-10', 'scan-1');
    expect(replay.duplicate).toBe(true);
    expect(replay.text).toBe(first.text);
    expect(await app.database.db.selectFrom('outbox').select('id').execute()).toHaveLength(queued.length);
  });
});
