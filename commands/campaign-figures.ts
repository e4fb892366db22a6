/**
 * `campaign source|margin|praise|criticize …`: where the board's figures come
 * from, when a township's report is marked for checking, and the bulletin's
 * praise and criticism. Each change is audited and seen by every replica.
 */
import { arg, type ArgSpec } from '../src/core/args.ts';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { ok } from '../src/core/reply.ts';
import { normalize } from '../src/core/tokens.ts';
import { formatRate } from '../src/domain/rates.ts';
import { figureSource, verifyMargin } from '../src/domain/reconcile.ts';
import { MAX_WHOLE_NUMBER, parseWholeNumber } from '../src/domain/whole-number.ts';
import type { CampaignTable, FigureSource } from '../src/db/schema.ts';
import type { Updateable } from 'kysely';

/** Changes the campaign and audits it, or says it already was so. */
async function change(ctx: CommandContext, field: string, changes: Updateable<CampaignTable>, audited: string, was: string): Promise<boolean> {
  const same = Object.entries(changes).every(([column, value]) => String(ctx.campaign[column as keyof typeof ctx.campaign]) === String(value));
  if (same) return false;
  await ctx.setup.updateCampaign(changes);
  await ctx.audit('campaign.set', { campaign: ctx.campaign.id, field, value: audited, was });
  return true;
}

/** A whole number, or `off` (关闭, 不列, 无): null. */
function thresholdArg(label: { 'zh-CN': string; en: string }): ArgSpec<number | null> {
  return {
    label,
    description: { 'zh-CN': '非负整数，或 off（不列）', en: 'a whole number, or off' },
    optionType: 'string',
    optional: false,
    parse(raw, { t }) {
      const token = normalize(raw);
      if (['off', '关闭', '不列', '无', '取消'].includes(token.toLowerCase())) return { ok: true, value: null };
      const n = parseWholeNumber(token.replace(/(个百分点|名|%)$/, ''));
      return n === null || n > 100 ? { ok: false, message: t.thresholdInvalid({ token }) } : { ok: true, value: n };
    },
  };
}

/** `2%`, `2.5%`, `2`: basis points. */
function percentArg(): ArgSpec<number> {
  return {
    label: { 'zh-CN': '百分比', en: 'percent' },
    description: { 'zh-CN': '超出系统数据的比例，如 2%', en: 'how far above the official figure, e.g. 2%' },
    optionType: 'string',
    optional: false,
    parse(raw, { t }) {
      const token = normalize(raw);
      const m = /^(\d{1,3})(?:\.(\d{1,2}))?%?$/.exec(token);
      if (!m) return { ok: false, message: t.campaignMarginInvalid({ token }) };
      const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
      return bp > 10_000 ? { ok: false, message: t.campaignMarginInvalid({ token }) } : { ok: true, value: bp };
    },
  };
}

const source = defineCommand({
  name: 'source',
  aliases: ['数据来源'],
  summary: {
    'zh-CN': '排行按哪种数据：official（医保信息平台导入的系统数据）或 reported（乡镇自报）。默认自报，第一次导入系统数据后改按系统。',
    en: 'Which figures rank the board: official (the information platform’s import) or reported (the townships’). Default: reported until the first official import, official after.',
  },
  permission: 'admin',
  writes: true,
  args: {
    value: arg.choice({ label: { 'zh-CN': '来源', en: 'source' }, description: { 'zh-CN': 'official 或 reported', en: 'official or reported' } }, [
      { value: 'official', aliases: ['系统', '系统数据', '平台'], label: { 'zh-CN': '系统', en: 'official' } },
      { value: 'reported', aliases: ['自报', '乡镇自报', '上报'], label: { 'zh-CN': '自报', en: 'reported' } },
    ]),
  },
  async run(ctx, args) {
    const value = args.value as FigureSource;
    // Chosen explicitly even when it is already the default: the first import then leaves it alone.
    if (!(await change(ctx, 'source', { source: value }, value, figureSource(ctx.campaign)))) return ok(ctx.t.campaignSourceUnchanged({ source: value }));
    return ok(ctx.t.campaignSourceSet({ source: value }));
  },
});

const margin = defineCommand({
  name: 'margin',
  aliases: ['核实'],
  summary: {
    'zh-CN': '自报超出系统数据多少标为待核实：比例和人数都超过才标，默认 2% 且 50 人。例：campaign margin 2% 50。',
    en: 'How far a report may exceed the official figure before it is marked to check: both the share and the people, default 2% and 50. E.g. campaign margin 2% 50.',
  },
  permission: 'admin',
  writes: true,
  args: {
    percent: percentArg(),
    people: arg.integer({ label: { 'zh-CN': '人数', en: 'people' }, description: { 'zh-CN': '超出的人数', en: 'people above' } }),
  },
  async run(ctx, args) {
    const before = verifyMargin(ctx.campaign);
    const people = Math.min(args.people, MAX_WHOLE_NUMBER);
    await change(ctx, 'margin', { verify_margin_bp: args.percent, verify_margin_people: people }, `${formatRate(args.percent)} ${people}`, `${formatRate(before.bp)} ${before.people}`);
    return ok(ctx.t.campaignMarginSet({ margin: formatRate(args.percent), people }));
  },
});

const praise = defineCommand({
  name: 'praise',
  aliases: ['表扬'],
  summary: {
    'zh-CN': '通报里表扬完成率高于序时进度多少个百分点的单位；off 不列。例：campaign praise 10。',
    en: 'Praise on the board the units this many points ahead of the time elapsed; off for none. E.g. campaign praise 10.',
  },
  permission: 'admin',
  writes: true,
  args: { points: thresholdArg({ 'zh-CN': '百分点', en: 'points' }) },
  async run(ctx, args) {
    await change(ctx, 'praise', { praise_points: args.points }, String(args.points ?? 'off'), String(ctx.campaign.praise_points ?? 'off'));
    return ok(ctx.t.campaignPraiseSet({ points: args.points }));
  },
});

const criticize = defineCommand({
  name: 'criticize',
  aliases: ['批评'],
  summary: {
    'zh-CN': '通报批评：后几名中落后序时进度的单位；off 不列。例：campaign criticize 3。',
    en: 'Criticise on the board, of the last this many, those behind the time elapsed; off for none. E.g. campaign criticize 3.',
  },
  permission: 'admin',
  writes: true,
  args: { bottom: thresholdArg({ 'zh-CN': '名次', en: 'places' }) },
  async run(ctx, args) {
    await change(ctx, 'criticize', { criticize_bottom: args.bottom }, String(args.bottom ?? 'off'), String(ctx.campaign.criticize_bottom ?? 'off'));
    return ok(ctx.t.campaignCriticizeSet({ bottom: args.bottom }));
  },
});

/** The campaign's subcommands about figures. */
export const figureSubcommands = [source, margin, praise, criticize];

/** Lines `campaign` shows about them. */
export function figureLines(ctx: CommandContext): string[] {
  const c = ctx.campaign;
  const m = verifyMargin(c);
  return [
    ctx.t.campaignSourceShow({ source: figureSource(c), chosen: c.source !== null }),
    ctx.t.campaignMarginShow({ margin: formatRate(m.bp), people: m.people }),
    ctx.t.campaignPraiseShow({ points: c.praise_points === null ? null : Number(c.praise_points) }),
    ctx.t.campaignCriticizeShow({ bottom: c.criticize_bottom === null ? null : Number(c.criticize_bottom) }),
  ];
}
