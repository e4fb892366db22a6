/**
 * `lapse` (断缴): a township's open lapse cases; `lapse done <case> <outcome>
 * [note…]` (已劝缴): record a follow-up; `lapse scan [<YYYY-MM>]`: screen now.
 */
import { arg, keyword, type ArgSpec } from '../src/core/args.ts';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { coordinatedTownship, resolveArea } from '../src/core/scope.ts';
import { peopleListPlace } from '../src/core/visibility.ts';
import type { Area } from '../src/db/schema.ts';
import { addMonths, parseMonth } from '../src/domain/months.ts';
import { maskName, redact } from '../src/domain/mask.ts';
import { isAdmin, isCoordinator, leads, ledAreas, mayLogFor } from '../src/domain/permissions.ts';
import { caseActions, caseRef, caseTable, total } from '../src/lapse/digest.ts';
import { defaultScanMonth } from '../src/lapse/screen.ts';
import type { ScanMonthProblem } from '../src/lapse/scan-month.ts';
import type { FollowupOutcome } from '../src/services/lapse.ts';

/** Cases listed by `lapse`. */
const LIST_ROWS = 50;

const caseArg: ArgSpec<number> = {
  label: { 'zh-CN': '断缴编号', en: 'case' },
  description: { 'zh-CN': '如 L12', en: 'e.g. L12' },
  optionType: 'string',
  optional: false,
  parse(token, { t }) {
    const m = /^[Ll]?(\d{1,12})$/.exec(token);
    return m ? { ok: true, value: Number(m[1]) } : { ok: false, message: t.lapseCaseInvalid({ token }) };
  },
};

const monthArg: ArgSpec<string> = {
  label: { 'zh-CN': '月份', en: 'YYYY-MM' },
  description: { 'zh-CN': '筛查月份（默认上月）', en: 'the month to screen (default: last month)' },
  optionType: 'string',
  optional: false,
  parse(token, { t }) {
    const m = parseMonth(token);
    return m ? { ok: true, value: m } : { ok: false, message: t.lapseMonthInvalid({ token }) };
  },
};

/**
 * The area a leader asks about, when the speaker's roles give them counts
 * and not the list: a leader who coordinates no township and is no admin,
 * or one who names an area they lead but do not coordinate. Undefined when
 * the speaker is to get the township's list instead.
 */
async function leaderArea(ctx: CommandContext, name: string | undefined): Promise<Area | undefined> {
  const led = ledAreas(ctx.actor);
  if (led.length === 0 || isAdmin(ctx.actor)) return undefined;
  if (name !== undefined) {
    const area = await resolveArea(ctx, name);
    if (mayLogFor(ctx.actor, area.path)) return undefined;
    if (!leads(ctx.actor, area.path)) throw new Refusal(ctx.t.lapseNotLeaderOf({ area: area.name }), { code: 'not_permitted' });
    return area;
  }
  if (isCoordinator(ctx.actor)) return undefined;
  const bound = ctx.channel.binding?.area;
  if (bound && leads(ctx.actor, bound.path)) return bound;
  const own = await ctx.setup.area(led[0]!.areaId);
  if (!own) throw new Refusal(ctx.t.lapseNoTownship({ example: ctx.t.townshipPlaceholder() }), { code: 'wrong_place' });
  return own;
}

/** A leader's view: the area's open cases counted by stage, township by township; no person named. */
async function leaderCounts(ctx: CommandContext, area: Area) {
  const { t } = ctx;
  const filter = area.kind === 'township' || area.kind === 'village' ? { areaId: area.id } : { underPath: area.path };
  const areas = await ctx.lapse.stageCountsByArea(filter);
  const sum = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const a of areas) for (const s of [1, 2, 3, 4] as const) sum[s] += a.counts[s];
  if (total(sum) === 0) return ok(t.lapseListEmpty({ area: area.name }));
  const text = t.lapseCounts({ total: total(sum), s1: sum[1], s2: sum[2], s3: sum[3], s4: sum[4] });
  const table =
    area.kind === 'township'
      ? undefined
      : {
          columns: t.lapseAreaColumns().map((header, i) => ({ header, align: i === 0 ? ('left' as const) : ('right' as const) })),
          rows: areas.map((a) => [a.areaName, String(total(a.counts)), ...([1, 2, 3, 4] as const).map((s) => String(a.counts[s]))]),
        };
  return ok(text, { title: t.lapseLeaderTitle({ area: area.name }), ...(table ? { table } : {}), footer: t.lapseLeaderNote() });
}

/** The township a lapse command is about: named, the channel's, or the speaker's only one; checked. */
function lapseTownship(ctx: CommandContext, name: string | undefined): Promise<Area> {
  return coordinatedTownship(ctx, name, {
    villages: false,
    noTownship: (example) => ctx.t.lapseNoTownship({ example }),
    notCoordinator: (township) => ctx.t.lapseNotCoordinator({ township }),
  });
}

const OUTCOMES: { value: FollowupOutcome; aliases: string[]; label: { 'zh-CN': string; en: string } }[] = [
  { value: 'paid', aliases: ['已缴', '已缴费', '缴了'], label: { 'zh-CN': '已缴', en: 'paid' } },
  { value: 'promised', aliases: ['承诺', '答应'], label: { 'zh-CN': '承诺', en: 'promised' } },
  { value: 'refused', aliases: ['拒绝', '拒缴'], label: { 'zh-CN': '拒绝', en: 'refused' } },
  { value: 'moved', aliases: ['迁出', '转出'], label: { 'zh-CN': '迁出', en: 'moved' } },
  { value: 'unreachable', aliases: ['联系不上', '失联'], label: { 'zh-CN': '联系不上', en: 'unreachable' } },
];

const done = defineCommand({
  name: 'done',
  aliases: ['已劝缴', '跟进'],
  // `已劝缴 L12 承诺` on its own, as the product's command table lists it.
  standaloneAliases: ['已劝缴'],
  summary: {
    'zh-CN': '记录劝缴结果：已缴、承诺、拒绝、迁出、联系不上，可加备注。“承诺”在下次筛查前暂停提醒，“迁出”结案。例：lapse done L12 承诺 月底前补缴。',
    en: 'Record a follow-up: paid, promised, refused, moved, unreachable, with a note. "promised" pauses reminders until the next scan; "moved" closes the case. E.g. lapse done L12 promised.',
  },
  permission: 'coordinator',
  denied: (t) => t.needCoordinatorForLapse(),
  writes: true,
  args: {
    case: caseArg,
    outcome: arg.choice({ label: { 'zh-CN': '结果', en: 'outcome' }, description: { 'zh-CN': '劝缴结果', en: 'the outcome' } }, OUTCOMES),
    note: arg.optional(arg.text({ label: { 'zh-CN': '备注', en: 'note' }, description: { 'zh-CN': '备注', en: 'a note' } })),
  },
  async run(ctx, args) {
    const ref = caseRef(args.case);
    // A note is free text: an ID or phone typed into it is stored masked, like everywhere else.
    const note = args.note === undefined ? null : redact(args.note);
    const found = await ctx.lapse.getCase(args.case);
    if (!found) throw new Refusal(ctx.t.lapseCaseUnknown({ ref }), { code: 'not_found' });
    if (!mayLogFor(ctx.actor, found.area_path)) throw new Refusal(ctx.t.lapseNotCoordinator({ township: found.area_name }), { code: 'not_permitted' });
    if (found.status !== 'open') throw new Refusal(ctx.t.lapseCaseClosed({ ref }), { code: 'conflict' });
    const r = await ctx.lapse.recordFollowup({ caseId: found.id, outcome: args.outcome, note, pauseUntil: addMonths(found.scan_month, 1) });
    await ctx.audit('lapse.followup', { case: ref, outcome: args.outcome, note, area: found.area_name });
    return ok(
      ctx.t.lapseFollowupRecorded({
        ref,
        name: found.name ? maskName(found.name) : '—',
        outcome: ctx.t.lapseOutcomeName({ outcome: args.outcome }),
        paused: r.paused,
        closed: r.closed,
      }),
    );
  },
});

/** The refusal of a month that cannot be screened, naming one that can. */
function scanRefusal(ctx: CommandContext, month: string, problem: ScanMonthProblem): string {
  switch (problem.kind) {
    case 'future':
      return ctx.t.lapseScanFuture({ month, current: problem.current, previous: addMonths(problem.current, -1) });
    case 'no_contributions':
      return ctx.t.lapseScanNoContributions();
    case 'before_first':
      return ctx.t.lapseScanBeforeFirst({ month, first: problem.first, last: problem.last });
    case 'not_imported':
      return ctx.t.lapseScanNotImported({ month, last: problem.last });
    case 'older_than_latest':
      return ctx.t.lapseScanOlder({ month, latest: problem.latest });
  }
}

const scan = defineCommand({
  name: 'scan',
  aliases: ['筛查'],
  summary: {
    'zh-CN':
      '立即筛查断缴（默认上月），并向各乡镇群、网格员和领导群发送提醒。只能筛查缴费记录已导入、不早于上次筛查的月份（重筛上次的月份会重发提醒）。例：lapse scan 2026-10。',
    en: 'Screen for lapses now (default: last month) and queue the reminders. Only a month whose contributions are imported and no older than the latest scan (the latest again resends its reminders). E.g. lapse scan 2026-10.',
  },
  permission: 'admin',
  writes: true,
  args: { month: arg.optional(monthArg) },
  async run(ctx, args) {
    const month = args.month ?? defaultScanMonth(ctx.now, ctx.campaign.time_zone);
    // An admin's scan posts again even for a month already screened; a retried message does not.
    const scanned = await ctx.lapse.scan(month, `scan:${month}:${ctx.sourceKey ?? ctx.now.toISOString()}`);
    if (scanned.problem) throw new Refusal(scanRefusal(ctx, month, scanned.problem), { code: 'scan_month_refused' });
    const r = scanned.result;
    await ctx.audit('lapse.scan', { month, opened: r.opened, updated: r.updated, closed: r.closed });
    const done = (posts: number) => ok(ctx.t.lapseScanDone({ month, opened: r.opened, updated: r.updated, closed: r.closed, open: r.open, posts }));
    ctx.replyAfterCommit(async () => done(await scanned.reminders));
    return done(0);
  },
});

export default defineCommand({
  name: 'lapse',
  aliases: ['断缴'],
  summary: {
    'zh-CN': '本乡镇未结的职工医保断缴，最紧急的在前（个人信息已脱敏），只在本乡镇的群里或私信中显示。可注明乡镇：lapse in 城南街道。领导查看所辖地区的人数。',
    en: "This township's open lapsed-contribution cases, most urgent first (personal data masked), in the township's own channel or a direct message. Name a township with lapse in 城南街道. Leaders get the counts of their area.",
  },
  permission: 'staff',
  denied: (t) => t.needCoordinatorForLapse(),
  writes: false,
  args: {
    township: arg.optional(
      keyword(
        arg.word({ label: { 'zh-CN': '乡镇', en: 'township' }, description: { 'zh-CN': '乡镇（默认本频道的乡镇）', en: "the township (default: the channel's)" } }),
        'in',
        '在',
      ),
    ),
  },
  subcommands: [done, scan],
  async run(ctx, args) {
    const led = await leaderArea(ctx, args.township);
    if (led) return leaderCounts(ctx, led);
    const area = await lapseTownship(ctx, args.township);
    const place = await peopleListPlace(ctx, area);
    const filter = { areaId: area.id };
    const counts = await ctx.lapse.stageCounts(filter);
    if (total(counts) === 0) return ok(ctx.t.lapseListEmpty({ area: area.name }), place);
    const rows = await ctx.lapse.openCases(filter, LIST_ROWS);
    const all = total(counts);
    return ok(ctx.t.lapseCounts({ total: all, s1: counts[1], s2: counts[2], s3: counts[3], s4: counts[4] }), {
      ...place,
      title: ctx.t.lapseListTitle({ area: area.name }),
      table: caseTable(ctx.t, rows),
      footer: [all > rows.length ? ctx.t.lapseMore({ more: all - rows.length }) : '', ctx.t.lapseHowTo()].filter(Boolean).join('\n'),
      actions: caseActions(ctx.t, rows),
    });
  },
});
