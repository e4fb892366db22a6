/** `grant <user> coordinator|cadre <township>` / `grant <user> leader [<area>]` / `grant <user> admin`. */
import { defineCommand } from '../src/core/command.ts';
import { ok } from '../src/core/reply.ts';
import { roleArea, roleArgs } from '../src/core/roles.ts';

export default defineCommand({
  name: 'grant',
  aliases: ['授权'],
  summary: {
    'zh-CN': '授予角色：grant @某人 coordinator 城南街道（联络员）、grant @某人 cadre 城南街道（包户干部）、grant @某人 leader（领导）、grant @某人 admin（管理员）。',
    en: 'Grant a role: grant @someone coordinator 城南街道, grant @someone cadre 城南街道 (包户干部), grant @someone leader [<area>], grant @someone admin.',
  },
  permission: 'admin',
  writes: true,
  args: roleArgs,
  async run(ctx, args) {
    const { t } = ctx;
    const area = await roleArea(ctx, args.role, args.area);
    const { memberId, added } = await ctx.setup.grant(args.user, args.role, area.id);
    const role = t.roleName({ role: args.role, area: area.name });
    if (!added) return ok(t.alreadyGranted({ user: args.user.displayName, role }));
    await ctx.audit('role.grant', { member: memberId, user: args.user.displayName, role: args.role, area: area.id, name: area.name });
    return ok(t.granted({ user: args.user.displayName, role }));
  },
});
