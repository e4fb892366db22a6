/** `revoke <user> <role> [<area>]`: take back a role given by `grant` (or by ENROLLBOT_ADMINS). */
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { roleArea, roleArgs } from '../src/core/roles.ts';

export default defineCommand({
  name: 'revoke',
  aliases: ['撤销授权'],
  summary: {
    'zh-CN': '撤销角色，写法同 grant：revoke @某人 coordinator 城南街道、revoke @某人 leader、revoke @某人 admin。立即生效。',
    en: 'Take a role back, written as grant: revoke @someone coordinator 城南街道, revoke @someone leader [<area>], revoke @someone admin. Takes effect at once.',
  },
  permission: 'admin',
  writes: true,
  args: roleArgs,
  async run(ctx, args) {
    const { t } = ctx;
    const area = await roleArea(ctx, args.role, args.area);
    const user = args.user.displayName;
    const role = t.roleName({ role: args.role, area: area.name });
    const memberId = await ctx.setup.findMember(args.user);
    const held = memberId === null ? [] : await ctx.setup.grantsOf(memberId);
    if (memberId === null || !held.some((g) => g.role === args.role && g.areaId === area.id)) {
      throw new Refusal(t.notGranted({ user, role, held: t.list({ items: held.map((g) => t.roleName({ role: g.role, area: g.areaName })) }) }), { code: 'not_found' });
    }
    // Nobody could grant or revoke anything again (short of a restart with ENROLLBOT_ADMINS).
    if (args.role === 'admin' && (await ctx.setup.adminCount()) <= 1) throw new Refusal(t.lastAdmin({ user }), { code: 'conflict' });
    const origin = await ctx.setup.revoke(memberId, args.role, area.id);
    await ctx.audit('role.revoke', { member: memberId, user, role: args.role, area: area.id, name: area.name, origin });
    const text = t.revoked({ user, role });
    return ok(origin === 'config' ? `${text}\n${t.revokedConfigAdmin({ user })}` : text);
  },
});
