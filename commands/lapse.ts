/**
 * `lapse [帮扶|名单]` (断缴): a township's open lapse cases, its 帮扶对象 only,
 * or its named unpaid people; a cadre's own people. `lapse done <case>
 * <outcome> [note…]` (已劝缴): record a follow-up; `lapse call <case>` (电话):
 * the assigned cadre's one full phone, privately; `lapse scan [<YYYY-MM>]`:
 * screen now; `lapse rules …`: the deployment's lapse rules.
 */
import { arg, keyword, type ArgSpec } from '../src/core/args.ts';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { coordinatedTownship, resolveArea } from '../src/core/scope.ts';
import { peopleListPlace } from '../src/core/visibility.ts';
import type { Area } from '../src/db/schema.ts';
import { addMonths, parseMonth } from '../src/domain/months.ts';
import { maskName, maskPhone, redact } from '../src/domain/mask.ts';
import { isAdmin, isCadre, isCoordinator, leads, ledAreas, mayLogFor, worksAsCadre, type Actor } from '../src/domain/permissions.ts';
import { BACK_PAY_MAX, NOTE_MAX, WAIT_MAX, type LapseRules } from '../src/domain/lapse-rules.ts';
import { parseContact } from '../src/domain/pii-seal.ts';
import { EnrollbotError } from '../src/core/errors.ts';
import { caseActions, caseRef, caseTable, countsLine, listFooter, rulesNote, total } from '../src/lapse/digest.ts';
import { defaultScanMonth } from '../src/lapse/screen.ts';
import type { ScanMonthProblem } from '../src/lapse/scan-month.ts';
import type { FollowupOutcome } from '../src/services/lapse.ts';

/** Cases listed by `lapse`. */
const LIST_ROWS = 50;

/** `L12`: a case, as `lapse done`, `lapse call` and `assign` take it. */
export const caseArg: ArgSpec<number> = {
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
  const areas = await ctx.lapse.stageCountsByArea({ ...filter, kinds: ['lapse'] });
  const rules = await ctx.lapse.rules();
  const sum = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const a of areas) for (const s of [1, 2, 3, 4] as const) sum[s] += a.counts[s];
  if (total(sum) === 0) return ok(t.lapseListEmpty({ area: area.name }));
  const text = countsLine(t, sum, rules);
  const table =
    area.kind === 'township'
      ? undefined
      : {
          columns: t.lapseAreaColumns({ backPay: rules.backPayMonths }).map((header, i) => ({ header, align: i === 0 ? ('left' as const) : ('right' as const) })),
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
  { value: 'resident', aliases: ['转居民医保', '转居民', '居民医保'], label: { 'zh-CN': '转居民医保', en: 'resident' } },
  { value: 'retired', aliases: ['退休'], label: { 'zh-CN': '退休', en: 'retired' } },
  { value: 'deceased', aliases: ['死亡', '去世', '已故'], label: { 'zh-CN': '死亡', en: 'deceased' } },
  { value: 'elsewhere', aliases: ['已在外地参保', '外地参保', '异地参保'], label: { 'zh-CN': '已在外地参保', en: 'elsewhere' } },
];

/** Whether the speaker works this case: its township's coordinator (or an admin), or its assigned cadre. */
function mayWork(actor: Actor, found: { area_path: string; cadre_member_id: number | null }): boolean {
  return mayLogFor(actor, found.area_path) || worksAsCadre(actor, found.cadre_member_id);
}

/** The month a promise pauses reminders until: after the next scan of a lapse; this month for a named case. */
function pauseMonth(ctx: CommandContext, found: { kind: string; scan_month: string }): string {
  return found.kind === 'lapse' ? addMonths(found.scan_month, 1) : ctx.today.slice(0, 7);
}

const done = defineCommand({
  name: 'done',
  aliases: ['已劝缴', '跟进'],
  // `已劝缴 L12 承诺` on its own, as the product's command table lists it.
  standaloneAliases: ['已劝缴'],
  summary: {
    'zh-CN':
      '记录劝缴结果：已缴、承诺、拒绝、迁出、联系不上、转居民医保、退休、死亡、已在外地参保，可加备注。“承诺”在下次筛查前暂停提醒；迁出及后四种结案（后四种以后不再筛查此人）。包户干部只能跟进自己负责的人。例：lapse done L12 承诺 月底前补缴。',
    en: 'Record a follow-up: paid, promised, refused, moved, unreachable, resident (转居民医保), retired, deceased, elsewhere (insured elsewhere), with a note. "promised" pauses reminders until the next scan; moved and the last four close the case (and the last four stop screening the person). A cadre works their own people only. E.g. lapse done L12 promised.',
  },
  permission: 'caseworker',
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
    if (!mayWork(ctx.actor, found)) {
      throw new Refusal(isCadre(ctx.actor) && !isCoordinator(ctx.actor) ? ctx.t.lapseNotYourCase({ ref }) : ctx.t.lapseNotCoordinator({ township: found.area_name }), {
        code: 'not_permitted',
      });
    }
    if (found.status !== 'open') throw new Refusal(ctx.t.lapseCaseClosed({ ref }), { code: 'conflict' });
    const r = await ctx.lapse.recordFollowup({ caseId: found.id, outcome: args.outcome, note, pauseUntil: pauseMonth(ctx, found) });
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


/** Full phones one member may look up per day: enough for a day of calls, too few to copy a list. */
export const CALLS_PER_DAY = 20;

const call = defineCommand({
  name: 'call',
  aliases: ['电话', '拨打'],
  summary: {
    'zh-CN': `负责的包户干部（或本乡镇联络员）查看一个人的完整电话，只在私信里回复，每次查看都记入审计，每人每天最多 ${CALLS_PER_DAY} 个。例：私信机器人 lapse call L12。`,
    en: `The assigned cadre (or the township's coordinator) gets one person's full phone, in a direct message only; every look-up is audited, at most ${CALLS_PER_DAY} a day. E.g. send lapse call L12 to the bot directly.`,
  },
  permission: 'caseworker',
  denied: (t) => t.needCoordinatorForLapse(),
  writes: true,
  args: { case: caseArg },
  async run(ctx, args) {
    const { t } = ctx;
    const ref = caseRef(args.case);
    // Checked first: in a channel nothing about the case is looked up, so nothing can show.
    if (!ctx.channel.direct) throw new Refusal(t.lapseCallNotDirect(), { code: 'wrong_place' });
    const found = await ctx.lapse.getCase(args.case);
    if (!found) throw new Refusal(t.lapseCaseUnknown({ ref }), { code: 'not_found' });
    // Not an admin as such: the number goes only to who must call.
    const coordinates = ctx.actor.grants.some((g) => g.role === 'coordinator' && found.area_path.startsWith(g.areaPath));
    if (!coordinates && !worksAsCadre(ctx.actor, found.cadre_member_id)) throw new Refusal(t.lapseCallNotYours({ ref }), { code: 'not_permitted' });
    if (found.status !== 'open') throw new Refusal(t.lapseCaseClosed({ ref }), { code: 'conflict' });
    if (!found.contact || !found.phone_masked) throw new Refusal(t.lapseCallNoPhone({ ref }), { code: 'not_found' });
    if ((await ctx.lapse.callsToday()) >= CALLS_PER_DAY) throw new Refusal(t.lapseCallLimit({ limit: CALLS_PER_DAY }), { code: 'over_limit' });
    const sealer = ctx.settings.sealer;
    if (!sealer) throw new EnrollbotError('internal', 'lapse call: no personal-data key loaded');
    const contact = parseContact(sealer().open(found.contact, 'contact'));
    if (!contact.phone) throw new Refusal(t.lapseCallNoPhone({ ref }), { code: 'not_found' });
    // The audit names the case and the masked number, never the number.
    await ctx.audit('lapse.call', { case: ref, phone: maskPhone(contact.phone), area: found.area_name });
    return ok(t.lapseCallReveal({ ref, name: maskName(contact.name), phone: contact.phone, area: found.area_name }), { private: true, reveal: true });
  },
});

const RULE_WHATS = [
  { value: 'backpay', aliases: ['补缴期限', '补缴'], label: { 'zh-CN': '补缴期限', en: 'backpay' } },
  { value: 'wait', aliases: ['等待期'], label: { 'zh-CN': '等待期', en: 'wait' } },
  { value: 'note', aliases: ['说明'], label: { 'zh-CN': '说明', en: 'note' } },
] as const;

const rules = defineCommand({
  name: 'rules',
  aliases: ['规则'],
  summary: {
    'zh-CN':
      '查看或修改本地断缴规则：补缴期限（月，默认3）、等待期（月，默认最长6，0为无）、提醒里的说明文字。例：lapse rules、lapse rules backpay 3、lapse rules wait 0、lapse rules note <说明>、lapse rules note default。',
    en: 'Show or change the local lapse rules: the back-pay window (months, default 3), the waiting period (months, default up to 6, 0: none) and the explanation shown under every list. E.g. lapse rules, lapse rules backpay 3, lapse rules wait 0, lapse rules note <text>, lapse rules note default.',
  },
  permission: 'admin',
  writes: true,
  args: {
    what: arg.optional(arg.choice({ label: { 'zh-CN': '规则', en: 'rule' }, description: { 'zh-CN': 'backpay、wait 或 note', en: 'backpay, wait or note' } }, RULE_WHATS)),
    value: arg.optional(arg.text({ label: { 'zh-CN': '值', en: 'value' }, description: { 'zh-CN': '月数或说明文字', en: 'months, or the text' } })),
  },
  async run(ctx, args) {
    const { t } = ctx;
    const current = await ctx.lapse.rules();
    const show = (r: LapseRules) => t.lapseRulesShow({ backPay: r.backPayMonths, wait: r.waitMonths, note: rulesNote(t, r), custom: r.note !== null });
    if (args.what === undefined) {
      if (args.value !== undefined) throw new Refusal(t.extraWords({ words: args.value }), { code: 'invalid_input', usage: true });
      return ok(show(current));
    }
    const what = args.what;
    const value = args.value?.trim() ?? '';
    const months = (max: number, min: number) => {
      const n = /^\d{1,2}$/.test(value.normalize('NFKC')) ? Number(value.normalize('NFKC')) : NaN;
      if (!(n >= min && n <= max)) throw new Refusal(t.lapseRulesInvalid({ what, max }), { code: 'invalid_input' });
      return n;
    };
    let next: LapseRules;
    if (what === 'backpay') next = { ...current, backPayMonths: months(BACK_PAY_MAX, 1) };
    else if (what === 'wait') next = { ...current, waitMonths: months(WAIT_MAX, 0) };
    else {
      if (!value || [...value].length > NOTE_MAX) throw new Refusal(t.lapseRulesInvalid({ what, max: NOTE_MAX }), { code: 'invalid_input' });
      // A note is shown in every list: an ID or phone typed into it is kept masked.
      next = { ...current, note: value.toLowerCase() === 'default' || value === '默认' ? null : redact(value) };
    }
    await ctx.lapse.setRules(next);
    await ctx.audit('lapse.rules', { what, value: what === 'backpay' ? next.backPayMonths : what === 'wait' ? next.waitMonths : next.note });
    const shown = what === 'backpay' ? String(next.backPayMonths) : what === 'wait' ? String(next.waitMonths) : (next.note ?? 'default');
    return ok(`${t.lapseRulesSet({ what: t.lapseRulesWhat({ what }), value: shown })}\n${show(next)}`);
  },
});

/** What `lapse` lists besides the lapses of all. */
type ListFilter = 'supported' | 'named';

/** A cadre's own people, where a list of people may be shown: privately, or in their township's channel. */
async function cadreOwnList(ctx: CommandContext, filter: ListFilter | undefined) {
  const { t } = ctx;
  const mine = ctx.actor.grants.filter((g) => g.role === 'cadre');
  const bound = ctx.channel.binding?.area;
  const home = (bound && mine.find((g) => bound.path.startsWith(g.areaPath))) ?? mine[0]!;
  const area = await ctx.setup.area(home.areaId);
  if (!area) throw new Refusal(t.lapseNoTownship({ example: t.townshipPlaceholder() }), { code: 'wrong_place' });
  const place = await peopleListPlace(ctx, area);
  const base = { cadreMemberId: ctx.actor.memberId ?? -1 };
  const kinds = filter === 'named' ? (['special', 'unpaid'] as const) : filter === 'supported' ? (['lapse'] as const) : undefined;
  const f = { ...base, ...(kinds ? { kinds } : {}), ...(filter === 'supported' ? { supportedOnly: true } : {}) };
  const rules = await ctx.lapse.rules();
  const counts = await ctx.lapse.stageCounts({ ...f, kinds: ['lapse'] });
  const named = filter === 'supported' ? { special: 0, unpaid: 0 } : await ctx.lapse.namedCaseCounts(f);
  const all = (filter === 'named' ? 0 : total(counts)) + named.special + named.unpaid;
  if (all === 0) return ok(t.cadreListEmpty({ name: ctx.actor.name }), place);
  const rows = await ctx.lapse.openCases(f, LIST_ROWS);
  const text = [filter !== 'named' && total(counts) ? countsLine(t, counts, rules) : '', named.special + named.unpaid ? t.namedCounts(named) : ''].filter(Boolean).join('\n');
  return ok(text, {
    ...place,
    title: t.cadreListTitle({ name: ctx.actor.name }),
    table: caseTable(t, rows, rules),
    footer: listFooter(t, rows.length, all, rules),
    actions: caseActions(t, rows),
  });
}

export default defineCommand({
  name: 'lapse',
  aliases: ['断缴'],
  summary: {
    'zh-CN':
      '本乡镇未结的职工医保断缴，最紧急的在前、帮扶对象在各阶段最前（个人信息已脱敏），只在本乡镇的群里或私信中显示。lapse 帮扶：只看帮扶对象；lapse 名单：特殊人群和包户到人未缴名单。可注明乡镇：lapse in 城南街道。包户干部看到自己负责的人；领导查看所辖地区的人数。',
    en: "This township's open lapsed-contribution cases, most urgent first and 帮扶对象 first within each stage (personal data masked), in the township's own channel or a direct message. lapse supported (帮扶): only 帮扶对象; lapse named (名单): the special-group and 包户到人 unpaid lists. Name a township with lapse in 城南街道. A cadre gets their own people; leaders get the counts of their area.",
  },
  permission: 'staff',
  denied: (t) => t.needCoordinatorForLapse(),
  writes: false,
  args: {
    filter: arg.optional(
      arg.choice({ label: { 'zh-CN': '范围', en: 'filter' }, description: { 'zh-CN': '帮扶（帮扶对象）或 名单（特殊人群、包户到人未缴）', en: 'supported (帮扶对象) or named (special groups, 包户到人 unpaid)' } }, [
        { value: 'supported', aliases: ['帮扶', '帮扶对象'], label: { 'zh-CN': '帮扶', en: 'supported' } },
        { value: 'named', aliases: ['名单', '未缴', '特殊人群', 'unpaid', 'special'], label: { 'zh-CN': '名单', en: 'named' } },
      ] as const),
    ),
    township: arg.optional(
      keyword(
        arg.word({ label: { 'zh-CN': '乡镇', en: 'township' }, description: { 'zh-CN': '乡镇（默认本频道的乡镇）', en: "the township (default: the channel's)" } }),
        'in',
        '在',
      ),
    ),
  },
  subcommands: [done, call, scan, rules],
  async run(ctx, args) {
    const { t } = ctx;
    // A cadre who coordinates nothing works their own people, wherever they ask.
    if (isCadre(ctx.actor) && !isCoordinator(ctx.actor) && !isAdmin(ctx.actor) && args.township === undefined) return cadreOwnList(ctx, args.filter);
    const led = await leaderArea(ctx, args.township);
    if (led) return leaderCounts(ctx, led);
    const area = await lapseTownship(ctx, args.township);
    const place = await peopleListPlace(ctx, area);
    const rules = await ctx.lapse.rules();
    if (args.filter === 'named') {
      const filter = { areaId: area.id, kinds: ['special', 'unpaid'] as const };
      const named = await ctx.lapse.namedCaseCounts(filter);
      const all = named.special + named.unpaid;
      if (all === 0) return ok(t.namedListEmpty({ area: area.name }), place);
      const rows = await ctx.lapse.openCases(filter, LIST_ROWS);
      return ok(t.namedCounts(named), {
        ...place,
        title: t.namedListTitle({ area: area.name }),
        table: caseTable(t, rows, rules),
        footer: listFooter(t, rows.length, all, null),
        actions: caseActions(t, rows),
      });
    }
    const supported = args.filter === 'supported';
    const filter = { areaId: area.id, kinds: ['lapse'] as const, ...(supported ? { supportedOnly: true } : {}) };
    const counts = await ctx.lapse.stageCounts(filter);
    if (total(counts) === 0) return ok(supported ? t.lapseSupportedEmpty({ area: area.name }) : t.lapseListEmpty({ area: area.name }), place);
    const rows = await ctx.lapse.openCases(filter, LIST_ROWS);
    const all = total(counts);
    const ofSupported = supported ? 0 : await ctx.lapse.supportedCount(filter);
    return ok([countsLine(t, counts, rules), ofSupported ? t.lapseSupportedCount({ count: ofSupported }) : ''].filter(Boolean).join('\n'), {
      ...place,
      title: supported ? t.lapseSupportedTitle({ area: area.name }) : t.lapseListTitle({ area: area.name }),
      table: caseTable(t, rows, rules),
      footer: listFooter(t, rows.length, all, rules),
      actions: caseActions(t, rows),
    });
  },
});
