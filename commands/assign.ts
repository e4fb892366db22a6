/**
 * `assign L<n> <user>` (分配): gives one case's person (a lapse, or a named
 * unpaid resident) to a cadre of their township, who then gets it in their
 * own list and may follow it up and call.
 */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { mayLogFor } from '../src/domain/permissions.ts';
import { caseRef } from '../src/lapse/digest.ts';
import { caseArg } from './lapse.ts';

export default defineCommand({
  name: 'assign',
  aliases: ['分配'],
  summary: {
    'zh-CN': '把一个断缴或未缴的人分给本乡镇的包户干部（须先 grant @某人 cadre <乡镇>），之后提醒发给他。例：assign L12 @王小二。',
    en: "Give one lapse or named unpaid person to a cadre of their township (grant @someone cadre <township> first); reminders then go to them. E.g. assign L12 @wang.",
  },
  permission: 'coordinator',
  writes: true,
  args: {
    case: caseArg,
    user: arg.user({ label: { 'zh-CN': '用户', en: 'user' }, description: { 'zh-CN': '@提及包户干部（控制台里写名字）', en: 'a mention of the cadre (a name in the console)' } }),
  },
  async run(ctx, args) {
    const { t } = ctx;
    const ref = caseRef(args.case);
    const found = await ctx.lapse.getCase(args.case);
    if (!found) throw new Refusal(t.lapseCaseUnknown({ ref }), { code: 'not_found' });
    if (!mayLogFor(ctx.actor, found.area_path)) throw new Refusal(t.lapseNotCoordinator({ township: found.area_name }), { code: 'not_permitted' });
    if (found.status !== 'open') throw new Refusal(t.lapseCaseClosed({ ref }), { code: 'conflict' });
    const memberId = await ctx.setup.findMember(args.user);
    const grants = memberId === null ? [] : await ctx.setup.grantsOf(memberId);
    if (memberId === null || !grants.some((g) => g.role === 'cadre' && found.area_path.startsWith(g.areaPath))) {
      throw new Refusal(t.assignNeedsCadre({ user: args.user.displayName, township: found.area_name }), { code: 'invalid_input' });
    }
    await ctx.lapse.assignCase(found.id, memberId);
    await ctx.audit('lapse.assign', { case: ref, member: memberId, user: args.user.displayName });
    return ok(t.assigned({ ref, user: args.user.displayName }));
  },
});
