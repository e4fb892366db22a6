/**
 * `cadre link <roster name> <user>` (干部 关联): the cadre a roster or a named
 * list names in its 包户干部 column is this chat user. Their people get them
 * as cadre (now and in later imports), and they become a cadre of each
 * township those people are in, so that their own list and buttons work.
 */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';

const link = defineCommand({
  name: 'link',
  aliases: ['关联'],
  summary: {
    'zh-CN': '把花名册或未缴名单“包户干部”一列里的名字关联到聊天用户：这些人都归他负责，并授予所在乡镇的包户干部角色。例：cadre link 王小二 @王小二。',
    en: "Link a name in the roster's or a named list's 包户干部 (cadre) column to a chat user: those people become theirs, and they become a cadre of those townships. E.g. cadre link 王小二 @wang.",
  },
  permission: 'admin',
  writes: true,
  args: {
    name: arg.word({ label: { 'zh-CN': '名单里的名字', en: 'name on the lists' }, description: { 'zh-CN': '包户干部一列的写法', en: 'as the cadre column writes it' } }),
    user: arg.user({ label: { 'zh-CN': '用户', en: 'user' }, description: { 'zh-CN': '@提及用户（控制台里写名字）', en: 'a mention (a name in the console)' } }),
  },
  async run(ctx, args) {
    const { t } = ctx;
    const memberId = await ctx.setup.ensureMember(args.user);
    const linked = await ctx.lapse.linkCadre(args.name, memberId);
    if (linked.people === 0) throw new Refusal(t.cadreLinkNone({ name: args.name }), { code: 'not_found' });
    const names: string[] = [];
    for (const areaId of linked.areaIds) {
      const area = await ctx.setup.area(areaId);
      if (!area) continue;
      await ctx.setup.grant(args.user, 'cadre', area.id);
      names.push(area.name);
    }
    await ctx.audit('cadre.link', { name: args.name, member: memberId, user: args.user.displayName, people: linked.people, areas: linked.areaIds });
    return ok(t.cadreLinked({ name: args.name, user: args.user.displayName, people: linked.people, townships: t.list({ items: names }) }));
  },
});

export default defineCommand({
  name: 'cadre',
  aliases: ['干部'],
  summary: {
    'zh-CN': '包户干部：cadre link <名单里的名字> @用户。也可直接授权：grant @用户 cadre <乡镇>。',
    en: 'Cadres: cadre link <name on the lists> @user. Or grant directly: grant @user cadre <township>.',
  },
  permission: 'admin',
  writes: true,
  args: {},
  subcommands: [link],
});
