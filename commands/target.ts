/** `target <township> <n>`: set an area's enrollment target. */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { ok } from '../src/core/reply.ts';
import { resolveArea } from '../src/core/scope.ts';
import { targetArg } from '../src/core/target-arg.ts';

export default defineCommand({
  name: 'target',
  aliases: ['任务'],
  summary: { 'zh-CN': '设置乡镇（或村、区）的任务人数。例：target 城南街道 28000。', en: "Set an area's target (people). E.g. target 城南街道 28000." },
  permission: 'admin',
  writes: true,
  args: {
    area: arg.word({ label: { 'zh-CN': '乡镇', en: 'township' }, description: { 'zh-CN': '乡镇、村或区', en: 'township, village or district' } }),
    people: targetArg(),
  },
  async run(ctx, args) {
    const area = await resolveArea(ctx, args.area);
    const previous = await ctx.setup.target(area.id);
    await ctx.setup.setTarget(area.id, args.people);
    await ctx.audit('target.set', { area: area.id, name: area.name, people: args.people, previous });
    return ok(
      ctx.t.targetSet({ area: area.name, target: args.people.toLocaleString('en'), previous: previous === null ? '—' : previous.toLocaleString('en') }),
    );
  },
});
