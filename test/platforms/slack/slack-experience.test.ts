/**
 * Slack as its users expect, against the fake Slack: `bind` joins the
 * channel; a post the bot may not share a file in goes out without it;
 * `board`, `progress` and `lapse` answer privately with a button to share;
 * a follow-up button updates the digest in place and talks in its thread;
 * the pay form validates inline; the App Home; the table block and its XLSX.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../helpers/app.ts';
import type { SlackPlatform } from '../../../src/platforms/slack/slack-platform.ts';
import { createOutboxWorker } from '../../../src/outbox/worker.ts';
import { enqueuePost } from '../../../src/store/outbox.ts';
import { createChartDrawing } from '../../../src/platforms/common/chart-draw.ts';
import { platformLookups } from '../../../src/store/suggestions.ts';
import { createSlackPlatform } from '../../../src/platforms/slack/slack-platform.ts';
import { importOneContributor } from '../../helpers/lapse-files.ts';
import {
  buttonBody,
  homeOpenedBody,
  sendToApp,
  shortcutBody,
  slashBody,
  startFakeSlack,
  viewSubmissionBody,
  type FakeCall,
  type FakeSlack,
} from './fake-slack.ts';
import { until } from '../../helpers/until.ts';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded' as const;
const NOW = new Date('2026-11-23T02:00:00Z');

let fake: FakeSlack;
let app: TestApp;
let slack: SlackPlatform;
let trigger = 0;
let drawn = 0;

beforeEach(async () => {
  fake = await startFakeSlack();
  fake.users.set('UADMIN', { name: '李管理' });
  fake.users.set('UWANG', { name: '王芳' });
  fake.users.set('ULEAD', { name: '周局长' });
  fake.channels.set('CSOUTH', '城南工作群');
  app = await openTestApp({ env: { ENROLLBOT_ADMINS: 'slack:UADMIN' }, now: NOW });
  drawn = 0;
  for (const line of ['township add 城南街道 target 1000', 'township add 城北街道 target 800']) expect((await app.say('admin', 'console', line)).status).toBe('ok');
  slack = createSlackPlatform({
    slack: { botToken: 'xoxb-test', appToken: null, signingSecret: SECRET, port: 0, apiUrl: fake.apiUrl },
    dispatcher: app.dispatcher,
    log: app.log,
    host: '127.0.0.1',
    lookups: platformLookups(app.database.db),
    charts: createChartDrawing(async (svg) => {
      drawn++;
      return new TextEncoder().encode(`png:${svg.length}`);
    }),
  });
  await slack.start();
});

afterEach(async () => {
  await slack.stop();
  await app.close();
  await fake.close();
});

async function responseTo(url: string, nth = 0): Promise<FakeCall> {
  const path = new URL(url).pathname;
  const hits = () => fake.of('response').filter((c) => c.path === path);
  await until(() => hits().length > nth, () => `response ${nth + 1} at ${path}; calls: ${fake.calls.map((c) => c.method).join(', ')}`, 5000);
  return hits()[nth]!;
}

async function slash(userId: string, channelId: string, text: string) {
  const responseUrl = fake.responseUrl();
  const res = await sendToApp(slack.port!, slashBody({ text, userId, channelId, triggerId: `trig.${++trigger}`, responseUrl }), FORM, { secret: SECRET });
  expect(res.status).toBe(200);
  return { responseUrl, response: await responseTo(responseUrl) };
}

async function press(userId: string, channelId: string, value: string, extra: { message?: Record<string, unknown>; home?: boolean; label?: string } = {}) {
  const responseUrl = fake.responseUrl();
  const body = buttonBody({ userId, channelId, value, actionId: 'enroll_cmd_0', triggerId: `trig.${++trigger}`, responseUrl, ...extra });
  expect((await sendToApp(slack.port!, body, FORM, { secret: SECRET })).status).toBe(200);
  return responseUrl;
}

async function setUpSouth() {
  expect((await slash('UADMIN', 'CSOUTH', 'bind 城南街道')).response.body.response_type).toBe('in_channel');
  expect((await slash('UADMIN', 'CSOUTH', 'grant <@UWANG|wangfang> coordinator 城南街道')).response.body.text).toContain('王芳');
}

type Blocks = { type: string; elements?: { value?: string; action_id?: string; text?: unknown }[]; rows?: { text: string }[][]; text?: { text: string } }[];

describe('bind joins the channel', () => {
  it('joins a public channel when it binds it', async () => {
    await setUpSouth();
    const joins = fake.of('conversations.join');
    expect(joins).toHaveLength(1);
    expect(joins[0]!.body.channel).toBe('CSOUTH');
  });

  it('says how to invite the bot when it cannot join (a private channel)', async () => {
    fake.fail('conversations.join', 'method_not_supported_for_channel_type');
    const { response } = await slash('UADMIN', 'GPRIV', 'bind 城南街道');
    expect(response.body.response_type).toBe('in_channel');
    expect(response.body.text).toContain('已绑定');
    expect(JSON.stringify(response.body.blocks)).toContain('/invite @enrollbot');
    expect(JSON.stringify(response.body.blocks)).toContain('method_not_supported_for_channel_type');
  });
});

describe('deliveries where the bot is not a member', () => {
  it('joins and retries the upload; when it cannot join, the outbox posts the board without its chart', async () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const board = { status: 'ok' as const, title: '排行', text: '本区', image: { png, filename: 'board.png', alt: 'chart' } };
    // Public channel: not a member yet, joins, and the second upload shares it.
    fake.fail('files.completeUploadExternal', 'not_in_channel', 1);
    await slack.post('CPUB', board);
    expect(fake.of('conversations.join')).toHaveLength(1);
    expect(fake.of('files.completeUploadExternal')).toHaveLength(1);

    // Private channel: cannot join; through the outbox the figures still arrive, without the chart.
    fake.fail('files.completeUploadExternal', 'not_in_channel');
    fake.fail('conversations.join', 'method_not_supported_for_channel_type');
    await enqueuePost(app.database.db, { platform: 'slack', channelId: 'GPRIV', reply: board, dedupeKey: 'board:gpriv', now: new Date() });
    const worker = createOutboxWorker({ db: app.database.db, platforms: [slack], log: app.log, pollMs: 20, channelIntervalMs: 5 });
    worker.start();
    try {
      expect(await worker.idle(10_000)).toBe(true);
    } finally {
      await worker.stop();
    }
    const posts = fake.of('chat.postMessage').filter((c) => c.body.channel === 'GPRIV');
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.body.blocks)).toContain('/invite');
    const row = await app.database.db.selectFrom('outbox').select(['delivered_at', 'attempts']).where('dedupe_key', '=', 'board:gpriv').executeTakeFirstOrThrow();
    expect(row.delivered_at).not.toBeNull();
  });
});

describe('pacing per workspace', () => {
  it('a 429 from the workspace-wide limit pauses every channel for its Retry-After; nothing lost or doubled', async () => {
    fake.workspaceLimit = 3;
    for (let i = 0; i < 6; i++) {
      await enqueuePost(app.database.db, { platform: 'slack', channelId: `C${i}`, reply: { status: 'ok', text: `m${i}` }, dedupeKey: `m${i}`, now: new Date() });
    }
    const worker = createOutboxWorker({ db: app.database.db, platforms: [slack], log: app.log, pollMs: 20, channelIntervalMs: 5 });
    worker.start();
    try {
      expect(await worker.idle(15_000)).toBe(true);
    } finally {
      await worker.stop();
    }
    const limited = fake.of('chat.postMessage:429');
    expect(limited.length).toBeGreaterThan(0);
    const firstLimit = limited[0]!.at;
    const accepted = fake.of('chat.postMessage');
    // Once Slack said wait a second, no channel was posted to before that second was over.
    expect(accepted.filter((c) => c.at > firstLimit && c.at < firstLimit + 900)).toEqual([]);
    expect(accepted.map((c) => c.body.text).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  });
});

describe('private by default', () => {
  it('answers board privately with a share button; sharing posts it with its chart and removes the private copy', async () => {
    await setUpSouth();
    expect((await slash('UADMIN', 'CLEAD', 'bind leaders')).response.body.response_type).toBe('in_channel');
    const { response } = await slash('UWANG', 'CLEAD', 'board');
    expect(response.body.response_type).toBe('ephemeral');
    const blocks = response.body.blocks as Blocks;
    expect(blocks.some((b) => b.type === 'table')).toBe(true);
    const share = blocks.flatMap((b) => b.elements ?? []).find((e) => e.value?.startsWith('share '));
    expect(share?.value).toBe('share board');
    // The coordinator may log for their township: its Log button opens the pay form.
    expect(blocks.flatMap((b) => b.elements ?? []).some((e) => e.action_id?.startsWith('enroll_pay_'))).toBe(true);
    expect(fake.of('files.completeUploadExternal')).toHaveLength(0);

    const url = await press('UWANG', 'CLEAD', 'share board');
    await fake.waitFor('files.completeUploadExternal');
    const shared = fake.of('files.completeUploadExternal')[0]!;
    expect(shared.body.channel_id).toBe('CLEAD');
    expect(JSON.stringify(shared.body.blocks)).toContain('城北街道');
    expect(JSON.stringify(shared.body.blocks)).toContain('王芳 分享');
    expect(drawn).toBe(1);
    const removed = await responseTo(url);
    expect(removed.body.delete_original).toBe(true);

    // Asked again with the same figures: the chart drawn before is used again.
    await press('UWANG', 'CLEAD', 'share board');
    await fake.waitFor('files.completeUploadExternal', 2);
    expect(drawn).toBe(1);
  });

  it('answers progress and lapse privately; a direct message is private already', async () => {
    await setUpSouth();
    const progress = await slash('UWANG', 'CSOUTH', 'progress');
    expect(progress.response.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(progress.response.body.blocks)).toContain('share progress');
    const lapse = await slash('UWANG', 'CSOUTH', 'lapse');
    expect(lapse.response.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(lapse.response.body.blocks)).not.toContain('share ');
    // The scheduled post is public: board post goes through the outbox to the leaders' channel (see slack-http).
    const pay = await slash('UWANG', 'CSOUTH', 'pay 3 1200');
    expect(pay.response.body.response_type).toBe('in_channel');
  });
});

describe('messages that update', () => {
  it('a follow-up button updates the digest in place, removes its buttons, confirms privately and talks in the thread', async () => {
    await setUpSouth();
    await importOneContributor(app, { township: '城南街道', lastPaid: '2026-09', now: NOW, through: '2026-10' });
    expect((await app.say('admin', 'x', 'lapse scan 2026-10')).status).toBe('ok');
    const open = await app.database.db.selectFrom('lapse_case').select('id').executeTakeFirstOrThrow();
    const ref = `L${open.id}`;
    const digest = {
      type: 'message',
      ts: '1700000100.000100',
      text: '断缴提醒',
      blocks: [
        { type: 'section', text: { type: 'plain_text', text: '断缴提醒' } },
        { type: 'table', rows: [[{ type: 'raw_text', text: '编号' }], [{ type: 'raw_text', text: ref }], [{ type: 'raw_text', text: 'L999999' }]] },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'enroll_cmd_0', text: { type: 'plain_text', text: '已缴' }, value: `lapse done ${ref} paid` },
            { type: 'button', action_id: 'enroll_cmd_1', text: { type: 'plain_text', text: '已缴' }, value: 'lapse done L999999 paid' },
          ],
        },
      ],
    };
    await press('UWANG', 'CSOUTH', `lapse done ${ref} paid`, { message: digest, label: '已缴' });
    const [update] = await fake.waitFor('chat.update');
    expect(update!.body.channel).toBe('CSOUTH');
    expect(update!.body.ts).toBe('1700000100.000100');
    const blocks = update!.body.blocks as Blocks;
    const values = blocks.flatMap((b) => b.elements ?? []).map((e) => e.value).filter(Boolean);
    expect(values).toEqual(['lapse done L999999 paid']);
    expect(blocks.find((b) => b.type === 'table')!.rows![1]![0]!.text).toBe(`✅ ${ref}`);
    expect(JSON.stringify(blocks)).toContain(`${ref} 已记录：已缴（王芳）`);
    const [confirmation] = await fake.waitFor('chat.postEphemeral');
    expect(confirmation!.body.user).toBe('UWANG');
    const thread = await until(
      () => fake.of('chat.postMessage').some((c) => c.body.thread_ts === '1700000100.000100'),
      () => 'a note in the digest thread',
      5000,
    ).then(() => fake.of('chat.postMessage').find((c) => c.body.thread_ts === '1700000100.000100')!);
    expect(thread.body.text).toContain(ref);
    const followups = await app.database.db.selectFrom('lapse_followup').select('outcome').execute();
    expect(followups.map((f) => f.outcome)).toEqual(['paid']);
  });
});

describe('the pay form', () => {
  it('opens from the shortcut with the user’s township preselected and number inputs', async () => {
    await setUpSouth();
    const res = await sendToApp(slack.port!, shortcutBody({ userId: 'UWANG', callbackId: 'enroll_pay_shortcut', triggerId: 'trig.sc' }), FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    const [open] = await fake.waitFor('views.open');
    const view = open!.body.view as { blocks: { block_id: string; element: { type: string; initial_option?: { value: string } } }[] };
    const township = view.blocks.find((b) => b.block_id === 'township')!;
    expect(township.element.initial_option?.value).toBe('城南街道');
    expect(view.blocks.find((b) => b.block_id === 'people')!.element.type).toBe('number_input');
    expect(view.blocks.find((b) => b.block_id === 'amount')!.element.type).toBe('number_input');
  });

  it('answers a submission with errors beside the field, records nothing; a good one closes and confirms in the channel', async () => {
    await setUpSouth();
    const submit = (amount: string, viewId: string) =>
      sendToApp(
        slack.port!,
        viewSubmissionBody({
          userId: 'UWANG',
          callbackId: 'enroll_pay',
          viewId,
          privateMetadata: JSON.stringify({ channelId: 'CSOUTH' }),
          values: { township: { selected_option: { value: '城南街道' } }, people: { value: '12' }, amount: { value: amount }, note: { value: null } },
        }),
        FORM,
        { secret: SECRET },
      );
    const bad = await submit('48000', 'V1');
    expect(bad.status).toBe(200);
    const answer = JSON.parse(bad.text) as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(Object.keys(answer.errors)).toEqual(['amount']);
    expect(await app.database.db.selectFrom('ledger_entry').select('id').execute()).toHaveLength(0);

    const good = await submit('4800', 'V1');
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    const posted = await until(
      () => fake.of('chat.postMessage').some((c) => c.body.channel === 'CSOUTH' && String(c.body.text).includes('4,800')),
      () => 'the confirmation in the channel',
      5000,
    ).then(() => fake.of('chat.postMessage').find((c) => String(c.body.text).includes('4,800'))!);
    expect(posted.body.text).toContain('城南街道');
    expect(await app.database.db.selectFrom('ledger_entry').select('id').execute()).toHaveLength(1);
  });
});

describe('the App Home', () => {
  it('shows the coordinator’s township with a Log button, and the live board to a leader', async () => {
    await setUpSouth();
    expect((await slash('UADMIN', 'CSOUTH', 'grant <@ULEAD|lead> leader')).response.body.text).toBeTruthy();
    await sendToApp(slack.port!, homeOpenedBody({ eventId: 'Ev1', userId: 'UWANG' }), 'application/json', { secret: SECRET });
    const [mine] = await fake.waitFor('views.publish');
    expect(mine!.body.user_id).toBe('UWANG');
    const text = JSON.stringify(mine!.body.view);
    expect(text).toContain('本乡镇进度');
    expect(text).toContain('城南街道');
    expect(text).toContain('enroll_pay_');
    expect(text).not.toContain('实时排行');

    await sendToApp(slack.port!, homeOpenedBody({ eventId: 'Ev2', userId: 'ULEAD' }), 'application/json', { secret: SECRET });
    const [, lead] = await fake.waitFor('views.publish', 2);
    expect(JSON.stringify(lead!.body.view)).toContain('实时排行');
  });
});

describe('the board as a table block', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [String(i + 1), `第${i + 1}乡镇`, '1.00%']);
  const columns = [
    { header: '排名', align: 'right' as const },
    { header: '乡镇', align: 'left' as const },
    { header: '完成率', align: 'right' as const },
  ];

  it('beyond 99 rows shows the first rows and attaches the whole table as XLSX', async () => {
    await slack.post('CLEAD', { status: 'ok', title: '排行', text: '全市', table: { columns, rows: rows(250) } });
    const [complete] = await fake.waitFor('files.completeUploadExternal');
    const files = complete!.body.files as { title?: string }[];
    expect(files.map((f) => f.title)).toEqual(['table.xlsx']);
    const upload = fake.of('upload')[0]!;
    // An XLSX file is a zip: its local header PK\3\4.
    expect(upload.raw.includes(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe(true);
    const blocks = complete!.body.blocks as Blocks;
    expect(blocks.find((b) => b.type === 'table')!.rows).toHaveLength(100);
    expect(JSON.stringify(blocks)).toContain('其余 151 行');
  });

  it('falls back to the code block when Slack refuses the table block', async () => {
    fake.fail('chat.postMessage', 'invalid_blocks', 1);
    await slack.post('CLEAD', { status: 'ok', title: '排行', text: '本区', table: { columns, rows: rows(3) } });
    const posts = fake.of('chat.postMessage');
    expect(posts).toHaveLength(1);
    const blocks = posts[0]!.body.blocks as Blocks;
    expect(blocks.some((b) => b.type === 'table')).toBe(false);
    expect(blocks.some((b) => b.text?.text.startsWith('```'))).toBe(true);
  });
});
