/** `campaign` (show) and `campaign name|start|deadline|premium|floor|zone …`: the current campaign. */
import { arg, type ArgSpec } from '../src/core/args.ts';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { normalize } from '../src/core/tokens.ts';
import { businessDate, canonicalTimeZone, daysLeft } from '../src/domain/calendar.ts';
import { formatYuanNumber, personFloorFen } from '../src/domain/money.ts';
import type { CampaignTable } from '../src/db/schema.ts';
import type { Updateable } from 'kysely';
import type { Localized } from '../src/i18n/index.ts';
import { figureLines, figureSubcommands } from './campaign-figures.ts';

type Field = 'name' | 'start' | 'deadline' | 'premium' | 'floor' | 'zone';

/** What a `campaign <field>` change comes to: the columns, the value as audited, and as shown to the user. */
interface Change {
  changes: Updateable<CampaignTable>;
  audited: string;
  shown: string;
  /** A line after the confirmation, saying what the change moves. */
  note?: (ctx: CommandContext) => string;
}

/** The column each field is kept in, for the audit's previous value. */
const COLUMN = { name: 'name', start: 'start_date', deadline: 'deadline', premium: 'premium_fen', floor: 'floor_fen', zone: 'time_zone' } as const;

/** Whether every column a change sets already holds that value. */
function unchanged(campaign: CommandContext['campaign'], changes: Updateable<CampaignTable>): boolean {
  // String(): PostgreSQL may hand a bigint column back as text.
  return Object.entries(changes).every(([column, value]) => String(campaign[column as keyof typeof campaign]) === String(value));
}

/** One `campaign <field> <value>` subcommand: validate, update, audit; a value it already has is left alone. */
function setter<T>(field: Field, aliases: string[], summary: Localized, value: ArgSpec<T>, apply: (ctx: CommandContext, v: T) => Change) {
  return defineCommand({
    name: field,
    aliases,
    summary,
    permission: 'admin',
    writes: true,
    args: { value },
    async run(ctx, args) {
      const { changes, audited, shown, note } = apply(ctx, args.value as T);
      const name = ctx.t.campaignField({ field });
      if (unchanged(ctx.campaign, changes)) return ok(ctx.t.campaignUnchanged({ field: name, value: shown }));
      await ctx.setup.updateCampaign(changes);
      await ctx.audit('campaign.set', { campaign: ctx.campaign.id, field, value: audited, was: String(ctx.campaign[COLUMN[field]]) });
      return ok(ctx.t.campaignUpdated({ field: name, value: shown }) + (note ? `\n${note(ctx)}` : ''));
    },
  });
}

/**
 * The premium: an amount, but a negative one is a premium that must be above
 * 0, not a payment to correct with undo (the amount's own words).
 */
function premiumArg(): ArgSpec<number> {
  const amount = arg.amount({ label: { 'zh-CN': '金额', en: 'amount' }, description: { 'zh-CN': '每人保费', en: 'premium per person' } });
  return {
    ...amount,
    parse(raw, env) {
      const r = amount.parse(raw, env);
      if (!r.ok && /^[¥￥]?[-−]/.test(normalize(raw))) return { ok: false, message: env.t.premiumZero() };
      return r;
    },
  };
}

/** An IANA zone name, spelled as the runtime spells it; anything else is refused with an example. */
function zoneArg(): ArgSpec<string> {
  return {
    label: { 'zh-CN': 'IANA时区', en: 'IANA zone' },
    description: { 'zh-CN': '时区名称，如 Asia/Shanghai', en: 'a zone name, such as Asia/Shanghai' },
    optionType: 'string',
    optional: false,
    parse(raw, { t }) {
      const token = normalize(raw);
      const zone = canonicalTimeZone(token);
      return zone ? { ok: true, value: zone } : { ok: false, message: t.campaignZoneInvalid({ token }) };
    },
  };
}

const dateLabel = { label: { 'zh-CN': 'YYYY-MM-DD', en: 'YYYY-MM-DD' }, description: { 'zh-CN': '日期', en: 'a date' } };

function checkOrder(ctx: CommandContext, start: string, deadline: string) {
  if (start > deadline) throw new Refusal(ctx.t.campaignDatesOrder({ start, deadline }), { code: 'invalid_input' });
}

export default defineCommand({
  name: 'campaign',
  aliases: ['征缴'],
  summary: { 'zh-CN': '查看当前征缴的名称、起止日期、标准保费和时区。', en: "Show the current campaign's name, dates, premium and zone." },
  permission: 'admin',
  writes: false,
  args: {},
  subcommands: [
    setter(
      'name',
      ['名称'],
      { 'zh-CN': '修改征缴名称。', en: 'Rename the campaign.' },
      arg.text({ label: { 'zh-CN': '名称', en: 'text' }, description: { 'zh-CN': '新名称', en: 'the new name' } }),
      (_ctx, v: string) => ({ changes: { name: v }, audited: v, shown: v }),
    ),
    setter('start', ['开始'], { 'zh-CN': '修改开始日期。', en: 'Change the start date.' }, arg.date(dateLabel), (ctx, v: string) => {
      checkOrder(ctx, v, ctx.campaign.deadline);
      return { changes: { start_date: v }, audited: v, shown: v };
    }),
    setter('deadline', ['截止'], { 'zh-CN': '修改截止日期。', en: 'Change the deadline.' }, arg.date(dateLabel), (ctx, v: string) => {
      checkOrder(ctx, ctx.campaign.start_date, v);
      return { changes: { deadline: v }, audited: v, shown: v };
    }),
    setter(
      'premium',
      ['保费'],
      { 'zh-CN': '修改每人标准保费（元）。', en: 'Change the standard premium per person (yuan).' },
      premiumArg(),
      (ctx, v: number) => {
        if (v <= 0) throw new Refusal(ctx.t.premiumZero(), { code: 'invalid_input' });
        const amount = formatYuanNumber(v);
        return { changes: { premium_fen: v }, audited: `${amount}元`, shown: ctx.t.yuan({ amount }) };
      },
    ),
    setter(
      'floor',
      ['最低'],
      {
        'zh-CN': '修改每人最低金额（元）：低于它的登记视为万/元写错而拒绝。默认为标准保费的十分之一。',
        en: 'Change the lowest amount a person may be logged with (yuan); lower entries are refused as a 万/元 slip. Default: a tenth of the premium.',
      },
      arg.amount({ label: { 'zh-CN': '金额', en: 'amount' }, description: { 'zh-CN': '每人最低金额', en: 'lowest amount a person' } }),
      (ctx, v: number) => {
        const premium = Number(ctx.campaign.premium_fen);
        if (v > premium) throw new Refusal(ctx.t.floorOverPremium({ floor: formatYuanNumber(v), premium: formatYuanNumber(premium) }), { code: 'invalid_input' });
        const amount = formatYuanNumber(v);
        return { changes: { floor_fen: v }, audited: `${amount}元`, shown: ctx.t.yuan({ amount }) };
      },
    ),
    setter(
      'zone',
      ['时区'],
      {
        'zh-CN': '修改征缴的时区（IANA 名称，如 Asia/Shanghai）：“今天”、每日通报、断缴筛查和夜间备份都按它计时。',
        en: "Change the campaign's time zone (an IANA name, such as Asia/Shanghai): today, the daily board, the lapse scan and the nightly backup all keep to it.",
      },
      zoneArg(),
      (_ctx, v: string) => ({
        changes: { time_zone: v },
        audited: v,
        shown: v,
        note: (ctx) => ctx.t.campaignZoneMoved({ zone: v, today: businessDate(ctx.now, v) }),
      }),
    ),
    ...figureSubcommands,
  ],
  async run(ctx) {
    const c = ctx.campaign;
    const floor = personFloorFen(Number(c.premium_fen), c.floor_fen === null ? null : Number(c.floor_fen));
    const floorLine = ctx.t.campaignFloorLine({ floor: formatYuanNumber(floor), defaulted: c.floor_fen === null });
    return ok(
      ctx.t.campaignShow({
        name: c.name,
        start: c.start_date,
        deadline: c.deadline,
        premium: formatYuanNumber(Number(c.premium_fen)),
        zone: c.time_zone,
        daysLeft: daysLeft(ctx.today < c.start_date ? c.start_date : ctx.today, c.deadline),
      }) + `\n${[floorLine, ...figureLines(ctx)].join('\n')}`,
    );
  },
});
