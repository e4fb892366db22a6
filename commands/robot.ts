/**
 * `robot add|list|remove|test`: group robots of WeCom, DingTalk and Feishu
 * that get what a leaders' or township channel gets. The same command serves
 * the chat and `npm run cli -- robot …`. A robot is sent a test message
 * before it is saved (outside the write transaction: a network call must not
 * hold the database), so a wrong URL or secret is refused at once. URLs and
 * secrets are sealed at rest and never shown, logged or audited whole.
 */
import { arg, keyword, type ArgSpec } from '../src/core/args.ts';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok, type Reply } from '../src/core/reply.ts';
import { resolveArea } from '../src/core/scope.ts';
import type { Area, BindingKind, RobotApp } from '../src/db/schema.ts';
import type { Catalogue } from '../src/i18n/index.ts';
import { digest, open, seal } from '../src/domain/secret-box.ts';
import { postToRobot, safeHost, signRequest, urlHint, type RobotAnswer } from '../src/robots/apps.ts';
import { robotBody, robotParts } from '../src/robots/render.ts';
import { parseRobotRef, robotRef } from '../src/domain/robot-ref.ts';

const LEADERS = new Set(['leaders', 'leader', '领导', '领导群']);

const APP_CHOICES = [
  { value: 'wecom' as const, aliases: ['企业微信', '企微', '政务微信', 'wework'], label: { 'zh-CN': '企业微信', en: 'WeCom' } },
  { value: 'dingtalk' as const, aliases: ['钉钉', '浙政钉', 'dingding'], label: { 'zh-CN': '钉钉', en: 'DingTalk' } },
  { value: 'feishu' as const, aliases: ['飞书', 'lark'], label: { 'zh-CN': '飞书', en: 'Feishu' } },
];

/** The app, refused without echoing the word when it is a URL (a webhook URL holds the robot's key). */
function appArg(): ArgSpec<RobotApp> {
  const base = arg.choice({ label: { 'zh-CN': '应用', en: 'app' }, description: { 'zh-CN': 'wecom（企业微信）、dingtalk（钉钉）或 feishu（飞书）', en: 'wecom, dingtalk or feishu' } }, APP_CHOICES);
  return {
    ...base,
    parse(token, env) {
      if (token.includes('://')) return { ok: false, message: env.t.choiceInvalid({ token: '…', choices: APP_CHOICES.map((c) => [c.value, ...c.aliases].join('/')).join(', ') }) };
      return base.parse(token, env);
    },
  };
}

function robotArg(): ArgSpec<number> {
  return {
    label: { 'zh-CN': '编号', en: 'robot' },
    description: { 'zh-CN': '机器人编号，如 R3', en: 'the robot, e.g. R3' },
    optionType: 'string',
    optional: false,
    parse(token, { t }) {
      const id = parseRobotRef(token);
      return id === null ? { ok: false, message: t.robotRefInvalid({ token }) } : { ok: true, value: id };
    },
  };
}

/** The sealing key, or a refusal that says how to get one. */
function robotKey(ctx: CommandContext): Uint8Array {
  try {
    if (ctx.settings.robotKey) return ctx.settings.robotKey();
  } catch {
    // no PII secret to derive it from: refused below
  }
  throw new Refusal(ctx.t.robotNoKey(), { code: 'unavailable' });
}

/** A robot's test message, sent now; its answer. */
async function sendTest(app: RobotApp, url: string, secret: string | null, t: Catalogue, place: string): Promise<RobotAnswer> {
  const [part] = robotParts(app, { status: 'ok', title: t.robotTestTitle(), text: t.robotTestText({ place }) });
  // Signed with the real time: the apps check it against their own clocks.
  return postToRobot(app, signRequest(app, url, secret, robotBody(app, part!), new Date()));
}

/** Refuses unless the test message went through. */
function requireDelivered(answer: RobotAnswer, app: RobotApp, t: Catalogue, saved: boolean): void {
  const name = t.robotAppName({ app });
  switch (answer.kind) {
    case 'ok':
      return;
    case 'broken':
      throw new Refusal(t.robotRefused({ app: name, problem: t.robotProblem({ problem: answer.problem }), saved }), { code: 'invalid_input' });
    case 'rate':
    case 'quota':
      throw new Refusal(t.robotBusy({ app: name, saved }), { code: 'unavailable' });
    case 'retry':
      throw new Refusal(t.robotUnreachable({ detail: answer.code, saved }), { code: 'unavailable' });
  }
}

interface AddPrepared {
  app: RobotApp;
  urlSealed: string;
  urlDigest: string;
  urlHint: string;
  secretSealed: string | null;
  kind: BindingKind;
  area: Area;
  place: string;
  host: string;
  /** When the app answered the test message: it counts in the robot's rate window. */
  testedAt: Date;
}

const add = defineCommand({
  name: 'add',
  aliases: ['添加'],
  summary: {
    'zh-CN': '添加群机器人（先发一条测试消息），例：robot add wecom <webhook地址> for leaders；robot add dingtalk <地址> secret <加签密钥> for 城南街道。',
    en: 'Add a group robot (after a test message), e.g. robot add wecom <webhook-url> for leaders; robot add dingtalk <url> secret <signing secret> for 城南街道.',
  },
  permission: 'admin',
  writes: true,
  args: {
    app: appArg(),
    url: arg.word({ label: { 'zh-CN': 'webhook地址', en: 'webhook-url' }, description: { 'zh-CN': '群机器人的 webhook 地址', en: "the group robot's webhook URL" } }),
    secret: arg.optional(
      keyword(arg.word({ label: { 'zh-CN': '加签密钥', en: 'secret' }, description: { 'zh-CN': '钉钉或飞书机器人的加签密钥', en: "a DingTalk or Feishu robot's signing secret" } }), 'secret', '密钥', '加签'),
    ),
    to: keyword(
      arg.word({ label: { 'zh-CN': 'leaders或乡镇', en: 'leaders|township' }, description: { 'zh-CN': 'leaders（领导群）或乡镇名称', en: 'leaders, or a township' } }),
      'for',
      '给',
      '发往',
    ),
    area: arg.optional(arg.word({ label: { 'zh-CN': '地区', en: 'area' }, description: { 'zh-CN': '领导群所属地区（默认本区）', en: "the leaders' area (default: the root)" } })),
  },
  async prepare(ctx, args): Promise<AddPrepared> {
    const { t } = ctx;
    let url: URL;
    try {
      url = new URL(args.url.trim());
    } catch {
      throw new Refusal(t.robotUrlInvalid(), { code: 'invalid_input', usage: true });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Refusal(t.robotUrlInvalid(), { code: 'invalid_input', usage: true });
    const appName = t.robotAppName({ app: args.app });
    if (args.app === 'wecom' && args.secret !== undefined) throw new Refusal(t.robotNoSecret({ app: appName }), { code: 'invalid_input' });
    const leaders = LEADERS.has(args.to.toLowerCase());
    if (!leaders && args.area !== undefined) throw new Refusal(t.extraWords({ words: args.area }), { code: 'invalid_input', usage: true });
    const area = leaders ? (args.area !== undefined ? await resolveArea(ctx, args.area) : await ctx.setup.rootArea()) : await resolveArea(ctx, args.to);
    if (!leaders && area.kind !== 'township') throw new Refusal(t.areaNotTownship({ name: area.name }), { code: 'wrong_place' });
    const kind: BindingKind = leaders ? 'leaders' : 'township';
    const key = robotKey(ctx);
    const href = url.toString();
    const urlDigest = digest(key, href);
    const before = await ctx.robots.byDigest(urlDigest);
    if (before) throw new Refusal(t.robotDuplicate({ ref: robotRef(before.id) }), { code: 'conflict' });
    const place = t.robotPlace({ kind, area: area.name });
    const secret = args.secret?.trim() || null;
    requireDelivered(await sendTest(args.app, href, secret, t, place), args.app, t, false);
    const testedAt = new Date();
    return {
      app: args.app,
      urlSealed: seal(key, href),
      urlDigest,
      urlHint: urlHint(href),
      secretSealed: secret ? seal(key, secret) : null,
      kind,
      area,
      place,
      host: safeHost(href),
      testedAt,
    };
  },
  async run(ctx, _args, prepared) {
    const { t } = ctx;
    const p = prepared as AddPrepared;
    // Added by someone else while the test message was on its way.
    const before = await ctx.robots.byDigest(p.urlDigest);
    if (before) throw new Refusal(t.robotDuplicate({ ref: robotRef(before.id) }), { code: 'conflict' });
    const id = await ctx.robots.add({
      app: p.app,
      urlSealed: p.urlSealed,
      urlDigest: p.urlDigest,
      urlHint: p.urlHint,
      secretSealed: p.secretSealed,
      kind: p.kind,
      areaId: p.area.id,
    });
    const ref = robotRef(id);
    await ctx.robots.countTestMessage(id, p.app, p.testedAt);
    // The host only: the key in the URL and the secret never reach the audit log.
    await ctx.audit('robot.add', { robot: ref, app: p.app, kind: p.kind, area: p.area.id, name: p.area.name, host: p.host, signed: p.secretSealed !== null });
    const appName = t.robotAppName({ app: p.app });
    const lines = [t.robotAdded({ ref, app: appName, place: p.place, hint: p.urlHint, signed: p.secretSealed !== null })];
    if (p.app !== 'wecom' && p.secretSealed === null) lines.push(t.robotUnsigned({ app: appName }));
    // The URL hint is still a credential's first characters: for the admin's eyes only.
    return ok(lines.join('\n'), { private: true });
  },
});

const list = defineCommand({
  name: 'list',
  aliases: ['列表'],
  summary: { 'zh-CN': '列出群机器人（地址只显示开头，密钥不显示）。', en: 'List the group robots (URLs by their first characters, secrets never).' },
  permission: 'admin',
  writes: false,
  args: {},
  async run(ctx): Promise<Reply> {
    const { t } = ctx;
    const robots = await ctx.robots.list();
    if (robots.length === 0) return ok(t.robotListEmpty());
    return {
      status: 'ok',
      title: t.robotListTitle(),
      text: '',
      table: {
        columns: t.robotListColumns().map((header) => ({ header, align: 'left' as const })),
        rows: robots.map((r) => [
          robotRef(r.id),
          t.robotAppName({ app: r.app }),
          t.robotPlace({ kind: r.kind, area: r.area_name }),
          r.url_hint,
          t.robotSignedCell({ signed: r.secret_sealed !== null }),
          t.robotStatusCell({ failing: r.status === 'failing', problem: r.problem ?? '' }),
        ]),
      },
      private: true,
    };
  },
});

const remove = defineCommand({
  name: 'remove',
  aliases: ['删除'],
  summary: { 'zh-CN': '删除群机器人，例：robot remove R3；尚未发出的消息一并取消。', en: 'Remove a group robot, e.g. robot remove R3; its queued messages are cancelled.' },
  permission: 'admin',
  writes: true,
  args: { robot: robotArg() },
  async run(ctx, args) {
    const { t } = ctx;
    const robot = await ctx.robots.get(args.robot);
    const ref = robotRef(args.robot);
    if (!robot) throw new Refusal(t.robotUnknown({ ref }), { code: 'not_found' });
    const cancelled = await ctx.robots.remove(robot, ref);
    await ctx.audit('robot.remove', { robot: ref, app: robot.app, kind: robot.kind, area: robot.area_id, name: robot.area_name, cancelled });
    return ok(t.robotRemoved({ ref, cancelled }));
  },
});

const test = defineCommand({
  name: 'test',
  aliases: ['测试'],
  summary: { 'zh-CN': '给群机器人发测试消息，例：robot test R3；机器人修好后用它恢复投递。', en: 'Send a group robot a test message, e.g. robot test R3; after a fix, this resumes its deliveries.' },
  permission: 'admin',
  writes: true,
  args: { robot: robotArg() },
  async prepare(ctx, args) {
    const { t } = ctx;
    const robot = await ctx.robots.get(args.robot);
    if (!robot) throw new Refusal(t.robotUnknown({ ref: robotRef(args.robot) }), { code: 'not_found' });
    const key = robotKey(ctx);
    const url = open(key, robot.url_sealed);
    const secret = robot.secret_sealed ? open(key, robot.secret_sealed) : null;
    const place = t.robotPlace({ kind: robot.kind, area: robot.area_name });
    requireDelivered(await sendTest(robot.app, url, secret, t, place), robot.app, t, true);
    return { app: robot.app, testedAt: new Date() };
  },
  async run(ctx, args, prepared) {
    const ref = robotRef(args.robot);
    const { app, testedAt } = prepared as { app: RobotApp; testedAt: Date };
    await ctx.robots.countTestMessage(args.robot, app, testedAt);
    // It works: if it was failing, its held posts go out now.
    const released = await ctx.robots.markWorking(args.robot, app, ref);
    await ctx.audit('robot.test', { robot: ref, released });
    return ok(ctx.t.robotTested({ ref, released }));
  },
});

export default defineCommand({
  name: 'robot',
  aliases: ['机器人'],
  summary: {
    'zh-CN': '群机器人（企业微信、钉钉、飞书）：领导群或乡镇工作群收到的通报和提醒也推送到这些群。',
    en: "Group robots (WeCom, DingTalk, Feishu): what a leaders' or township channel gets goes to those groups too.",
  },
  permission: 'admin',
  writes: false,
  args: {},
  subcommands: [add, list, remove, test],
});
