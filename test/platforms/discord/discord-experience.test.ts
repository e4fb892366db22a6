/**
 * Discord as its users expect, against the fake Discord: autocomplete for
 * areas and open cases within 3 s; `board` privately with a button to share
 * it (with its chart); a follow-up button that updates the digest in place
 * and notes it in the digest's thread; `bind` naming the permissions the bot
 * lacks; commands registered only when their definition changed; a channel
 * the bot cannot reach reported as such; a 429 pausing the whole application.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType as T, type APIEmbed } from 'discord.js';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import { commands } from '../../../commands/index.ts';
import { createDiscordPlatform } from '../../../src/platforms/discord/discord-platform.ts';
import { NotMember, type Platform } from '../../../src/core/platform-port.ts';
import { platformLookups } from '../../../src/store/suggestions.ts';
import { getSetting, putSetting } from '../../../src/store/settings.ts';
import { createChartDrawing } from '../../../src/platforms/common/chart-draw.ts';
import { createOutboxWorker } from '../../../src/outbox/worker.ts';
import { enqueuePost } from '../../../src/store/outbox.ts';
import { importOneContributor } from '../../helpers/lapse-files.ts';
import { until } from '../../helpers/until.ts';
import { APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, type DiscordUser } from './fake-discord.ts';

const ADMIN: DiscordUser = { id: '800000000000000001', username: 'admin' };
const COORD: DiscordUser = { id: '800000000000000002', username: 'lily' };
const NOW = new Date('2026-11-23T02:00:00Z');

interface CallbackBody {
  type: number;
  data?: { embeds?: APIEmbed[]; flags?: number; choices?: { name: string; value: string }[]; components?: { components: { custom_id: string }[] }[] };
}

const sub = (name: string, options: unknown[] = []) => ({ type: T.Subcommand, name, options });
const group = (name: string, inner: unknown) => ({ type: T.SubcommandGroup, name, options: [inner] });
const opt = (type: T, name: string, value: string | number, focused = false) => ({ type, name, value, ...(focused ? { focused: true } : {}) });

describe('Discord as its users expect', () => {
  let fake: FakeDiscord;
  let app: TestApp;
  let platform: Platform;
  let drawn = 0;
  // One drawing for every start of the platform in this file, counting what it draws.
  const charts = createChartDrawing(async (svg) => {
    drawn++;
    return new TextEncoder().encode(`png:${svg.length}`);
  });

  const registry = () => ({ read: (k: string) => getSetting(app.database.db, k), write: (k: string, v: string) => putSetting(app.database.db, k, v) });
  const start = async () => {
    const p = createDiscordPlatform({
      token: 'fake-token',
      appId: APP_ID,
      guildId: GUILD_ID,
      apiUrl: fake.apiUrl,
      dispatcher: app.dispatcher,
      commands,
      log: app.log,
      deferAfterMs: 2500,
      lookups: platformLookups(app.database.db),
      registry: registry(),
      charts,
    });
    await p.start();
    return p;
  };

  const callback = async (id: string, from: number) => (await fake.waitFor((q) => q.path.startsWith(`/interactions/${id}/`), from)).body as CallbackBody;
  const slash = async (user: DiscordUser, options: unknown[]) => {
    const from = fake.requests.length;
    const { id } = fake.slash(user, options);
    return callback(id, from);
  };

  beforeAll(async () => {
    fake = new FakeDiscord();
    await fake.listen();
    app = await openTestApp({ env: { ENROLLBOT_ADMINS: `discord:${ADMIN.id}` }, now: NOW });
    platform = await start();
    expect((await slash(ADMIN, [group('township', sub('add', [opt(T.String, 'name', '城南街道'), opt(T.Integer, 'target', 1000)]))])).data?.flags).toBeUndefined();
    await slash(ADMIN, [group('township', sub('add', [opt(T.String, 'name', '城北街道'), opt(T.Integer, 'target', 800)]))]);
    await slash(ADMIN, [sub('bind', [opt(T.String, 'what', '城南街道')])]);
    await slash(ADMIN, [sub('grant', [opt(T.User, 'user', COORD.id), opt(T.String, 'role', 'coordinator'), opt(T.String, 'area', '城南街道')])]);
  });

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
    await app?.close();
  });

  it('registers the commands once: a second start with the same definition does not register again', async () => {
    const puts = () => fake.requests.filter((r) => r.method === 'PUT').length;
    expect(puts()).toBe(1);
    await platform.stop();
    platform = await start();
    expect(puts()).toBe(1);
    expect(app.log.lines.some((l) => l.includes('commands unchanged'))).toBe(true);
  });

  it('autocompletes areas and the open cases the user works, within 3 seconds', async () => {
    let from = fake.requests.length;
    const began = Date.now();
    const { id } = fake.autocomplete(COORD, [sub('pay', [opt(T.Integer, 'people', 3), opt(T.String, 'township', '城北', true)])]);
    const areas = await callback(id, from);
    expect(Date.now() - began).toBeLessThan(3000);
    expect(areas.type).toBe(8);
    expect(areas.data?.choices?.map((c) => c.value)).toEqual(['城北街道']);

    await importOneContributor(app, { township: '城南街道', lastPaid: '2026-09', now: NOW, through: '2026-10' });
    expect((await app.say('admin', 'x', 'lapse scan 2026-10')).status).toBe('ok');
    const open = await app.database.db.selectFrom('lapse_case').select('id').executeTakeFirstOrThrow();
    from = fake.requests.length;
    const cases = fake.autocomplete(COORD, [group('lapse', sub('done', [opt(T.String, 'case', 'L', true)]))]);
    const answer = await callback(cases.id, from);
    expect(answer.data?.choices?.map((c) => c.value)).toEqual([`L${open.id}`]);
    // The masked name, never the full one.
    expect(answer.data?.choices?.[0]?.name).toContain('张*');
    expect(answer.data?.choices?.[0]?.name).not.toContain('张三');
  });

  it('answers board privately with a share button; sharing posts it for everyone with the chart drawn after the deferral', async () => {
    let from = fake.requests.length;
    const asked = fake.slash(COORD, [sub('board')]);
    // Deferred at once, privately (the chart is drawn after), then the answer edited in.
    const deferral = await callback(asked.id, from);
    expect(deferral.type).toBe(5);
    expect(deferral.data?.flags).toBe(64);
    const answer = await fake.waitFor((q) => q.method === 'PATCH' && q.path.includes(`/webhooks/${APP_ID}/${asked.token}`), from);
    expect(answer.files.map((f) => f.name)).toEqual(['board.png']);
    const share = (answer.body as CallbackBody['data'])?.components?.flatMap((r) => r.components).find((c) => c.custom_id.startsWith('enroll:share'));
    expect(share?.custom_id).toBe('enroll:share board');
    from = fake.requests.length;
    const press = fake.button(COORD, share!.custom_id);
    const deferred = await callback(press.id, from);
    expect(deferred.type).toBe(5);
    expect(deferred.data?.flags ?? 0).toBe(0);
    const edit = await fake.waitFor((q) => q.method === 'PATCH' && q.path.includes(`/webhooks/${APP_ID}/${press.token}`), from);
    expect(edit.files.map((f) => f.name)).toEqual(['board.png']);
    expect(JSON.stringify(edit.body)).toContain('lily');
    expect(drawn).toBeGreaterThanOrEqual(1);
  });

  it('a follow-up button updates the digest in place, confirms privately and notes it in the thread', async () => {
    const open = await app.database.db.selectFrom('lapse_case').select('id').executeTakeFirstOrThrow();
    const ref = `L${open.id}`;
    const digest = {
      embeds: [{ title: '断缴提醒', description: `${ref} 张*` }],
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 1, label: '已缴', custom_id: `enroll:lapse done ${ref} paid` },
            { type: 2, style: 2, label: '已缴', custom_id: 'enroll:lapse done L999999 paid' },
          ],
        },
      ],
    };
    const from = fake.requests.length;
    const press = fake.button(COORD, `enroll:lapse done ${ref} paid`, 'zh-CN', digest);
    const update = await callback(press.id, from);
    expect(update.type).toBe(7);
    expect(update.data?.components?.flatMap((r) => r.components).map((c) => c.custom_id)).toEqual(['enroll:lapse done L999999 paid']);
    expect(update.data?.embeds?.[0]?.description).toContain(`✅ ${ref} 已记录：已缴（lily）`);
    const confirmation = await fake.waitFor((q) => q.method === 'POST' && q.path === `/webhooks/${APP_ID}/${press.token}`, from);
    expect((confirmation.body as { flags?: number }).flags).toBe(64);
    const thread = await fake.waitFor((q) => q.method === 'POST' && q.path === `/channels/${CHANNEL_ID}/messages/${press.messageId}/threads`, from);
    expect((thread.body as { name: string }).name).toBe(ref);
    const note = await fake.waitFor((q) => q.method === 'POST' && /^\/channels\/\d+\/messages$/.test(q.path) && JSON.stringify(q.body).includes('劝缴结果'), from);
    expect(JSON.stringify(note.body)).toContain(ref);
  });

  it('bind names the permissions the bot lacks in the channel', async () => {
    fake.appPermissions = '0';
    const lacking = await slash(ADMIN, [sub('bind', [opt(T.String, 'what', '城南街道')])]);
    expect(lacking.data?.embeds?.[0]?.description).toContain('AttachFiles');
    // View, Send, Embed Links, Attach Files: 1024 | 2048 | 16384 | 32768.
    fake.appPermissions = String(1024 | 2048 | 16384 | 32768);
    const fine = await slash(ADMIN, [sub('bind', [opt(T.String, 'what', '城南街道')])]);
    expect(fine.data?.embeds?.[0]?.description).not.toContain('AttachFiles');
  });

  it('reports a channel it cannot reach as NotMember, and a 429 pauses every channel of the application', async () => {
    fake.refusePosts = { code: 50001, message: 'Missing Access' };
    const err = await platform.post('900000000000000099', { status: 'ok', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotMember);
    fake.refusePosts = null;

    fake.rateLimitPosts = 1;
    fake.retryAfterSeconds = 0.6;
    await enqueuePost(app.database.db, { platform: 'discord', channelId: '900000000000000011', reply: { status: 'ok', text: 'a' }, dedupeKey: 'a', now: new Date() });
    const worker = createOutboxWorker({ db: app.database.db, platforms: [platform], log: app.log, pollMs: 20, channelIntervalMs: 5 });
    worker.start();
    try {
      // The fake records a 429 without waking waiters: look for it.
      await until(() => fake.requests.some((q) => q.method === '429'), () => 'the 429');
      const limitedAt = fake.requests.find((q) => q.method === '429')!.at;
      await enqueuePost(app.database.db, { platform: 'discord', channelId: '900000000000000012', reply: { status: 'ok', text: 'b' }, dedupeKey: 'b', now: new Date() });
      worker.kick();
      const b = await fake.waitFor((q) => q.method === 'POST' && q.path === '/channels/900000000000000012/messages');
      // Another channel's post waited out the application's Retry-After (0.6 s) from the 429's arrival.
      expect(b.at - limitedAt).toBeGreaterThanOrEqual(450);
      expect(await worker.idle(5000)).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});
