/** Members, their platform identities and their roles. */
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.ts';
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

/** Grants a role; false when the member already held it. */
export async function grantRole(
  db: Kysely<Database>,
  input: { memberId: number; role: Role; areaId: number; now: Date },
): Promise<boolean> {
  const result = await db
    .insertInto('role_grant')
    .values({ member_id: input.memberId, role: input.role, area_id: input.areaId, created_at: input.now.toISOString() })
    .onConflict((oc) => oc.columns(['member_id', 'role', 'area_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function memberName(db: Kysely<Database>, memberId: number): Promise<string> {
  const row = await db.selectFrom('member').select('name').where('id', '=', memberId).executeTakeFirst();
  return row?.name ?? `#${memberId}`;
}
