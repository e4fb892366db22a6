/**
 * Slow work happens after the chat transaction commits: `board post` queues
 * rows (the chart as SVG) and the delivery worker draws the chart when it
 * sends; `lapse scan` writes its cases, then builds and queues the digests,
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
  it('board post queues the chart undrawn; the worker draws it when sending', async () => {
    app = await openTestApp({ now: NOW });
    for (const line of ['township add 甲镇 target 10', 'township add 乙镇 target 10', 'bind leaders']) {
      expect((await app.say('admin', 'leaders', line)).status).toBe('ok');
    }
    expect((await app.say('admin', 'leaders', 'board post')).status).toBe('ok');
    const rows = await app.database.db.selectFrom('outbox').select(['image']).execute();
    expect(rows).toHaveLength(1);
    const queued = JSON.parse(rows[0]!.image!) as Record<string, unknown>;
    expect(queued.svg).toMatch(/^<svg /);
    expect(queued.png).toBeUndefined();

    let drawn = 0;
    const posted: Reply[] = [];
    const platform: PlatformOutbound = { name: 'console', post: async (_channel, reply) => void posted.push(reply) };
    const worker = createOutboxWorker({
      db: app.database.db,
      platforms: [platform],
      log: app.log,
      drawChart: async (svg) => {
        drawn++;
        return new TextEncoder().encode(`drawn:${svg.length}`);
      },
    });
    worker.start();
    expect(await worker.idle(10_000)).toBe(true);
    await worker.stop();
    expect(drawn).toBe(1);
    expect(posted).toHaveLength(1);
    expect(new TextDecoder().decode(posted[0]!.image!.png)).toBe(`drawn:${(queued.svg as string).length}`);
    expect(posted[0]!.image!.filename).toMatch(/\.png$/);
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
