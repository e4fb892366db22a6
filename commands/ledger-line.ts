/**
 * What `pay` and `total` share: the township and note arguments, read alike,
 * and the checks before a line reaches the ledger.
 */
import { arg, keyword } from '../src/core/args.ts';
import type { CommandContext } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { isAdmin } from '../src/domain/permissions.ts';
import { figureSource } from '../src/domain/reconcile.ts';

/** `in <township>`, anywhere in the line, once. */
export const townshipArg = () =>
  arg.optional(
    keyword(
      arg.word({ label: { 'zh-CN': '乡镇', en: 'township' }, description: { 'zh-CN': '乡镇或村（默认本频道的乡镇），重名时写 乡镇/村', en: "township or village (default: the channel's); 城南街道/和平村 when names repeat" } }),
      'in',
      '在',
    ),
  );

/** The free-text note after everything else. */
export const noteArg = () =>
  arg.optional(
    arg.note({ label: { 'zh-CN': '备注', en: 'note' }, description: { 'zh-CN': '备注（以数字或地区名开头时加引号）', en: 'a note (in quotes when it starts with a number or an area)' } }),
  );

/**
 * Refuses a line outside the campaign's dates, and a coordinator's where the
 * board follows the platform's figures (reported once: they have nothing to
 * type). Returns whether it does: an admin's correction then says so.
 */
export function ledgerOpen(ctx: CommandContext): { official: boolean } {
  const { campaign, t } = ctx;
  if (ctx.today < campaign.start_date || ctx.today > campaign.deadline) {
    throw new Refusal(t.campaignClosed({ start: campaign.start_date, deadline: campaign.deadline }), { code: 'campaign_closed' });
  }
  const official = figureSource(campaign) === 'official';
  if (official && !isAdmin(ctx.actor)) throw new Refusal(t.sourceOfficialOnly(), { code: 'wrong_place' });
  return { official };
}
