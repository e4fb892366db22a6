/**
 * Deliveries that never silently stop: a post that keeps failing is
 * dead-lettered after a set number of attempts, the admins are told once in
 * the leaders' channel, /healthz counts it, and `outbox resend` queues it
 * again; a post refused for membership goes out without its image; a
 * platform-wide 429 pauses every channel of the platform, and the platform's
 * token bucket is shared through the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { enqueuePost, takePlatformTokens } from '../../src/store/outbox.ts';
import { createOutboxWorker, type OutboxWorker } from '../../src/outbox/worker.ts';
import { NotMember, RateLimited, type PlatformOutbound } from '../../src/core/platform-port.ts';
import type { Reply } from '../../src/core/reply.ts';
import { botHealth } from '../../src/ops/health.ts';
import { cliOutbox } from '../../src/outbox/cli-outbox.ts';
import { until } from '../helpers/until.ts';

interface Sent {
  channel: string;
  reply: Reply;
  at: number;
}

function platform(behave: (channel: string, reply: Reply) => void, extra: Partial<PlatformOutbound> = {}): PlatformOutbound & { sent: Sent[]; tried: string[] } {
  const sent: Sent[] = [];
  const tried: string[] = [];
  return {
    name: 'console',
    sent,
    tried,
    ...extra,
    async post(channel, reply) {
      tried.push(channel);
      behave(channel, reply);
      sent.push({ channel, reply, at: Date.now() });
    },
  };
}

const apps: TestApp[] = [];
const workers: OutboxWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop({ timeoutMs: 200 });
  for (const a of apps.splice(0)) await a.close();
});

async function open(): Promise<TestApp> {
  const app = await openTestApp();
  apps.push(app);
  return app;
}

function start(app: TestApp, p: PlatformOutbound, extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {}) {
  const w = createOutboxWorker({ db: app.database.db, platforms: [p], log: app.log, channelIntervalMs: 5, pollMs: 20, baseBackoffMs: 5, maxBackoffMs: 10, ...extra });
  workers.push(w);
  w.start();
  return w;
}

const queue = (app: TestApp, channel: string, reply: Reply, key: string) =>
  enqueuePost(app.database.db, { platform: 'console', channelId: channel, reply, dedupeKey: key, now: new Date() });

describe('dead letters', () => {
  it('gives a failing post up after the set attempts, tells the leaders once, shows it in /healthz, and resends it', async () => {
    const app = await open();
    expect((await app.say('admin', 'leaders', 'bind leaders')).status).toBe('ok');
    let broken = true;
    const p = platform((channel) => {
      if (channel === 'gone' && broken) throw new Error('channel_not_found');
    });
    await queue(app, 'gone', { status: 'ok', text: 'board for gone' }, 'board:gone');
    const w = start(app, p, { maxAttempts: 3 });
    expect(await w.idle(10_000)).toBe(true);
    expect(p.tried.filter((c) => c === 'gone')).toHaveLength(3);
    const notices = p.sent.filter((s) => s.channel === 'leaders');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.reply.title).toContain('1');
    expect(notices[0]!.reply.text).toContain('board:gone');
    expect(notices[0]!.reply.footer).toContain('npm run cli -- outbox');
    expect(app.log.lines.some((l) => l.includes('"level":"error"') && l.includes('dead-lettered'))).toBe(true);

    const health = await botHealth({ db: app.database.db, platforms: [], log: app.log })();
    expect(health.outbox.dead).toBe(1);
    expect(health.warnings.join(' ')).toContain('outbox: 1 dead letter');

    let listed = '';
    expect(await cliOutbox(app.database.db, [], { write: (s) => (listed += s), fail: () => {}, now: new Date() })).toBe(0);
    expect(listed).toContain('board:gone');
    expect(listed).toContain('channel_not_found');

    // Once fixed, resent: delivered once, no second notice.
    broken = false;
    let out = '';
    expect(await cliOutbox(app.database.db, ['resend', 'all'], { write: (s) => (out += s), fail: () => {}, now: new Date() })).toBe(0);
    expect(out).toContain('queued 1 post');
    w.kick();
    await until(() => p.sent.some((s) => s.channel === 'gone'), () => 'the resent post delivered');
    expect(await w.idle(5000)).toBe(true);
    expect(p.sent.filter((s) => s.channel === 'leaders')).toHaveLength(1);
    expect((await botHealth({ db: app.database.db, platforms: [], log: app.log })()).outbox.dead).toBe(0);
  });

  it('refuses a resend that names no post, and says so', async () => {
    const app = await open();
    let err = '';
    expect(await cliOutbox(app.database.db, ['resend', 'x1'], { write: () => {}, fail: (s) => (err += s), now: new Date() })).toBe(2);
    expect(err).toContain('#12');
    let out = '';
    expect(await cliOutbox(app.database.db, ['resend', '99'], { write: (s) => (out += s), fail: () => {}, now: new Date() })).toBe(1);
    expect(out).toContain('nothing queued');
  });

  it('posts without the image when the bot is not a member of the channel', async () => {
    const app = await open();
    const p = platform((_channel, reply) => {
      if (reply.image) throw new NotMember('not_in_channel', { withoutImage: true });
    });
    const png = new Uint8Array([1, 2, 3]);
    await queue(app, 'outside', { status: 'ok', text: 'board', image: { png, filename: 'c.png', alt: 'chart' } }, 'board:outside');
    const w = start(app, p);
    expect(await w.idle(5000)).toBe(true);
    expect(p.sent).toHaveLength(1);
    expect(p.sent[0]!.reply.image).toBeUndefined();
    expect(p.sent[0]!.reply.footer).toContain('/invite');
    const row = await app.database.db.selectFrom('outbox').select(['delivered_at', 'dead_at']).executeTakeFirstOrThrow();
    expect(row.delivered_at).not.toBeNull();
  });
});

describe('pacing per platform', () => {
  it('a 429 pauses every channel of a platform with a rate, not only its own', async () => {
    const app = await open();
    let limited = false;
    const p = platform(
      (channel) => {
        if (channel === 'a' && !limited) {
          limited = true;
          throw new RateLimited(600);
        }
      },
      { rate: { perSecond: 100, burst: 100 } },
    );
    await queue(app, 'a', { status: 'ok', text: 'a1' }, 'a1');
    const w = start(app, p);
    await until(() => limited, () => 'the 429');
    const limitedAt = Date.now();
    await queue(app, 'b', { status: 'ok', text: 'b1' }, 'b1');
    w.kick();
    expect(await w.idle(5000)).toBe(true);
    const b = p.sent.find((s) => s.channel === 'b')!;
    // Channel b never saw the 429 itself, yet waited for it.
    expect(b.at - limitedAt).toBeGreaterThanOrEqual(450);
    const row = await app.database.db.selectFrom('outbox_platform').selectAll().where('platform', '=', 'console').executeTakeFirstOrThrow();
    expect(row.paused_until).not.toBeNull();
    // The 429 is pacing, not a failure: it did not count toward dead-lettering.
    const a = await app.database.db.selectFrom('outbox').select('attempts').where('dedupe_key', '=', 'a1').executeTakeFirstOrThrow();
    expect(a.attempts).toBe(1);
  });

  it('keeps a workspace-wide rate across channels, and two workers share the bucket', async () => {
    const app = await open();
    const p = platform(() => {}, { rate: { perSecond: 20, burst: 2 } });
    for (let i = 0; i < 10; i++) await queue(app, `c${i}`, { status: 'ok', text: `m${i}` }, `m${i}`);
    const w1 = start(app, p, { workerId: 'one' });
    const w2 = start(app, p, { workerId: 'two' });
    await until(() => p.sent.length === 10, () => `10 sent, got ${p.sent.length}`, 10_000);
    await Promise.all([w1.idle(5000), w2.idle(5000)]);
    const times = p.sent.map((s) => s.at).sort((x, y) => x - y);
    // 10 messages at 20 a second with a burst of 2: at least (10 - 2) / 20 s.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(350);
  });

  it('the bucket grants no more than its burst at once and refills with time', async () => {
    const app = await open();
    const db = app.database.db;
    const t0 = new Date('2026-11-23T02:00:00Z');
    expect((await takePlatformTokens(db, 'slack', 5, t0, { perSecond: 2, burst: 3 })).granted).toBe(3);
    const empty = await takePlatformTokens(db, 'slack', 1, t0, { perSecond: 2, burst: 3 });
    expect(empty.granted).toBe(0);
    expect(empty.waitMs).toBe(500);
    expect((await takePlatformTokens(db, 'slack', 5, new Date(t0.getTime() + 1000), { perSecond: 2, burst: 3 })).granted).toBe(2);
  });
});
