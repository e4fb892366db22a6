/** `township add <name> [target <n>] [under <area>]`: set up the area tree. */
import { arg, keyword } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { resolveArea } from '../src/core/scope.ts';
import { targetArg } from '../src/core/target-arg.ts';
import { childKind, isValidAreaName } from '../src/domain/area-name.ts';

const add = defineCommand({
  name: 'add',
  aliases: ['添加'],
  summary: {
    'zh-CN': '添加乡镇（或在乡镇下添加村），可同时设任务数。例：township add 城南街道 target 28000。',
    en: 'Add a township (or a village under a township), optionally with its target. E.g. township add 城南街道 target 28000.',
  },
  permission: 'admin',
  writes: true,
  args: {
    name: arg.word({ label: { 'zh-CN': '名称', en: 'name' }, description: { 'zh-CN': '乡镇或村名称', en: 'the name' } }),
    target: arg.optional(
      keyword(targetArg(), 'target', '任务'),
    ),
    under: arg.optional(
      keyword(arg.word({ label: { 'zh-CN': '上级', en: 'area' }, description: { 'zh-CN': '上级地区（默认本区）', en: 'the parent (default: the root)' } }), 'under', '属于'),
    ),
  },
  async run(ctx, args) {
    const { t } = ctx;
    if (!isValidAreaName(args.name)) throw new Refusal(t.areaNameInvalid(), { code: 'invalid_input' });
    const parent = args.under !== undefined ? await resolveArea(ctx, args.under) : await ctx.setup.rootArea();
    if (parent.kind === 'village') throw new Refusal(t.areaNotTownship({ name: parent.name }), { code: 'invalid_input' });
    const clash = (await ctx.setup.areasByName(args.name)).find((a) => a.parent_id === parent.id);
    if (clash) throw new Refusal(t.areaExists({ name: args.name, parent: parent.name }), { code: 'conflict' });
    const kind = childKind(parent.kind);
    const area = await ctx.setup.createArea({ parent, name: args.name, kind });
    if (args.target !== undefined) await ctx.setup.setTarget(area.id, args.target);
    await ctx.audit('area.add', { area: area.id, name: area.name, parent: parent.name, kind, target: args.target ?? null });
    return ok(
      t.townshipAdded({
        name: area.name,
        parent: parent.name,
        kind: t.kindName({ kind }),
        target: args.target !== undefined ? args.target.toLocaleString('en') : '',
      }),
    );
  },
});

export default defineCommand({
  name: 'township',
  aliases: ['乡镇'],
  summary: { 'zh-CN': '乡镇设置。', en: 'Township setup.' },
  permission: 'admin',
  writes: false,
  args: {},
  subcommands: [add],
});
