/** Members, their platform identities and their roles. */
import type { Kysely } from 'kysely';
import type { Database, GrantOrigin, Role } from '../db/schema.ts';
import type { Actor, Grant } from '../domain/permissions.ts';

/** The actor behind a platform user id; an unknown user is an actor with no member and no role. */
export async function loadActor(
  db: Kysely<Database>,
  platform: string,
  externalId: string,
  displayName: string,
): Promise<Actor> {
  const member = await db
    .selectFrom('identity')
    .innerJoin('member', 'member.id', 'identity.member_id')
    .select(['member.id', 'member.name', 'member.locale'])
    .where('identity.platform', '=', platform)
    .where('identity.external_id', '=', externalId)
    .executeTakeFirst();
  if (!member) return { memberId: null, name: displayName, platform, externalId, locale: null, grants: [] };
  return {
    memberId: member.id,
    name: member.name,
    platform,
    externalId,
    locale: member.locale,
    grants: await grantsOf(db, member.id),
  };
}

export async function grantsOf(db: Kysely<Database>, memberId: number): Promise<Grant[]> {
  const rows = await db
    .selectFrom('role_grant')
    .innerJoin('area', 'area.id', 'role_grant.area_id')
    .select(['role_grant.role', 'role_grant.area_id', 'area.path', 'area.name'])
    .where('role_grant.member_id', '=', memberId)
    .orderBy('role_grant.id')
    .execute();
  return rows.map((r) => ({ role: r.role, areaId: r.area_id, areaPath: r.path, areaName: r.name }));
}

/** The member behind a platform identity, created (with no role) when first seen. */
export async function ensureMember(
  db: Kysely<Database>,
  input: { platform: string; externalId: string; displayName: string; now: Date },
): Promise<number> {
  const found = await db
    .selectFrom('identity')
    .select('member_id')
    .where('platform', '=', input.platform)
    .where('external_id', '=', input.externalId)
    .executeTakeFirst();
  if (found) return found.member_id;
  const member = await db
    .insertInto('member')
    .values({ name: input.displayName, locale: null, created_at: input.now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('identity')
    .values({ platform: input.platform, external_id: input.externalId, member_id: member.id })
    .execute();
  return member.id;
}

/**
 * Grants a role; false when the member already held it (its origin is then
 * left as it was: a chat grant never becomes one the config may take back).
 */
export async function grantRole(
  db: Kysely<Database>,
  input: { memberId: number; role: Role; areaId: number; now: Date; origin?: GrantOrigin },
): Promise<boolean> {
  const result = await db
    .insertInto('role_grant')
    .values({
      member_id: input.memberId,
      role: input.role,
      area_id: input.areaId,
      created_at: input.now.toISOString(),
      origin: input.origin ?? 'chat',
    })
    .onConflict((oc) => oc.columns(['member_id', 'role', 'area_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function memberName(db: Kysely<Database>, memberId: number): Promise<string> {
  const row = await db.selectFrom('member').select('name').where('id', '=', memberId).executeTakeFirst();
  return row?.name ?? `#${memberId}`;
}

/** The member behind a platform identity, or null when the bot has never seen them. */
export async function findMember(db: Kysely<Database>, platform: string, externalId: string): Promise<number | null> {
  const row = await db
    .selectFrom('identity')
    .select('member_id')
    .where('platform', '=', platform)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.member_id ?? null;
}

/** Takes a role back; returns the removed grant's origin, or null when the member did not hold it. */
export async function revokeRole(
  db: Kysely<Database>,
  input: { memberId: number; role: Role; areaId: number },
): Promise<GrantOrigin | null> {
  const row = await db
    .deleteFrom('role_grant')
    .where('member_id', '=', input.memberId)
    .where('role', '=', input.role)
    .where('area_id', '=', input.areaId)
    .returning('origin')
    .executeTakeFirst();
  return row?.origin ?? null;
}

/** How many members hold the admin role. */
export async function adminCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('role_grant')
    .select((eb) => eb.fn.count<number>('member_id').distinct().as('n'))
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A coordinator or leader grant with the member's display name and the area's path. */
export interface StaffGrant {
  memberId: number;
  name: string;
  role: 'leader' | 'coordinator';
  areaId: number;
  areaName: string;
  areaPath: string;
}

/**
 * Coordinators and leaders of an area: grants on the area or anywhere under
 * it, and leaders of the areas above it (they lead it too). Highest area
 * first, leaders before coordinators, then by name; at most `limit`.
 */
export async function staffOf(db: Kysely<Database>, areaPath: string, limit: number): Promise<StaffGrant[]> {
  const above = areaPath
    .split('/')
    .filter(Boolean)
    .map((_, i, ids) => `/${ids.slice(0, i + 1).join('/')}/`)
    .filter((p) => p !== areaPath);
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('member as m', 'm.id', 'g.member_id')
    .innerJoin('area as a', 'a.id', 'g.area_id')
    .select(['g.member_id', 'm.name', 'g.role', 'g.area_id', 'a.name as area_name', 'a.path'])
    .where('g.role', 'in', ['leader', 'coordinator'])
    .where((eb) =>
      eb.or([
        eb('a.path', 'like', `${areaPath}%`),
        ...(above.length ? [eb.and([eb('g.role', '=', 'leader'), eb('a.path', 'in', above)])] : []),
      ]),
    )
    .orderBy((eb) => eb.fn('length', ['a.path']))
    .orderBy('a.path')
    .orderBy('g.role', 'desc')
    .orderBy('g.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    memberId: r.member_id,
    name: r.name,
    role: r.role as 'leader' | 'coordinator',
    areaId: r.area_id,
    areaName: r.area_name,
    areaPath: r.path,
  }));
}

/** Every leader grant with the leader's name and the led area's path (few: one per leadership member and area). */
export async function leaderGrants(db: Kysely<Database>): Promise<{ name: string; areaPath: string }[]> {
  return db
    .selectFrom('role_grant as g')
    .innerJoin('member as m', 'm.id', 'g.member_id')
    .innerJoin('area as a', 'a.id', 'g.area_id')
    .select(['m.name', 'a.path as areaPath'])
    .where('g.role', '=', 'leader')
    .orderBy((eb) => eb.fn('length', ['a.path']))
    .orderBy('g.id')
    .execute();
}

/** Every platform identity of a member: where a direct message can reach them. */
export async function identitiesOf(db: Kysely<Database>, memberId: number): Promise<{ platform: string; external_id: string }[]> {
  return db.selectFrom('identity').select(['platform', 'external_id']).where('member_id', '=', memberId).execute();
}
