/**
 * Replicas (issue 7): two real bot processes on one database (SQLite file,
 * or PostgreSQL when the suite runs there), both in Slack HTTP mode against
 * one fake Slack. A scheduled run happens once, each queued message is
 * delivered once, a channel is paced across both processes, and a post left
 * claimed by a replica killed mid-send is sent by the other once its lease
 * ends.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDir, openTestApp } from './helpers/app.ts';
import { SLACK_LISTENING, startBot, type BotProcess } from './helpers/bot-process.ts';
import { dropTestDatabase, testDatabaseUrl } from './helpers/database.ts';
import { until } from './helpers/until.ts';
import { startFakeSlack, type FakeCall, type FakeSlack } from './platforms/slack/fake-slack.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { bindChannel } from '../src/store/bindings.ts';
import { getRootArea } from '../src/store/areas.ts';
import { enqueuePost } from '../src/store/outbox.ts';

const TOWNSHIPS = ['甲镇', '乙镇', '丙镇'];
/** Three leaders' channels of the district: each gets the board. */
const LEADERS = ['CLEAD1', 'CLEAD2', 'CLEAD3'];
/** Where the pacing is watched. */
const PACED = 'CPACE';
const PACED_COUNT = 5;
/** Channels for a burst of messages both replicas deliver. */
const BURST = Array.from({ length: 10 }, (_, i) => `CBURST${i}`);

let fake: FakeSlack | undefined;
let dir: string | undefined;
let databaseUrl: string | undefined;
let database: DatabaseHandle | undefined;
const bots: BotProcess[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop('SIGKILL');
  await database?.close();
  await fake?.close();
  if (databaseUrl) await dropTestDatabase(databaseUrl);
  if (dir) rmSync(dir, { recursive: true, force: true });
  fake = dir = databaseUrl = database = undefined;
});

/** `HH:MM` in Shanghai, `minutes` ago. */
function shanghaiTimeAgo(minutes: number): string {
  const at = new Date(Date.now() - minutes * 60_000);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/**
 * A district with three townships and the leaders' channels bound, a campaign
 * open today whatever the real date, and a fake Slack that records each call
 * and when it arrived.
 */
async function setUp(): Promise<void> {
  dir = await makeDir();
  databaseUrl = await testDatabaseUrl(dir);
  fake = await startFakeSlack();
  const year = new Date().getUTCFullYear();
  // Set up ten minutes ago: the board time two minutes ago was missed by a bot that was down.
  const setup = await openTestApp({ dir, now: new Date(Date.now() - 10 * 60_000), env: { ENROLLBOT_PII_KEY: REPLICA_KEY } });
  try {
    for (const line of [`campaign deadline ${year + 1}-12-31`, `campaign start ${year - 1}-01-01`, ...TOWNSHIPS.map((t) => `township add ${t} target 1000`)]) {
      expect((await setup.say('admin', 'console', line)).status, line).toBe('ok');
    }
    const root = await getRootArea(setup.database.db);
    for (const channelId of LEADERS) {
      await bindChannel(setup.database.db, { platform: 'slack', channelId, channelName: channelId.toLowerCase(), kind: 'leaders', areaId: root.id, now: new Date() });
    }
  } finally {
    await setup.close();
  }
  database = await openDatabase(databaseUrl);
}

/** The bot in Slack HTTP mode; the board's time two minutes ago, so a start makes the late post. */
function botEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl!,
    SLACK_BOT_TOKEN: 'xoxb-replica-test',
    SLACK_SIGNING_SECRET: 'replica-test-secret',
    SLACK_API_URL: fake!.apiUrl,
    PORT: '0',
    // Replicas share one key, as deployed: the setup below opened the database with it.
    ENROLLBOT_PII_KEY: REPLICA_KEY,
    ENROLLBOT_BOARD_AT: shanghaiTimeAgo(2),
    ENROLLBOT_BACKUP_KEEP: '0',
    ...extra,
  };
}

const REPLICA_KEY = 'replica-test-pii-key-of-32-chars-or-more';

async function startReplica(env: Record<string, string>): Promise<BotProcess> {
  const bot = await startBot({ env, readyWhen: SLACK_LISTENING });
  bots.push(bot);
  return bot;
}

/** Messages Slack accepted (held or refused calls left out), by channel. */
function accepted(slack: FakeSlack): Map<string, FakeCall[]> {
  const out = new Map<string, FakeCall[]>();
  for (const call of slack.calls) {
    const channel = call.method === 'chat.postMessage' ? call.body.channel : call.method === 'files.completeUploadExternal' ? call.body.channel_id : undefined;
    if (typeof channel !== 'string') continue;
    out.set(channel, [...(out.get(channel) ?? []), call]);
  }
  return out;
}


const undelivered = async () =>
  Number((await database!.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('delivered_at', 'is', null).executeTakeFirstOrThrow()).n);

describe('two replicas on one database', () => {
  it('make a missed board run once, deliver every queued message once, and pace a channel together', async () => {
    await setUp();
    // Both start at the same moment, both find the board's time passed: a race for the late post.
    const [one, two] = await Promise.all([startReplica(botEnv()), startReplica(botEnv())]);
    await Promise.all([one.waitForLog('board scheduled'), two.waitForLog('board scheduled')]);

    // One board, stored once, claimed once, posted by exactly one of them.
    const posts = await database!.db.selectFrom('board_post').select(['seq', 'late']).execute();
    expect(posts).toHaveLength(1);
    const claims = await database!.db.selectFrom('job_claim').selectAll().execute();
    expect(claims).toHaveLength(1);
    expect(claims[0]!.done_at).not.toBeNull();
    const posted = [one, two].map((b) => b.logs().filter((l) => l.msg === 'board posted').length);
    expect(posted.sort()).toEqual([0, 1]);

    // A burst while both run: ten channels × three messages, and five to one channel.
    const now = new Date();
    for (const [i, channelId] of BURST.entries()) {
      for (let k = 1; k <= 3; k++) {
        await enqueuePost(database!.db, { platform: 'slack', channelId, reply: { status: 'ok', text: `burst ${i}.${k}` }, dedupeKey: `burst:${i}:${k}`, now });
      }
    }
    for (let k = 1; k <= PACED_COUNT; k++) {
      await enqueuePost(database!.db, { platform: 'slack', channelId: PACED, reply: { status: 'ok', text: `paced ${k}` }, dedupeKey: `paced:${k}`, now });
    }
    await until(async () => (await undelivered()) === 0, () => `every message is delivered (${fake!.calls.length} calls so far)`);

    const byChannel = accepted(fake!);
    // The board once in each leaders' channel (with its chart), whoever sent it.
    for (const channel of LEADERS) {
      const calls = byChannel.get(channel) ?? [];
      expect(calls.map((c) => c.method), channel).toEqual(['files.completeUploadExternal']);
      expect(JSON.stringify(calls[0]!.body)).toContain('第1期');
    }
    for (const [i, channel] of BURST.entries()) {
      expect((byChannel.get(channel) ?? []).map((c) => c.body.text)).toEqual([`burst ${i}.1`, `burst ${i}.2`, `burst ${i}.3`]);
    }
    // Paced across both processes: one at a time, a second apart, in order.
    // Each send starts a second after the one before; its arrival here can
    // lag its start by the machine's load (three processes on two busy cores),
    // so a gap may shrink by that lag, while the whole run cannot shrink by
    // more than one lag. Unpaced, all five would arrive within milliseconds.
    const LAG_MS = 300;
    const paced = byChannel.get(PACED) ?? [];
    expect(paced.map((c) => c.body.text)).toEqual(Array.from({ length: PACED_COUNT }, (_, k) => `paced ${k + 1}`));
    const times = paced.map((c) => c.at);
    for (let k = 1; k < times.length; k++) expect(times[k]! - times[k - 1]!, `gap before paced ${k + 1}`).toBeGreaterThanOrEqual(1000 - LAG_MS);
    expect(times.at(-1)! - times[0]!, 'from the first paced message to the last').toBeGreaterThanOrEqual((PACED_COUNT - 1) * 1000 - LAG_MS);
    // Both processes delivered (each row names its last claimant only while held, so the logs tell).
    const rows = await database!.db.selectFrom('outbox').select(['attempts', 'delivered_at']).execute();
    expect(rows).toHaveLength(LEADERS.length + BURST.length * 3 + PACED_COUNT);
    expect(rows.every((r) => r.delivered_at !== null && r.attempts === 1)).toBe(true);
    for (const bot of [one, two]) expect(bot.logs().filter((l) => l.level === 'error')).toEqual([]);

    // Both stop cleanly on SIGTERM.
    expect(await one.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await two.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('a replica killed mid-send: the other one sends that post once its claim has run out, and nothing twice', async () => {
    await setUp();
    // The first board message to CLEAD2 hangs at Slack, as a send does when its process dies.
    fake!.hold('files.completeUploadExternal', (body) => body.channel_id === 'CLEAD2');
    // One environment for both replicas: the board's time is computed once, so
    // a minute boundary crossed between the two starts cannot make it another
    // board time (which the second replica would rightly post as missed).
    const env = botEnv({ ENROLLBOT_OUTBOX_LEASE_SECONDS: '3' });
    const first = await startReplica(env);
    await fake!.waitFor('files.completeUploadExternal:held', 1, 20_000);
    await until(async () => (await undelivered()) === 1, () => 'the first replica delivered the two other boards');
    const held = await database!.db.selectFrom('outbox').select(['claimed_by', 'claimed_until']).where('delivered_at', 'is', null).executeTakeFirstOrThrow();
    expect(held.claimed_by).not.toBeNull();
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The second replica does not post the board again (the run is done) and
    // leaves the dead replica's claim alone until it runs out, then sends it.
    const second = await startReplica(env);
    await second.waitForLog('board scheduled');
    expect(await undelivered()).toBe(1);
    await until(async () => (await undelivered()) === 0, () => 'the second replica sent the held post', 20_000);
    const sentAt = fake!.of('files.completeUploadExternal').find((c) => c.body.channel_id === 'CLEAD2');
    expect(sentAt).toBeDefined();
    const row = await database!.db.selectFrom('outbox').selectAll().where('channel_id', '=', 'CLEAD2').executeTakeFirstOrThrow();
    expect(Date.parse(row.delivered_at!)).toBeGreaterThanOrEqual(Date.parse(held.claimed_until!));
    expect(row.attempts).toBe(2);

    const byChannel = accepted(fake!);
    for (const channel of LEADERS) expect((byChannel.get(channel) ?? []).length, channel).toBe(1);
    expect(await database!.db.selectFrom('board_post').select('seq').execute()).toHaveLength(1);
    expect(second.logs().filter((l) => l.msg === 'board posted')).toEqual([]);
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
