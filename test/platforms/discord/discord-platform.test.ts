/**
 * The real discord.js client against a fake Discord on loopback: slash
 * commands, a mention and a button reach the same command code; refusals are
 * ephemeral; a replayed interaction records once; a 429 on a post becomes
 * `RateLimited` and nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType as T, MessageFlags, type APIEmbed } from 'discord.js';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import { commands } from '../../../commands/index.ts';
import { createDiscordPlatform } from '../../../src/platforms/discord/discord-platform.ts';
import { buildSlashCommands } from '../../../src/platforms/discord/slash-commands.ts';
import { directAddress, RateLimited, type Platform } from '../../../src/core/platform-port.ts';
import type { Dispatcher, InboundMessage } from '../../../src/core/dispatcher.ts';
import { createOutboxWorker } from '../../../src/outbox/worker.ts';
import { APP_ID, CHANNEL_ID, CHANNEL_NAME, FakeDiscord, GUILD_ID, type DiscordUser, type Recorded } from './fake-discord.ts';
import { until } from '../../helpers/until.ts';

const ADMIN: DiscordUser = { id: '800000000000000001', username: 'admin' };
const COORD: DiscordUser = { id: '800000000000000002', username: 'lily' };
const STRANGER: DiscordUser = { id: '800000000000000003', username: 'nobody' };

interface CallbackBody {
  type: number;
  data?: { embeds?: APIEmbed[]; flags?: number; components?: { components: { custom_id: string }[] }[] };
}

const sub = (name: string, options: unknown[] = []) => ({ type: T.Subcommand, name, options });
const opt = (type: T, name: string, value: string | number) => ({ type, name, value });

async function ledgerCount(app: TestApp): Promise<number> {
  const r = await app.database.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The reference of the newest entry: on PostgreSQL a rolled-back insert (a replay) uses up an id, so refs may skip. */
async function latestRef(app: TestApp): Promise<RegExp> {
  const r = await app.database.db.selectFrom('ledger_entry').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  return new RegExp(`#${r.id}\\b`);
}

function embedText(body: { embeds?: APIEmbed[] } | undefined): string {
  const e = body?.embeds?.[0];
  return [e?.title, e?.description, e?.footer?.text].filter(Boolean).join('\n');
}

describe('Discord platform against a fake Discord', () => {
  let fake: FakeDiscord;
  let app: TestApp;
  let platform: Platform;

  const start = async (dispatcher: Dispatcher, deferAfterMs?: number) => {
    const p = createDiscordPlatform({
      token: 'fake-token',
      appId: APP_ID,
      guildId: GUILD_ID,
      apiUrl: fake.apiUrl,
      dispatcher,
      commands,
      log: app.log,
      ...(deferAfterMs !== undefined ? { deferAfterMs } : {}),
    });
    await p.start();
    return p;
  };

  /** Sends a slash command and waits for its interaction callback. */
  const slash = async (user: DiscordUser, options: unknown[], extra: Parameters<FakeDiscord['slash']>[2] = {}) => {
    const from = fake.requests.length;
    const { id } = fake.slash(user, options, extra);
    const r = await fake.waitFor((q) => q.path.startsWith(`/interactions/${id}/`), from);
    return r.body as CallbackBody;
  };

  beforeAll(async () => {
    fake = new FakeDiscord();
    await fake.listen();
    app = await openTestApp({ env: { ENROLLBOT_ADMINS: `discord:${ADMIN.id}` } });
    // Generous deferral so a loaded test machine still gets direct replies here; deferral has its own test.
    platform = await start(app.dispatcher, 2500);
  });

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
    await app?.close();
  });

  it('registers /enroll in the guild with the JSON the declarations give, and asks only for unprivileged intents', async () => {
    const put = fake.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put?.body).toEqual(JSON.parse(JSON.stringify(buildSlashCommands(commands))));
    const identify = fake.frames.find((f) => f.op === 2)?.d as { token: string; intents: number };
    expect(identify.token).toBe('fake-token');
    expect(identify.intents).toBe(1 | 512); // Guilds | GuildMessages, no MessageContent
  });

  it('runs slash commands with options through the dispatcher: setup, bind, grant by user option', async () => {
    const added = await slash(ADMIN, [
      { type: T.SubcommandGroup, name: 'township', options: [sub('add', [opt(T.String, 'name', '城南街道'), opt(T.Integer, 'target', 28000)])] },
    ]);
    expect(added.type).toBe(4);
    expect(added.data?.flags ?? 0).toBe(0);
    expect(embedText(added.data)).toContain('城南街道');

    const bound = await slash(ADMIN, [sub('bind', [opt(T.String, 'what', '城南街道')])]);
    expect(embedText(bound.data)).toContain('城南街道');
    const binding = await app.database.db.selectFrom('channel_binding').selectAll().executeTakeFirstOrThrow();
    expect(binding).toMatchObject({ platform: 'discord', channel_id: CHANNEL_ID, channel_name: CHANNEL_NAME });

    const granted = await slash(
      ADMIN,
      [sub('grant', [opt(T.User, 'user', COORD.id), opt(T.String, 'role', 'coordinator'), opt(T.String, 'area', '城南街道')])],
      { resolvedUsers: [COORD] },
    );
    expect(granted.data?.flags ?? 0).toBe(0);
    expect(embedText(granted.data)).toContain('lily');
  });

  it('records a pay from a slash command in the user locale, and once only when the interaction is replayed', async () => {
    const options = [sub('pay', [opt(T.Integer, 'people', 12), opt(T.String, 'amount', '4800'), opt(T.String, 'note', '第一批 上午')])];
    const first = await slash(COORD, options, { id: '930000000000000001', locale: 'en-US' });
    expect(first.data?.flags ?? 0).toBe(0);
    expect(embedText(first.data)).toMatch(/#1\b/);
    expect(embedText(first.data)).toMatch(/Recorded|recorded/);
    expect(await ledgerCount(app)).toBe(1);
    const entry = await app.database.db.selectFrom('ledger_entry').selectAll().executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ people: 12, note: '第一批 上午', source_key: 'discord:930000000000000001' });
    expect(Number(entry.amount_fen)).toBe(480_000);

    const again = await slash(COORD, options, { id: '930000000000000001', locale: 'en-US' });
    expect(embedText(again.data)).toMatch(/#1\b/);
    expect(await ledgerCount(app)).toBe(1);
  });

  it('answers refusals ephemerally: no role, and a bad typed value refused before dispatch', async () => {
    const denied = await slash(STRANGER, [sub('pay', [opt(T.Integer, 'people', 3)])]);
    expect(denied.type).toBe(4);
    expect(denied.data?.flags).toBe(MessageFlags.Ephemeral);
    const badAmount = await slash(COORD, [sub('pay', [opt(T.Integer, 'people', 3), opt(T.String, 'amount', 'lots')])]);
    expect(badAmount.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(embedText(badAmount.data)).toContain('lots');
    const negative = await slash(COORD, [sub('pay', [opt(T.Integer, 'people', -3)])]);
    expect(negative.data?.flags).toBe(MessageFlags.Ephemeral);
    const stale = await slash(COORD, [sub('retired')]);
    expect(stale.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(embedText(stale.data)).toContain('retired');
    expect(await ledgerCount(app)).toBe(1);
  });

  it('runs a group bare through its show subcommand', async () => {
    const shown = await slash(ADMIN, [{ type: T.SubcommandGroup, name: 'campaign', options: [sub('show')] }]);
    expect(shown.data?.flags ?? 0).toBe(0);
    expect(embedText(shown.data)).toContain('400');
  });

  it('runs a mention through the same pipeline, replying in the channel', async () => {
    const from = fake.requests.length;
    const id = fake.message(COORD, `<@900000000000000002> pay 3`, [{ id: '900000000000000002', username: 'enrollbot' }]);
    const r = await fake.waitFor((q) => q.method === 'POST' && q.path === `/channels/${CHANNEL_ID}/messages`, from);
    const body = r.body as { embeds: APIEmbed[]; message_reference?: { message_id: string } };
    expect(body.message_reference?.message_id).toBe(id);
    expect(await ledgerCount(app)).toBe(2);
    expect(embedText(body)).toMatch(await latestRef(app));
    // A message that only mentions the bot in passing is not a command.
    fake.message(COORD, 'thanks <@900000000000000002>', [{ id: '900000000000000002', username: 'enrollbot' }]);
    const probe = await slash(COORD, [sub('help')]);
    expect(probe.type).toBe(4);
    expect(fake.requests.filter((q) => q.path === `/channels/${CHANNEL_ID}/messages`)).toHaveLength(1);
  });

  it('runs a button press as the presser', async () => {
    const from = fake.requests.length;
    const { id } = fake.button(COORD, 'enroll:lapse done L99 paid', 'zh-CN');
    const r = await fake.waitFor((q) => q.path.startsWith(`/interactions/${id}/`), from);
    const body = r.body as CallbackBody;
    expect(body.type).toBe(4);
    // The coordinator may work cases, so the command ran and found no case L99.
    expect(embedText(body.data)).toContain('没有断缴 L99。');
  });

  it('refuses a button whose line the bot never puts on one, privately, without running it', async () => {
    const before = await ledgerCount(app);
    const from = fake.requests.length;
    const { id } = fake.button(COORD, 'enroll:pay 2 800', 'en-US');
    const r = await fake.waitFor((q) => q.path.startsWith(`/interactions/${id}/`), from);
    const body = r.body as CallbackBody;
    expect(body.type).toBe(4);
    expect(body.data!.flags! & MessageFlags.Ephemeral).toBeTruthy();
    expect(embedText(body.data)).toContain('did not come from this bot');
    expect(await ledgerCount(app)).toBe(before);
  });

  it('survives a dropped gateway connection by resuming, and keeps answering', async () => {
    const resumesBefore = fake.frames.filter((f) => f.op === 6).length;
    fake.drop(4000);
    await until(() => fake.frames.filter((f) => f.op === 6).length > resumesBefore, () => 'the client to resume its session', 5000);
    const resume = fake.frames.filter((f) => f.op === 6).at(-1)?.d as { session_id: string; token: string } | undefined;
    expect(resume).toMatchObject({ session_id: 'fake-session', token: 'fake-token' });
    // Resumed when the client has taken the fake's RESUMED.
    await until(() => platform.status() === 'connected', () => `connected again; status ${platform.status()}`, 5000);
    const answer = await slash(COORD, [sub('progress', [opt(T.String, 'township', '城南街道')])]);
    expect(embedText(answer.data)).toContain('城南街道');
  });

  it('defers a slow command and edits the answer in; a slow refusal becomes an ephemeral follow-up', async () => {
    const slow: Dispatcher = {
      localeFor: app.dispatcher.localeFor,
      // Slow for certain: it answers only after the platform has deferred the interaction.
      handle: async (m) => {
        await fake.waitFor((q) => q.path.startsWith('/interactions/'), fake.requests.length);
        return app.dispatcher.handle(m);
      },
    };
    await platform.stop();
    platform = await start(slow, 20);
    const from = fake.requests.length;
    const { id, token } = fake.slash(COORD, [sub('pay', [opt(T.Integer, 'people', 2)])]);
    const edit = await fake.waitFor((q) => q.method === 'PATCH' && q.path === `/webhooks/${APP_ID}/${token}/messages/@original`, from);
    const deferred = fake.requests.slice(from).find((q) => q.path.startsWith(`/interactions/${id}/`));
    expect((deferred?.body as CallbackBody).type).toBe(5);
    expect(embedText(edit.body as { embeds: APIEmbed[] })).toMatch(await latestRef(app));
    expect(await ledgerCount(app)).toBe(3);

    const from2 = fake.requests.length;
    const refused = fake.slash(STRANGER, [sub('pay', [opt(T.Integer, 'people', 2)])]);
    const follow = await fake.waitFor((q) => q.method === 'POST' && q.path === `/webhooks/${APP_ID}/${refused.token}`, from2);
    expect((follow.body as { flags: number }).flags).toBe(MessageFlags.Ephemeral);
    const deleted = fake.requests.slice(from2).find((q) => q.method === 'DELETE');
    expect(deleted?.path).toBe(`/webhooks/${APP_ID}/${refused.token}/messages/@original`);
    expect(await ledgerCount(app)).toBe(3);
  });

  it('answers an interaction with the chart attached and actions as buttons; a press runs its line as the presser', async () => {
    const seen: InboundMessage[] = [];
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9]);
    const stub: Dispatcher = {
      localeFor: app.dispatcher.localeFor,
      handle: async (m) => {
        seen.push(m);
        return {
          status: 'ok',
          title: 'digest',
          text: m.text,
          image: { png, filename: 'board.png', alt: 'chart' },
          actions: [{ label: 'Paid', command: 'lapse done L1 paid', style: 'primary' }],
        };
      },
    };
    await platform.stop();
    platform = await start(stub);
    const from = fake.requests.length;
    const { id } = fake.slash(COORD, [sub('board')]);
    const cb = await fake.waitFor((q) => q.path.startsWith(`/interactions/${id}/`), from);
    expect(cb.files).toEqual([{ name: 'board.png', size: png.length, type: expect.any(String) }]);
    const data = (cb.body as CallbackBody).data!;
    expect(data.embeds![0]!.image?.url).toBe('attachment://board.png');
    const customId = data.components![0]!.components[0]!.custom_id;
    expect(customId).toBe('enroll:lapse done L1 paid');

    const press = fake.button(STRANGER, customId, 'en-US');
    await fake.waitFor((q) => q.path.startsWith(`/interactions/${press.id}/`), from);
    expect(seen.map((m) => [m.text, m.userId, m.messageId, m.userLocale])).toEqual([
      ['board', COORD.id, id, 'zh-CN'],
      ['lapse done L1 paid', STRANGER.id, press.id, 'en-US'],
    ]);
  });

  it('posts a reply with its chart as a multipart attachment and buttons', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const from = fake.requests.length;
    await platform.post(CHANNEL_ID, {
      status: 'ok',
      title: '城南街道 进度',
      text: '',
      table: { columns: [{ header: '乡镇', align: 'left' }, { header: '人数', align: 'right' }], rows: [['城南街道', '15']] },
      footer: 'total',
      image: { png, filename: 'board.png', alt: 'chart' },
      actions: [{ label: 'Board', command: 'board', style: 'primary' }],
    });
    const r = fake.requests.slice(from).find((q) => q.path === `/channels/${CHANNEL_ID}/messages`) as Recorded;
    expect(r.files).toEqual([{ name: 'board.png', size: png.length, type: expect.any(String) }]);
    const body = r.body as { embeds: APIEmbed[]; attachments: { id: number; filename: string }[]; components?: { components: { custom_id: string }[] }[] };
    expect(body.embeds[0]!.image?.url).toBe('attachment://board.png');
    expect(body.embeds[0]!.description).toContain('```\n乡镇');
    expect(body.attachments).toEqual([{ id: 0, filename: 'board.png', description: 'chart' }]);
    expect(body.components?.[0]?.components[0]?.custom_id).toBe('enroll:board');
  });

  it("sends a direct message (a cadre's own lapse list) through the DM channel Discord opens", async () => {
    const from = fake.requests.length;
    await platform.post(directAddress('4242'), { status: 'ok', title: '刘网格：你负责的断缴人员', text: 'L4' });
    const opened = fake.requests.slice(from).find((q) => q.path === '/users/@me/channels');
    expect(opened?.body).toEqual({ recipient_id: '4242' });
    const sent = fake.requests.slice(from).filter((q) => q.path === '/channels/74242/messages' && q.method === 'POST');
    expect(sent).toHaveLength(1);
    expect(embedText(sent[0]!.body as { embeds: APIEmbed[] })).toContain('你负责的断缴人员');
  });

  it('turns a 429 on a channel post into RateLimited with the retry-after, and the retry delivers exactly once', async () => {
    fake.rateLimitPosts = 1;
    fake.retryAfterSeconds = 0.3;
    const before = fake.requests.filter((q) => q.path === `/channels/${CHANNEL_ID}/messages` && q.method === 'POST').length;
    const reply = { status: 'ok' as const, title: 'daily', text: 'board' };
    const err = await platform.post(CHANNEL_ID, reply).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RateLimited);
    const wait = (err as RateLimited).retryAfterMs;
    expect(wait).toBeGreaterThanOrEqual(300);
    expect(wait).toBeLessThan(2000);
    expect(fake.requests.filter((q) => q.method === '429')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, wait));
    await platform.post(CHANNEL_ID, reply);
    const delivered = fake.requests.filter((q) => q.path === `/channels/${CHANNEL_ID}/messages` && q.method === 'POST');
    expect(delivered.length - before).toBe(1);
    expect(embedText(delivered.at(-1)!.body as { embeds: APIEmbed[] })).toContain('daily');
  });
  it('shows a private answer (a list of people) to the asker alone: ephemeral to a slash command, a DM for a mention', async () => {
    const seen: InboundMessage[] = [];
    const stub: Dispatcher = {
      localeFor: app.dispatcher.localeFor,
      handle: async (m) => {
        seen.push(m);
        return { status: 'ok', title: 'who', text: 'private list', private: true };
      },
    };
    await platform.stop();
    platform = await start(stub);
    const answered = await slash(COORD, [sub('who')]);
    expect(answered.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(embedText(answered.data)).toContain('private list');

    const from = fake.requests.length;
    fake.message(COORD, `<@900000000000000002> who`, [{ id: '900000000000000002', username: 'enrollbot' }]);
    const dm = await fake.waitFor((q) => q.method === 'POST' && q.path === `/channels/7${COORD.id}/messages`, from);
    expect(embedText(dm.body as { embeds: APIEmbed[] })).toContain('private list');
    expect(fake.requests.slice(from).some((q) => q.path === `/channels/${CHANNEL_ID}/messages`)).toBe(false);
    // both came from a server channel, not a direct conversation
    expect(seen.map((m) => m.direct)).toEqual([false, false]);
  });

  it('delivers `board post` to the bound leaders\' channel through the outbox: an embed with the chart attached, once, after a 429', async () => {
    await platform.stop();
    // The real dispatcher again; the chart takes a moment to render, so no deferral in this test.
    platform = await start(app.dispatcher, 15_000);
    const bound = await slash(ADMIN, [sub('bind', [opt(T.String, 'what', 'leaders')])]);
    expect(embedText(bound.data)).toContain('领导群');
    const posted = await slash(ADMIN, [{ type: T.SubcommandGroup, name: 'board', options: [sub('post')] }]);
    expect(posted.data?.flags ?? 0).toBe(0);
    expect(embedText(posted.data)).toContain('第1期');
    fake.rateLimitPosts = 1;
    fake.retryAfterSeconds = 0.3;
    const from = fake.requests.length;
    const worker = createOutboxWorker({ db: app.database.db, platforms: [platform], log: app.log, pollMs: 50 });
    worker.start();
    expect(await worker.idle(20_000)).toBe(true);
    await worker.stop();
    const sent = fake.requests.slice(from).filter((q) => q.path === `/channels/${CHANNEL_ID}/messages`);
    expect(sent.map((q) => q.method)).toEqual(['429', 'POST']);
    const delivered = sent[1] as Recorded;
    expect(embedText(delivered.body as { embeds: APIEmbed[] })).toMatch(/第1期 本区城乡居民医保征缴进度通报/);
    expect(delivered.files).toEqual([{ name: expect.stringMatching(/\.png$/), size: expect.any(Number), type: expect.any(String) }]);
    expect((delivered.body as { embeds: APIEmbed[] }).embeds[0]!.image?.url).toMatch(/^attachment:\/\/.+\.png$/);
    const row = await app.database.db.selectFrom('outbox').selectAll().where('platform', '=', 'discord').executeTakeFirstOrThrow();
    expect(row.delivered_at).not.toBeNull();
  });
});
