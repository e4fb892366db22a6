/** The outbox delivery worker: pacing, retries, Retry-After, and exactly-once across restarts. */
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { enqueuePost } from '../../src/store/outbox.ts';
import { backoffMs, createOutboxWorker, type OutboxWorker } from '../../src/outbox/worker.ts';
import { RateLimited, type PlatformOutbound } from '../../src/core/platform-port.ts';
import type { Reply } from '../../src/core/reply.ts';
import { until } from '../helpers/until.ts';

interface Sent {
  channel: string;
  text: string;
  at: number;
}

/** A platform that records what it accepted; `behave` may throw or hang per call. */
function recorder(behave?: (channel: string, text: string, call: number) => Promise<void> | void): PlatformOutbound & { sent: Sent[] } {
  const sent: Sent[] = [];
  let calls = 0;
  return {
    name: 'console',
    sent,
    async post(channel: string, reply: Reply) {
      calls++;
      await behave?.(channel, reply.text, calls);
      sent.push({ channel, text: reply.text, at: Date.now() });
    },
  };
}

async function queue(app: TestApp, channel: string, text: string, key = `${channel}:${text}`) {
  return enqueuePost(app.database.db, { platform: 'console', channelId: channel, reply: { status: 'ok', text }, dedupeKey: key, now: new Date() });
}

const apps: TestApp[] = [];
const workers: OutboxWorker[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop({ timeoutMs: 200 });
  for (const a of apps.splice(0)) await a.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function open(): Promise<TestApp> {
  const app = await openTestApp(dir ? { dir } : {});
  apps.push(app);
  return app;
}

function worker(app: TestApp, platform: PlatformOutbound, extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {}) {
  const w = createOutboxWorker({ db: app.database.db, platforms: [platform], log: app.log, channelIntervalMs: 40, pollMs: 20, baseBackoffMs: 30, ...extra });
  workers.push(w);
  return w;
}

const count = (sent: Sent[]) => {
  const m = new Map<string, number>();
  for (const s of sent) m.set(`${s.channel}:${s.text}`, (m.get(`${s.channel}:${s.text}`) ?? 0) + 1);
  return m;
};

describe('outbox worker', () => {
  it('delivers each post once, in order per channel, paced per channel, and marks it delivered', async () => {
    const app = await open();
    for (let i = 1; i <= 3; i++) {
      await queue(app, 'a', `a${i}`);
      await queue(app, 'b', `b${i}`);
    }
    expect(await queue(app, 'a', 'a1')).toBe(false); // same dedupe key: not queued twice
    const platform = recorder();
    const w = worker(app, platform);
    w.start();
    expect(await w.idle(5000)).toBe(true);
    expect(platform.sent.map((s) => s.text).filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(platform.sent).toHaveLength(6);
    const a = platform.sent.filter((s) => s.channel === 'a').map((s) => s.at);
    for (let i = 1; i < a.length; i++) expect(a[i]! - a[i - 1]!).toBeGreaterThanOrEqual(38);
    const rows = await app.database.db.selectFrom('outbox').select(['delivered_at', 'claimed_by', 'attempts']).execute();
    expect(rows.every((r) => r.delivered_at !== null && r.claimed_by === null && r.attempts === 1)).toBe(true);
  });

  it("waits the platform's Retry-After before sending to that channel again", async () => {
    const app = await open();
    await queue(app, 'a', 'x');
    const calls: number[] = [];
    const platform = recorder((_c, _t, call) => {
      calls.push(Date.now());
      if (call === 1) throw new RateLimited(250);
    });
    const w = worker(app, platform);
    w.start();
    const row = () => app.database.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    await until(async () => (await row()).last_error !== null, () => 'the refusal recorded');
    expect((await row()).delivered_at).toBeNull();
    expect((await row()).last_error).toContain('rate limited');
    expect(await w.idle(5000)).toBe(true);
    expect(platform.sent).toHaveLength(1);
    expect((await row()).delivered_at).not.toBeNull();
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(245);
  });

  it('retries a failure with exponential backoff until it goes through', async () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 60_000))).toEqual([1000, 2000, 4000, 8000, 60_000]);
    const app = await open();
    await queue(app, 'a', 'x');
    const calls: number[] = [];
    const platform = recorder((_c, _t, call) => {
      calls.push(Date.now());
      if (call <= 2) throw new Error('socket hang up');
    });
    const w = worker(app, platform, { baseBackoffMs: 60 });
    w.start();
    await until(() => platform.sent.length > 0, () => `a delivery; ${calls.length} calls`);
    expect(platform.sent).toHaveLength(1);
    expect(calls).toHaveLength(3);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(55); // 60 ms
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(115); // 120 ms
    await w.idle(2000);
    const row = await app.database.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row.attempts).toBe(3);
    expect(row.delivered_at).not.toBeNull();
    expect(row.last_error).toBeNull();
  });

  it('interrupted mid-way and restarted on the same database, delivers every message exactly once', async () => {
    dir = await makeDir();
    const first = await open();
    for (let i = 1; i <= 5; i++) for (const ch of ['a', 'b', 'c']) await queue(first, ch, `${ch}${i}`);
    const platform = recorder();
    const w1 = worker(first, platform);
    w1.start();
    await until(() => platform.sent.length >= 4, () => `4 deliveries; ${platform.sent.length} so far`);
    await w1.stop({ timeoutMs: 1000 });
    const before = platform.sent.length;
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(15);
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    const second = await open();
    const w2 = worker(second, platform);
    w2.start();
    expect(await w2.idle(5000)).toBe(true);
    const counts = count(platform.sent);
    expect(counts.size).toBe(15);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('after a crash mid-send, leaves the claimed row to its lease, then sends it once', async () => {
    dir = await makeDir();
    const first = await open();
    await queue(first, 'a', 'hung');
    await queue(first, 'b', 'fine');
    let release: (() => void) | undefined;
    // The first worker's post to channel a never returns: the process "dies" there.
    const dying = recorder((channel) => (channel === 'a' ? new Promise<void>((r) => (release = r)) : undefined));
    const w1 = createOutboxWorker({ db: first.database.db, platforms: [dying], log: first.log, channelIntervalMs: 40, pollMs: 20, leaseMs: 60_000 });
    w1.start();
    await until(() => dying.sent.length >= 1 && release !== undefined, () => 'one post sent and the other hung');
    expect(dying.sent.map((s) => s.text)).toEqual(['fine']);

    // A restarted worker does not touch the row while the dead worker's claim holds…
    const platform = recorder();
    let clock = Date.now();
    // The worker reads the clock once a pass: how many times it looked.
    let looks = 0;
    const second = await open();
    const w2 = worker(second, platform, {
      now: () => {
        looks++;
        return new Date(clock);
      },
    });
    w2.start();
    await until(() => looks >= 5, () => `the second worker to look a few times (${looks})`);
    expect(platform.sent).toHaveLength(0); // the row is still held
    // …and sends it once when the lease is over.
    clock += 61_000;
    expect(await w2.idle(5000)).toBe(true);
    expect(platform.sent.map((s) => s.text)).toEqual(['hung']);
    const row = await second.database.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', 'a:hung').executeTakeFirstOrThrow();
    expect(row.delivered_at).not.toBeNull();
    expect(row.attempts).toBe(2);
    release?.();
    await w1.stop({ timeoutMs: 200 });
  });

  it('two workers on one database never send the same row', async () => {
    dir = await makeDir();
    const one = await open();
    const two = await open();
    for (let i = 1; i <= 4; i++) for (let c = 0; c < 10; c++) await queue(one, `ch${c}`, `m${i}`);
    const platform = recorder(() => new Promise((r) => setTimeout(r, 2)));
    const w1 = worker(one, platform);
    const w2 = worker(two, platform);
    w1.start();
    w2.start();
    await until(() => platform.sent.length >= 40, () => `40 deliveries; ${platform.sent.length} so far`);
    expect(await w1.idle(3000)).toBe(true);
    expect(await w2.idle(3000)).toBe(true);
    const counts = count(platform.sent);
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('two workers on one database pace a channel together: one message at a time, paced, in order', async () => {
    dir = await makeDir();
    const one = await open();
    const two = await open();
    for (let i = 1; i <= 6; i++) await queue(one, 'a', `a${i}`);
    const spans: { text: string; start: number; end: number }[] = [];
    const slow = () => {
      const p = recorder(async (_channel, text) => {
        const start = Date.now();
        await new Promise((r) => setTimeout(r, 30));
        spans.push({ text, start, end: Date.now() });
      });
      return p;
    };
    const p1 = slow();
    const p2 = slow();
    const w1 = worker(one, p1, { channelIntervalMs: 200 });
    const w2 = worker(two, p2, { channelIntervalMs: 200 });
    w1.start();
    w2.start();
    await until(() => spans.length >= 6, () => `6 sends; ${spans.length} so far`);
    expect(spans.map((s) => s.text)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    // Both workers look at the channel every 20 ms, yet it never had two sends
    // at once nor two within the interval: the pacing is the database's, not a
    // process's (paced per process, the second worker would send a2 during a1).
    expect(p1.sent.length + p2.sent.length).toBe(6);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
      expect(spans[i]!.start - spans[i - 1]!.start).toBeGreaterThanOrEqual(195);
    }
  });

  it("a platform's Retry-After seen by one worker holds the channel for every worker", async () => {
    dir = await makeDir();
    const one = await open();
    const two = await open();
    await queue(one, 'a', 'a1');
    await queue(one, 'a', 'a2');
    const limited = recorder((_c, text) => {
      if (text === 'a1') throw new RateLimited(700);
    });
    const w1 = worker(one, limited);
    w1.start();
    const refusal = async () =>
      (await one.database.db.selectFrom('outbox').select('last_error').where('dedupe_key', '=', 'a:a1').executeTakeFirstOrThrow()).last_error;
    await until(async () => (await refusal()) !== null, () => 'the refusal recorded');
    await w1.stop({ timeoutMs: 200 });
    const refusedAt = Date.now();
    const other = recorder();
    const w2 = worker(two, other);
    w2.start();
    expect(await w2.idle(5000)).toBe(true);
    expect(other.sent.map((s) => s.text)).toEqual(['a1', 'a2']);
    expect(other.sent[0]!.at - refusedAt).toBeGreaterThanOrEqual(600);
  });
});
