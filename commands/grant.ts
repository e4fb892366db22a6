/** `grant <user> coordinator <township>` / `grant <user> leader [<area>]` / `grant <user> admin`. */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { resolveArea } from '../src/core/scope.ts';
import { getRootArea } from '../src/store/areas.ts';
import { ensureMember, grantRole } from '../src/store/members.ts';
import type { Localized } from '../src/i18n/index.ts';

/** What a coordinator's grant lacks when no township is named. */
const TOWNSHIP: Localized = { 'zh-CN': '乡镇', en: 'township' };

export default defineCommand({
  name: 'grant',
  aliases: ['授权'],
  summary: {
    'zh-CN': '授予角色：grant @某人 coordinator 城南街道（联络员）、grant @某人 leader（领导）、grant @某人 admin（管理员）。',
    en: 'Grant a role: grant @someone coordinator 城南街道, grant @someone leader [<area>], grant @someone admin.',
  },
  permission: 'admin',
  writes: true,
  args: {
    user: arg.user({ label: { 'zh-CN': '用户', en: 'user' }, description: { 'zh-CN': '@提及用户（控制台里写名字）', en: 'a mention (a name in the console)' } }),
    role: arg.choice(
      { label: { 'zh-CN': '角色', en: 'role' }, description: { 'zh-CN': '角色', en: 'the role' } },
      [
        { value: 'coordinator', aliases: ['联络员'], label: { 'zh-CN': '联络员', en: 'coordinator' } },
        { value: 'leader', aliases: ['领导'], label: { 'zh-CN': '领导', en: 'leader' } },
        { value: 'admin', aliases: ['管理员'], label: { 'zh-CN': '管理员', en: 'admin' } },
      ] as const,
    ),
    area: arg.optional(arg.word({ label: { 'zh-CN': '地区', en: 'area' }, description: { 'zh-CN': '乡镇（联络员必填）或地区', en: 'the township (for a coordinator) or area' } })),
  },
  async run(ctx, args) {
    const { t } = ctx;
    let area;
    if (args.role === 'admin') {
      if (args.area !== undefined) throw new Refusal(t.extraWords({ words: args.area }), { usage: true });
      area = await getRootArea(ctx.db);
    } else if (args.role === 'coordinator') {
      if (args.area === undefined) throw new Refusal(t.argMissing({ arg: TOWNSHIP[ctx.locale] }), { usage: true });
      area = await resolveArea(ctx, args.area);
      if (area.kind !== 'township' && area.kind !== 'village') throw new Refusal(t.areaNotTownship({ name: area.name }));
    } else {
      area = args.area !== undefined ? await resolveArea(ctx, args.area) : await getRootArea(ctx.db);
    }
    const memberId = await ensureMember(ctx.db, { ...args.user, now: ctx.now });
    const added = await grantRole(ctx.db, { memberId, role: args.role, areaId: area.id, now: ctx.now });
    const role = t.roleName({ role: args.role, area: area.name });
    if (!added) return ok(t.alreadyGranted({ user: args.user.displayName, role }));
    await ctx.audit('role.grant', { member: memberId, user: args.user.displayName, role: args.role, area: area.id, name: area.name });
    return ok(t.granted({ user: args.user.displayName, role }));
  },
});
