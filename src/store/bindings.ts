/** Which channel belongs to which area: a leaders' channel or a township's work channel. */
import type { Kysely } from 'kysely';
import type { Area, BindingKind, ChannelBinding, Database } from '../db/schema.ts';

export type BindingWithArea = ChannelBinding & { area: Area };

export async function getBinding(
  db: Kysely<Database>,
  platform: string,
  channelId: string,
): Promise<BindingWithArea | null> {
  const row = await db
    .selectFrom('channel_binding as b')
    .innerJoin('area as a', 'a.id', 'b.area_id')
    .select([
      'b.platform',
      'b.channel_id',
      'b.channel_name',
      'b.kind',
      'b.area_id',
      'b.created_at',
      'a.parent_id',
      'a.name',
      'a.kind as area_kind',
      'a.path',
      'a.created_at as area_created_at',
    ])
    .where('b.platform', '=', platform)
    .where('b.channel_id', '=', channelId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    platform: row.platform,
    channel_id: row.channel_id,
    channel_name: row.channel_name,
    kind: row.kind,
    area_id: row.area_id,
    created_at: row.created_at,
    area: {
      id: row.area_id,
      parent_id: row.parent_id,
      name: row.name,
      kind: row.area_kind,
      path: row.path,
      created_at: row.area_created_at,
    },
  };
}

/** Binds a channel (replacing any earlier binding of the same channel). */
export async function bindChannel(
  db: Kysely<Database>,
  input: { platform: string; channelId: string; channelName: string; kind: BindingKind; areaId: number; now: Date },
): Promise<void> {
  const values = {
    platform: input.platform,
    channel_id: input.channelId,
    channel_name: input.channelName,
    kind: input.kind,
    area_id: input.areaId,
    created_at: input.now.toISOString(),
  };
  await db
    .insertInto('channel_binding')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['platform', 'channel_id']).doUpdateSet({ kind: values.kind, area_id: values.area_id, channel_name: values.channel_name }),
    )
    .execute();
}

/** Every channel bound as a leaders' channel, with its area. */
export async function leadersChannels(db: Kysely<Database>): Promise<ChannelBinding[]> {
  return db.selectFrom('channel_binding').selectAll().where('kind', '=', 'leaders').orderBy('platform').orderBy('channel_id').execute();
}

/** Every channel bound with a kind, with its area's id, name and path, in a stable order. */
export async function bindingsOfKind(
  db: Kysely<Database>,
  kind: BindingKind,
): Promise<{ platform: string; channel_id: string; id: number; name: string; path: string }[]> {
  return db
    .selectFrom('channel_binding as b')
    .innerJoin('area as a', 'a.id', 'b.area_id')
    .select(['b.platform', 'b.channel_id', 'a.id', 'a.name', 'a.path'])
    .where('b.kind', '=', kind)
    .orderBy('a.id')
    .orderBy('b.platform')
    .orderBy('b.channel_id')
    .execute();
}

/** The channels bound to an area on one platform (where its lists of people may be shown). */
export async function channelsOfArea(
  db: Kysely<Database>,
  areaId: number,
  platform: string,
): Promise<Pick<ChannelBinding, 'channel_id' | 'channel_name'>[]> {
  return db
    .selectFrom('channel_binding')
    .select(['channel_id', 'channel_name'])
    .where('area_id', '=', areaId)
    .where('platform', '=', platform)
    .orderBy('channel_id')
    .execute();
}

/** Unbinds a channel; returns what it was bound as, or null when it was not bound. */
export async function unbindChannel(db: Kysely<Database>, platform: string, channelId: string): Promise<ChannelBinding | null> {
  const row = await db
    .deleteFrom('channel_binding')
    .where('platform', '=', platform)
    .where('channel_id', '=', channelId)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}
