/**
 * The round-trip property on the real platforms: the same generated `pay`
 * lines sent as signed `/enroll` slash commands into Bolt over HTTP, and typed
 * Discord options through the real discord.js client, record exactly what
 * they mean. On Discord each option is its argument, whatever it holds: a
 * note that reads `in 城北街道` or `4800` is a note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { amountSpellings, payLines, type Meant } from '../helpers/pay-lines.ts';
import type { SlackPlatform } from '../../src/platforms/slack/slack-platform.ts';
import { createDiscordPlatform } from '../../src/platforms/discord/discord-platform.ts';
import type { Platform } from '../../src/core/platform-port.ts';
import { commands } from '../../commands/index.ts';
import { sendToApp, slashBody, startFakeSlack, startSlackHttp, type FakeSlack } from './slack/fake-slack.ts';
import { APP_ID, FakeDiscord, GUILD_ID, type DiscordUser } from './discord/fake-discord.ts';
import { until } from '../helpers/until.ts';

/** Discord's application command option types (the API's numbers). */
const T = { Subcommand: 1, String: 3, Integer: 4 } as const;
const PREMIUM = 40_000;
const FLOOR = 4_000;
const SECRET = 'roundtrip-secret';
const ADMIN_DISCORD: DiscordUser = { id: '800000000000000011', username: 'admin' };

describe('pay lines round-trip on Slack and Discord', () => {
  let app: TestApp;
  let fake: FakeSlack;
  let slack: SlackPlatform;
  let discordFake: FakeDiscord;
  let discord: Platform;
  const areaIds = new Map<string, number>();
  let trigger = 0;

  beforeAll(async () => {
    app = await openTestApp({ env: { ENROLLBOT_ADMINS: `slack:UADMIN,discord:${ADMIN_DISCORD.id}` } });
    for (const line of [
      'township add 城南街道 target 1000000',
      'township add 城北街道 target 1000000',
      'township add 和平村 under 城南街道 target 500000',
      'township add 和平村 under 城北街道 target 500000',
    ]) {
      expect((await app.say('admin', 'console', line)).status, line).toBe('ok');
    }
    const areas = await app.database.db.selectFrom('area').selectAll().execute();
    for (const a of areas) {
      areaIds.set(a.name, a.id);
      if (a.kind === 'village') areaIds.set(`${areas.find((p) => p.id === a.parent_id)!.name}/${a.name}`, a.id);
    }
    fake = await startFakeSlack();
    fake.users.set('UADMIN', { name: '李管理' });
    fake.channels.set('CSOUTH', '城南工作群');
    slack = await startSlackHttp(fake, app, SECRET);
    discordFake = new FakeDiscord();
    await discordFake.listen();
    discord = createDiscordPlatform({
      token: 'fake-token',
      appId: APP_ID,
      guildId: GUILD_ID,
      apiUrl: discordFake.apiUrl,
      dispatcher: app.dispatcher,
      commands,
      log: app.log,
      deferAfterMs: 2500,
    });
    await discord.start();
    // Both channels log to 城南街道 by default.
    await slackSay('bind 城南街道');
    await discordSay([{ type: T.Subcommand, name: 'bind', options: [{ type: T.String, name: 'what', value: '城南街道' }] }]);
  });

  afterAll(async () => {
    await discord?.stop();
    await discordFake?.close();
    await slack?.stop();
    await fake?.close();
    await app?.close();
  });

  async function slackSay(text: string): Promise<string> {
    const responseUrl = fake.responseUrl();
    const body = slashBody({ text, userId: 'UADMIN', channelId: 'CSOUTH', triggerId: `trig.${++trigger}`, responseUrl });
    const res = await sendToApp(slack.port!, body, 'application/x-www-form-urlencoded', { secret: SECRET });
    expect(res.status).toBe(200);
    const path = new URL(responseUrl).pathname;
    const hit = () => fake.of('response').find((c) => c.path === path);
    await until(() => hit() !== undefined, () => `a response at ${path}`);
    return JSON.stringify(hit()!.body);
  }

  async function discordSay(options: unknown[]): Promise<string> {
    const from = discordFake.requests.length;
    const { id } = discordFake.slash(ADMIN_DISCORD, options);
    const r = await discordFake.waitFor((q) => q.path.startsWith(`/interactions/${id}/`), from);
    return JSON.stringify(r.body);
  }

  const latest = () => app.database.db.selectFrom('ledger_entry').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const ledgerCount = async () => Number((await app.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  async function expectLatest(meant: Meant, from: number, what: string) {
    expect(await ledgerCount(), what).toBe(from + 1);
    const e = await latest();
    expect({ people: Number(e.people), amount: Number(e.amount_fen), area: e.area_id, note: e.note }, what).toEqual({
      people: meant.people,
      amount: meant.amountFen ?? meant.people * PREMIUM,
      area: areaIds.get(meant.township ?? '城南街道'),
      note: meant.note ?? null,
    });
  }

  it('Slack: a signed /enroll line records what it means', async () => {
    const lines = payLines({ townships: ['城北街道', '城南街道/和平村', '城北街道/和平村'], floorFen: FLOOR, premiumFen: PREMIUM });
    await fc.assert(
      fc.asyncProperty(lines, async ({ line, meant }) => {
        const from = await ledgerCount();
        const answer = await slackSay(line);
        expect(answer, line).toContain(`#${from + 1}`);
        await expectLatest(meant, from, line);
      }),
      { numRuns: 60, seed: 5 },
    );
  });

  /** Typed Discord options: any text in the note, any spelling in the amount. */
  const typed = fc
    .record({
      people: fc.integer({ min: 1, max: 300 }),
      share: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
      form: fc.nat(),
      township: fc.option(fc.constantFrom('城北街道', '城南街道/和平村', '城北街道/和平村'), { nil: undefined }),
      note: fc.option(fc.constantFrom('in 城北街道', '4800', '4 800', '城北街道转来', '现金', '3月补缴 在 青山镇', '“引号”'), { nil: undefined }),
    })
    .map((r) => {
      const amountFen = r.share === undefined ? undefined : r.people * FLOOR + Math.floor((r.people * (PREMIUM - FLOOR) * r.share) / 1_000_000);
      const spellings = amountFen === undefined ? [] : amountSpellings(amountFen);
      return {
        meant: { people: r.people, amountFen, township: r.township, note: r.note } satisfies Meant,
        amountText: spellings.length ? spellings[r.form % spellings.length] : undefined,
      };
    });

  it('Discord: each typed option is its own argument, a note is a note whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(typed, async ({ meant, amountText }) => {
        const options = [
          { type: T.Integer, name: 'people', value: meant.people },
          ...(amountText === undefined ? [] : [{ type: T.String, name: 'amount', value: amountText }]),
          ...(meant.township === undefined ? [] : [{ type: T.String, name: 'township', value: meant.township }]),
          ...(meant.note === undefined ? [] : [{ type: T.String, name: 'note', value: meant.note }]),
        ];
        const from = await ledgerCount();
        const answer = await discordSay([{ type: T.Subcommand, name: 'pay', options }]);
        expect(answer, JSON.stringify(options)).toContain(`#${from + 1}`);
        await expectLatest(meant, from, JSON.stringify(options));
      }),
      { numRuns: 60, seed: 6 },
    );
  });

  it('Discord: a typed value its argument cannot read is refused, privately, and writes nothing', async () => {
    const from = await ledgerCount();
    for (const [name, value] of [
      ['amount', '现金'],
      ['amount', '$4800'],
      ['amount', '4 800'],
      ['amount', '四千八'],
      ['township', '城西街道'],
    ] as const) {
      const answer = await discordSay([{ type: T.Subcommand, name: 'pay', options: [{ type: T.Integer, name: 'people', value: 12 }, { type: T.String, name: name, value }] }]);
      expect(answer, value).toContain('"flags":64');
    }
    expect(await ledgerCount()).toBe(from);
  });
});
