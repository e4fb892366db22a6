/**
 * The arguments `grant` and `revoke` share: who, which role, on which area,
 * read and checked the same way for both, so that any grant can be taken
 * back by writing `revoke` in its place.
 */
import type { Area, Role } from '../db/schema.ts';
import type { Localized } from '../i18n/index.ts';
import { arg } from './args.ts';
import type { CommandContext } from './command.ts';
import { Refusal } from './refusal.ts';
import { resolveArea } from './scope.ts';

/** What a coordinator's role lacks when no township is named. */
const TOWNSHIP: Localized = { 'zh-CN': '乡镇', en: 'township' };

/** `<user> <role> [<area>]`, as `grant` and `revoke` declare them. */
export const roleArgs = {
  user: arg.user({ label: { 'zh-CN': '用户', en: 'user' }, description: { 'zh-CN': '@提及用户（控制台里写名字）', en: 'a mention (a name in the console)' } }),
  role: arg.choice(
    { label: { 'zh-CN': '角色', en: 'role' }, description: { 'zh-CN': '角色', en: 'the role' } },
    [
      { value: 'coordinator', aliases: ['联络员'], label: { 'zh-CN': '联络员', en: 'coordinator' } },
      { value: 'leader', aliases: ['领导'], label: { 'zh-CN': '领导', en: 'leader' } },
      { value: 'admin', aliases: ['管理员'], label: { 'zh-CN': '管理员', en: 'admin' } },
      { value: 'cadre', aliases: ['干部', '包户干部', '网格员'], label: { 'zh-CN': '包户干部', en: 'cadre' } },
    ] as const,
  ),
  area: arg.optional(
    arg.word({ label: { 'zh-CN': '地区', en: 'area' }, description: { 'zh-CN': '乡镇（联络员、包户干部必填）或地区', en: 'the township (for a coordinator or cadre) or area' } }),
  ),
};

/**
 * The area a role is held on: the root for an admin (no area may be named),
 * the named township or village for a coordinator or cadre (required), the named
 * area or else the root for a leader.
 */
export async function roleArea(ctx: CommandContext, role: Role, name: string | undefined): Promise<Area> {
  const { t } = ctx;
  if (role === 'admin') {
    if (name !== undefined) throw new Refusal(t.extraWords({ words: name }), { code: 'invalid_input', usage: true });
    return ctx.setup.rootArea();
  }
  if (role === 'coordinator' || role === 'cadre') {
    if (name === undefined) throw new Refusal(t.argMissing({ arg: TOWNSHIP[ctx.locale] }), { code: 'invalid_input', usage: true });
    const area = await resolveArea(ctx, name);
    if (area.kind !== 'township' && area.kind !== 'village') throw new Refusal(t.areaNotTownship({ name: area.name }), { code: 'invalid_input' });
    return area;
  }
  return name !== undefined ? resolveArea(ctx, name) : ctx.setup.rootArea();
}
