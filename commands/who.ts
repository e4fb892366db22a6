/** `who [<area>]`: the leaders and coordinators of an area, by name and role only. */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { ok } from '../src/core/reply.ts';
import { channelArea, resolveArea } from '../src/core/scope.ts';
import { peopleListPlace } from '../src/core/visibility.ts';

/** Rows listed; a city has hundreds of townships, so a wider area says to ask about one below. */
const WHO_ROWS = 100;
/** Grants read at most (for the count of those not listed). */
const STAFF_MAX = 10_000;

export default defineCommand({
  name: 'who',
  aliases: ['谁'],
  summary: {
    'zh-CN': '查看一个地区（默认本频道的）的领导和联络员：只列姓名、角色和地区。例：who 城南街道。',
    en: "The leaders and coordinators of an area (default: this channel's): names, roles and areas only. E.g. who 城南街道.",
  },
  permission: 'anyone',
  writes: false,
  args: {
    area: arg.optional(arg.word({ label: { 'zh-CN': '地区', en: 'area' }, description: { 'zh-CN': '乡镇或地区（默认本频道的）', en: "a township or area (default: this channel's)" } })),
  },
  async run(ctx, args) {
    const { t } = ctx;
    const area = args.area !== undefined ? await resolveArea(ctx, args.area) : await channelArea(ctx);
    const place = await peopleListPlace(ctx, area, { orAbove: true });
    const staff = await ctx.setup.staffOf(area.path, STAFF_MAX);
    if (staff.length === 0) return ok(t.whoEmpty({ area: area.name }), place);
    const shown = staff.slice(0, WHO_ROWS);
    return ok('', {
      title: t.whoTitle({ area: area.name }),
      // Names and roles only: never a platform user id, phone or ID number.
      table: {
        columns: t.whoColumns().map((header) => ({ header, align: 'left' as const })),
        rows: shown.map((s) => [t.whoRole({ role: s.role }), s.name, s.areaName]),
      },
      ...(staff.length > WHO_ROWS ? { footer: t.whoMore({ more: staff.length - WHO_ROWS }) } : {}),
      ...place,
    });
  },
});
