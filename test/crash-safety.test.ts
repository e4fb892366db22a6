/**
 * Crash safety (issue 7): the bot, a real process in Slack HTTP mode, is
 * flooded with `/enroll pay` from several coordinators and killed with
 * SIGKILL in the middle of it; a fresh process on the same database is then
 * sent every request of the flood again (same trigger ids, as a retry or a
 * user resending would). Every entry confirmed before the kill is in the
 * ledger as confirmed, no request is recorded twice, nothing is lost, and the
 * maintained totals still equal a full recount of the ledger.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDir, openTestApp } from './helpers/app.ts';
import { SLACK_LISTENING, slackPort, startBot, type BotProcess } from './helpers/bot-process.ts';
import { dropTestDatabase, testDatabaseUrl } from './helpers/database.ts';
import { until } from './helpers/until.ts';
import { maintainedTotals, recountTotals } from './helpers/totals.ts';
import { sendToApp, slashBody, startFakeSlack, type FakeCall, type FakeSlack } from './platforms/slack/fake-slack.ts';
import { openDatabase } from '../src/db/database.ts';
import { prng } from '../src/domain/prng.ts';

const SECRET = 'crash-test-signing-secret';
const FORM = 'application/x-www-form-urlencoded' as const;
const TOWNSHIPS = [
  { name: '甲镇', channel: 'CJIA' },
  { name: '乙镇', channel: 'CYI' },
  { name: '丙镇', channel: 'CBING' },
] as const;
/** Two coordinators per township, so writes to the same totals race. */
const COORDINATORS = Array.from({ length: 6 }, (_, i) => ({ id: `UCOORD${i + 1}`, township: TOWNSHIPS[i % TOWNSHIPS.length]! }));
const PAYS_PER_COORDINATOR = 40;
/** Each coordinator has at most this many commands unanswered (a person typing on while the bot works). */
const WINDOW = 3;
/** The bot is killed once this share of the flood is confirmed. */
const KILL_AT = 0.3;

/** One `/enroll pay` of the flood. */
interface PayRequest {
  coordinator: string;
  township: string;
  channel: string;
  people: number;
  yuan: number;
  triggerId: string;
  responsePath: string;
  body: string;
}

let fake: FakeSlack | undefined;
let dir: string | undefined;
let databaseUrl: string | undefined;
const bots: BotProcess[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop('SIGKILL');
  await fake?.close();
  if (databaseUrl) await dropTestDatabase(databaseUrl);
  if (dir) rmSync(dir, { recursive: true, force: true });
  fake = dir = databaseUrl = undefined;
});

/** Starts the bot in Slack HTTP mode on a port of the system's choosing; resolves with it and that port. */
async function startSlackBot(env: Record<string, string>): Promise<{ bot: BotProcess; port: number }> {
  const bot = await startBot({ env, readyWhen: SLACK_LISTENING });
  bots.push(bot);
  return { bot, port: await slackPort(bot) };
}

/** Confirmations (in-channel answers at a response_url), by response path, as they arrive. */
function trackResponses(slack: FakeSlack) {
  const byPath = new Map<string, FakeCall[]>();
  const listeners = new Set<(call: FakeCall) => void>();
  slack.onCall((call) => {
    if (call.method !== 'response') return;
    byPath.set(call.path, [...(byPath.get(call.path) ?? []), call]);
    for (const l of listeners) l(call);
  });
  return {
    byPath,
    /** Resolves with the first response at `path` (already there or still to come). */
    next(path: string): Promise<FakeCall> {
      const seen = byPath.get(path)?.[0];
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const l = (call: FakeCall) => {
          if (call.path !== path) return;
          listeners.delete(l);
          resolve(call);
        };
        listeners.add(l);
      });
    },
  };
}


const refOf = (call: FakeCall): number => Number(/#(\d+)/.exec(String(call.body.text))?.[1] ?? NaN);

describe('a bot killed with SIGKILL in the middle of a pay flood', () => {
  it('keeps every confirmed entry, records no request twice after the resend, and its totals equal a recount', async () => {
    dir = await makeDir();
    databaseUrl = await testDatabaseUrl(dir);
    fake = await startFakeSlack();
    fake.users.set('UADMIN', { name: '李管理' });
    for (const [i, c] of COORDINATORS.entries()) fake.users.set(c.id, { name: `联络员${i + 1}` });
    for (const t of TOWNSHIPS) fake.channels.set(t.channel, `${t.name}工作群`);

    // The database first: schema, townships, and a campaign open today (whatever the real date).
    const year = new Date().getUTCFullYear();
    const setup = await openTestApp({ dir, now: new Date() });
    try {
      for (const line of [`campaign deadline ${year + 1}-12-31`, `campaign start ${year - 1}-01-01`, ...TOWNSHIPS.map((t) => `township add ${t.name} target 100000`)]) {
        expect((await setup.say('admin', 'console', line)).status, line).toBe('ok');
      }
    } finally {
      await setup.close();
    }

    const env = {
      DATABASE_URL: databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-crash-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      ENROLLBOT_ADMINS: 'slack:UADMIN',
      // Nothing scheduled runs beside the flood: no late board, no nightly backup.
      ENROLLBOT_BOARD_GRACE_HOURS: '0',
      ENROLLBOT_BACKUP_KEEP: '0',
    };
    const responses = trackResponses(fake);
    const first = await startSlackBot(env);

    // The admin binds each township's channel and grants its coordinators, from Slack.
    let trigger = 0;
    const adminSays = async (channel: string, text: string) => {
      const responseUrl = fake!.responseUrl();
      const body = slashBody({ text, userId: 'UADMIN', channelId: channel, triggerId: `setup.${++trigger}`, responseUrl });
      expect((await sendToApp(first.port, body, FORM, { secret: SECRET })).status).toBe(200);
      const answer = await responses.next(new URL(responseUrl).pathname);
      expect(answer.body.response_type, `${text}: ${String(answer.body.text)}`).toBe('in_channel');
    };
    for (const t of TOWNSHIPS) await adminSays(t.channel, `bind ${t.name}`);
    for (const c of COORDINATORS) await adminSays(c.township.channel, `grant <@${c.id}|${c.id.toLowerCase()}> coordinator ${c.township.name}`);

    // The flood: every request made up front, so the very same ones can be sent again.
    const rand = prng(7);
    const requests: PayRequest[] = COORDINATORS.flatMap((c) =>
      Array.from({ length: PAYS_PER_COORDINATOR }, (_, k) => {
        const people = 1 + Math.floor(rand() * 20);
        const yuan = people * 400 - Math.floor(rand() * 360); // within the premium and the floor (40 元 a person)
        const triggerId = `flood.${c.id}.${k}`;
        const responseUrl = fake!.responseUrl();
        return {
          coordinator: c.id,
          township: c.township.name,
          channel: c.township.channel,
          people,
          yuan,
          triggerId,
          responsePath: new URL(responseUrl).pathname,
          body: slashBody({ text: `pay ${people} ${yuan}`, userId: c.id, channelId: c.township.channel, triggerId, responseUrl }),
        };
      }),
    );
    const total = requests.length;

    const sent = new Set<PayRequest>();
    const acknowledged = new Set<PayRequest>();
    const confirmed = new Set<PayRequest>();
    let killedAt: { sent: number; acknowledged: number; confirmed: Set<PayRequest> } | null = null;
    let killed!: () => void;
    const kill = new Promise<void>((resolve) => (killed = resolve));

    /** Sends one request and waits for its confirmation (or the kill); the kill comes from here. */
    const payAndWait = async (r: PayRequest) => {
      sent.add(r);
      try {
        const res = await sendToApp(first.port, r.body, FORM, { secret: SECRET });
        expect(res.status).toBe(200);
        acknowledged.add(r);
      } catch (e) {
        // Refused connections and resets are what a kill looks like; anything else is not.
        if (!killedAt) throw e;
        return;
      }
      await Promise.race([responses.next(r.responsePath), kill]);
      if (killedAt || !responses.byPath.has(r.responsePath)) return;
      confirmed.add(r);
      if (confirmed.size >= Math.ceil(total * KILL_AT)) {
        killedAt = { sent: sent.size, acknowledged: acknowledged.size, confirmed: new Set(confirmed) };
        first.bot.kill('SIGKILL');
        killed();
      }
    };
    /** One coordinator: keeps up to WINDOW commands waiting for their answer, until the bot is gone. */
    const coordinator = async (id: string) => {
      const mine = requests.filter((r) => r.coordinator === id);
      const waiting = new Set<Promise<void>>();
      let next = 0;
      while (!killedAt && (next < mine.length || waiting.size)) {
        while (!killedAt && waiting.size < WINDOW && next < mine.length) {
          const p: Promise<void> = payAndWait(mine[next++]!).finally(() => waiting.delete(p));
          waiting.add(p);
        }
        await Promise.race(waiting);
      }
      await Promise.all(waiting);
    };
    await Promise.all(COORDINATORS.map((c) => coordinator(c.id)));
    expect(killedAt, 'the flood ended before the kill').not.toBeNull();
    const atKill = killedAt!;
    expect(await first.bot.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(first.bot.logs().filter((l) => l.level === 'error')).toEqual([]);

    // The kill came mid-flood: part of it not yet sent, and work acknowledged but not yet confirmed.
    expect(atKill.sent).toBeLessThan(total);
    expect(atKill.acknowledged).toBeGreaterThan(atKill.confirmed.size);
    // Any confirmation the dead bot got out counts as confirmed (its bytes may land just after the kill).
    const confirmedByFirst = requests.filter((r) => responses.byPath.has(r.responsePath));
    expect(confirmedByFirst.length).toBeGreaterThanOrEqual(atKill.confirmed.size);

    // A fresh bot on the same database, sent every request of the flood again.
    const responsesBeforeRestart = fake.of('response').length;
    const second = await startSlackBot(env);
    const resend = [...requests];
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let r = resend.shift(); r; r = resend.shift()) {
          expect((await sendToApp(second.port, r.body, FORM, { secret: SECRET })).status).toBe(200);
        }
      }),
    );
    // Each resent request is either recorded and confirmed now, or found already recorded (no answer).
    const alreadyHandled = () => second.bot.logs().filter((l) => l.msg === 'slack command already handled').length;
    const confirmedNow = () => fake!.of('response').length - responsesBeforeRestart;
    await until(
      () => alreadyHandled() + confirmedNow() >= total,
      () => `every resent request is answered or found handled: ${confirmedNow()} answered, ${alreadyHandled()} found, of ${total}`,
    );
    expect(await second.bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(second.bot.logs().filter((l) => l.level === 'error')).toEqual([]);
    // Nothing the first bot confirmed was recorded again; what it committed without confirming is found, not redone.
    expect(alreadyHandled() + confirmedNow(), 'answers and found-handled of the resend').toBe(total);
    expect(alreadyHandled(), 'resent requests found recorded, against those the first bot confirmed').toBeGreaterThanOrEqual(confirmedByFirst.length);
    expect(confirmedNow(), 'requests first recorded after the restart').toBeGreaterThan(0);
    // No request was ever confirmed twice.
    for (const r of requests) expect(responses.byPath.get(r.responsePath)?.length ?? 0, r.triggerId).toBeLessThanOrEqual(1);

    const database = await openDatabase(databaseUrl);
    try {
      const db = database.db;
      const rows = await db
        .selectFrom('ledger_entry as e')
        .innerJoin('area as a', 'a.id', 'e.area_id')
        .select(['e.id', 'e.kind', 'e.source_key', 'e.people', 'e.amount_fen', 'e.channel_id', 'a.name as township'])
        .execute();
      // One entry per request of the flood: none lost, none doubled.
      expect(rows).toHaveLength(total);
      const byKey = new Map(rows.map((row) => [row.source_key, row]));
      expect(byKey.size).toBe(total);
      for (const r of requests) {
        expect(byKey.get(`slack:${r.triggerId}`), r.triggerId).toMatchObject({
          kind: 'payment',
          township: r.township,
          channel_id: r.channel,
          people: r.people,
          amount_fen: r.yuan * 100,
        });
      }
      // Every confirmation names the entry its request made, before the kill or after.
      for (const r of requests) {
        const answer = responses.byPath.get(r.responsePath)?.[0];
        if (!answer) continue;
        expect(answer.body.response_type).toBe('in_channel');
        expect(refOf(answer), r.triggerId).toBe(byKey.get(`slack:${r.triggerId}`)!.id);
      }
      for (const r of atKill.confirmed) expect(byKey.has(`slack:${r.triggerId}`)).toBe(true);

      const recount = await recountTotals(db);
      expect(await maintainedTotals(db)).toEqual(recount);
      // And they are the flood's own sums: each township's total is exactly what was sent for it.
      const campaign = await db.selectFrom('campaign').select('id').executeTakeFirstOrThrow();
      for (const t of TOWNSHIPS) {
        const area = await db.selectFrom('area').select('id').where('name', '=', t.name).executeTakeFirstOrThrow();
        const mine = requests.filter((r) => r.township === t.name);
        expect(recount.total.get(`${campaign.id}:${area.id}`)).toEqual({
          people: mine.reduce((s, r) => s + r.people, 0),
          amount: mine.reduce((s, r) => s + r.yuan * 100, 0),
          entries: mine.length,
        });
      }
    } finally {
      await database.close();
    }
  });
});
