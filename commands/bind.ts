/** `bind leaders [<area>]` / `bind <township>`: bind the current channel. */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { resolveArea } from '../src/core/scope.ts';

const LEADERS = new Set(['leaders', 'leader', '领导', '领导群']);

export default defineCommand({
  name: 'bind',
  aliases: ['绑定'],
  summary: {
    'zh-CN': '把当前频道绑定为领导群（bind leaders，可注明地区）或某乡镇的工作群（bind 城南街道）。',
    en: "Bind this channel as the leaders' channel (bind leaders [<area>]) or a township's channel (bind 城南街道).",
  },
  permission: 'admin',
  writes: true,
  args: {
    what: arg.word({ label: { 'zh-CN': 'leaders或乡镇', en: 'leaders|township' }, description: { 'zh-CN': 'leaders（领导群）或乡镇名称', en: 'leaders, or a township' } }),
    area: arg.optional(arg.word({ label: { 'zh-CN': '地区', en: 'area' }, description: { 'zh-CN': '领导群所属地区（默认本区）', en: "the leaders' area (default: the root)" } })),
  },
  async run(ctx, args) {
    const leaders = LEADERS.has(args.what.toLowerCase());
    if (!leaders && args.area !== undefined) throw new Refusal(ctx.t.extraWords({ words: args.area }), { code: 'invalid_input', usage: true });
    const area = leaders
      ? args.area !== undefined
        ? await resolveArea(ctx, args.area)
        : await ctx.setup.rootArea()
      : await resolveArea(ctx, args.what);
    if (!leaders && area.kind === 'village') {
      // A village's payments are logged in its township's channel (`pay 12 in 和平村`).
      const township = area.parent_id === null ? undefined : await ctx.setup.area(area.parent_id);
      throw new Refusal(ctx.t.bindVillage({ name: area.name, township: township?.name ?? '' }), { code: 'invalid_input' });
    }
    if (!leaders && area.kind !== 'township') throw new Refusal(ctx.t.bindNotTownship({ name: area.name, kind: ctx.t.kindName({ kind: area.kind }) }), { code: 'invalid_input' });
    await ctx.setup.bindChannel({ channelName: ctx.channel.name, kind: leaders ? 'leaders' : 'township', areaId: area.id });
    await ctx.audit('channel.bind', { kind: leaders ? 'leaders' : 'township', area: area.id, name: area.name, channel: ctx.channel.name });
    return ok(leaders ? ctx.t.boundLeaders({ area: area.name }) : ctx.t.boundTownship({ area: area.name }));
  },
});
