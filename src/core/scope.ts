/**
 * Resolving the area a command is about: by name, by the channel's binding,
 * or by the speaker's single township; and refusing when the speaker may not
 * act on it. Shared by every command that names an area.
 */
import type { Area } from '../db/schema.ts';
import { coordinatedAreas, isAdmin, mayLogFor, pathIds } from '../domain/permissions.ts';
import { normalize } from './tokens.ts';
import type { CommandContext } from './command.ts';
import { Refusal } from './refusal.ts';

/** An area's names from the root down to it: `['本区', '城南街道', '和平村']`. */
type Chain = { area: Area; names: string[] };

/** The shortest path of names (from the end) that tells each area apart from the others: `城南街道/和平村`. */
function shortestSpellings(chains: readonly Chain[]): string[] {
  return chains.map(({ names }) => {
    for (let k = 1; k <= names.length; k++) {
      const tail = names.slice(-k).join('/');
      if (chains.filter((c) => c.names.slice(-k).join('/') === tail).length === 1) return tail;
    }
    return names.join('/');
  });
}

/**
 * Finds an area by its name or by a path of names (`城南街道/和平村`, as many
 * levels up as needed, `/` or `／` between them). When several areas answer,
 * the one inside the channel's area is taken if it is the only one there;
 * otherwise the refusal lists the spellings that tell them apart.
 */
export async function resolveArea(ctx: CommandContext, name: string): Promise<Area> {
  const parts = normalize(name).split('/').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new Refusal(ctx.t.areaUnknown({ name }), { code: 'not_found' });
  const found = await ctx.setup.areasByName(parts.at(-1)!);
  if (found.length === 0) throw new Refusal(ctx.t.areaUnknown({ name }), { code: 'not_found' });
  const ancestorIds = [...new Set(found.flatMap((a) => pathIds(a.path)))];
  const byId = new Map((await ctx.setup.areasByIds(ancestorIds)).map((a) => [a.id, a.name]));
  const chains: Chain[] = found.map((area) => ({ area, names: pathIds(area.path).map((id) => byId.get(id) ?? '?') }));
  const matching = chains.filter((c) => c.names.length >= parts.length && c.names.slice(-parts.length).join('/') === parts.join('/'));
  if (matching.length === 1) return matching[0]!.area;
  if (matching.length === 0) throw new Refusal(ctx.t.areaUnknown({ name }), { code: 'not_found' });
  const scope = ctx.channel.binding?.area.path;
  const inScope = scope ? matching.filter((c) => c.area.path.startsWith(scope)) : [];
  if (inScope.length === 1) return inScope[0]!.area;
  const options = shortestSpellings(chains).filter((_, i) => matching.includes(chains[i]!));
  throw new Refusal(ctx.t.areaAmbiguous({ name, options: ctx.t.list({ items: options }) }), { code: 'ambiguous' });
}

/** How a command refuses when it cannot settle its township. */
export interface TownshipScope {
  /** Villages count too (a payment may go to a village; a lapse list is per township). */
  villages: boolean;
  /** `example`: a township the speaker may name (one of theirs when they coordinate several), else a placeholder. */
  noTownship(example: string): string;
  notCoordinator(township: string): string;
}

/**
 * The township a coordinator's command is about: the one named, else the
 * channel's township, else the speaker's only township. Refuses when there is
 * none, when it is not a township (or village), or when the speaker is not
 * its coordinator (admins always are).
 */
export async function coordinatedTownship(ctx: CommandContext, name: string | undefined, scope: TownshipScope): Promise<Area> {
  let area: Area | undefined;
  if (name !== undefined) area = await resolveArea(ctx, name);
  else if (ctx.channel.binding?.kind === 'township') area = ctx.channel.binding.area;
  else {
    const mine = coordinatedAreas(ctx.actor);
    if (mine.length === 1 && !isAdmin(ctx.actor)) area = await ctx.setup.area(mine[0]!.areaId);
  }
  if (!area) {
    // Name one of the speaker's own townships: a demo district's name in the example would not exist in theirs.
    const theirs = await ctx.setup.areasByIds(coordinatedAreas(ctx.actor).map((g) => g.areaId));
    const example = theirs.find((a) => a.kind === 'township')?.name ?? ctx.t.townshipPlaceholder();
    throw new Refusal(scope.noTownship(example), { code: 'wrong_place' });
  }
  if (area.kind !== 'township' && !(scope.villages && area.kind === 'village')) throw new Refusal(ctx.t.areaNotTownship({ name: area.name }), { code: 'invalid_input' });
  if (!mayLogFor(ctx.actor, area.path)) throw new Refusal(scope.notCoordinator(area.name), { code: 'not_permitted' });
  return area;
}

/** The township (or village) a payment goes to. */
export function loggingArea(ctx: CommandContext, name: string | undefined): Promise<Area> {
  return coordinatedTownship(ctx, name, {
    villages: true,
    noTownship: (example) => ctx.t.noTownshipHere({ example }),
    notCoordinator: (township) => ctx.t.notCoordinatorOf({ township }),
  });
}

/** The area a board or progress query is about when none is named: the channel's, else the root. */
export async function channelArea(ctx: CommandContext): Promise<Area> {
  return ctx.channel.binding?.area ?? ctx.setup.rootArea();
}
