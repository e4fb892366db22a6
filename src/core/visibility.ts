/**
 * Where a list of named people (lapse cases, who holds which role) may be
 * shown: in the channel bound to that area, where the people listed work
 * anyway, or in a direct conversation with the bot. Anywhere else the
 * command is refused and told where to ask, so that nobody can post such a
 * list into a channel whose members have no business reading it.
 */
import type { Area } from '../db/schema.ts';
import type { CommandContext } from './command.ts';
import { Refusal } from './refusal.ts';
import type { Reply } from './reply.ts';

/** How a list of people is answered where it may be shown: for the asker alone in a direct conversation. */
export type PeopleListPlace = Pick<Reply, 'private'>;

/**
 * Checks that a list of the people of `area` may be shown where the
 * command was sent, or throws a refusal that names the channels to ask in.
 * `orAbove`: a channel bound to an area above `area` may show it too (a
 * district's leaders' channel sees who works in its townships).
 */
export async function peopleListPlace(ctx: CommandContext, area: Area, options: { orAbove?: boolean } = {}): Promise<PeopleListPlace> {
  if (ctx.channel.direct) return { private: true };
  const bound = ctx.channel.binding?.area;
  if (bound && (bound.id === area.id || (options.orAbove === true && area.path.startsWith(bound.path)))) return {};
  const channels = await ctx.setup.channelsOfArea(area.id);
  const names = channels.map((c) => `#${c.channel_name ?? c.channel_id}`);
  throw new Refusal(
    names.length
      ? ctx.t.peopleListElsewhere({ area: area.name, channels: ctx.t.list({ items: names }) })
      : ctx.t.peopleListNoChannel({ area: area.name }),
    { code: 'wrong_place' },
  );
}
