/** The area tree: district (or city) → townships → villages. */
import type { Kysely } from 'kysely';
import type { Area, AreaKind, Database } from '../db/schema.ts';

export async function getRootArea(db: Kysely<Database>): Promise<Area> {
  return db.selectFrom('area').selectAll().where('parent_id', 'is', null).orderBy('id').limit(1).executeTakeFirstOrThrow();
}

export async function findRootArea(db: Kysely<Database>): Promise<Area | undefined> {
  return db.selectFrom('area').selectAll().where('parent_id', 'is', null).orderBy('id').limit(1).executeTakeFirst();
}

export async function getArea(db: Kysely<Database>, id: number): Promise<Area | undefined> {
  return db.selectFrom('area').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function areasByName(db: Kysely<Database>, name: string): Promise<Area[]> {
  return db.selectFrom('area').selectAll().where('name', '=', name).orderBy('id').execute();
}

/** Every area's name (for telling a name from a note without a query per message). */
export async function allAreaNames(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('area').select('name').distinct().execute();
  return new Set(rows.map((r) => r.name));
}

/** Areas by id (the ancestors named in paths). */
export async function areasByIds(db: Kysely<Database>, ids: readonly number[]): Promise<Area[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('area').selectAll().where('id', 'in', [...ids]).execute();
}

/** Every area, in the order they were created. */
/** Every area's parent (null for the root), by id: what summing figures up the tree needs, without the rest of the row. */
export async function areaParents(db: Kysely<Database>): Promise<Map<number, number | null>> {
  const rows = await db.selectFrom('area').select(['id', 'parent_id']).execute();
  return new Map(rows.map((r) => [r.id, r.parent_id]));
}

export async function allAreas(db: Kysely<Database>): Promise<Area[]> {
  return db.selectFrom('area').selectAll().orderBy('id').execute();
}


/** Adds an area under a parent (or the root when `parent` is null). */
export async function createArea(
  db: Kysely<Database>,
  input: { parent: Area | null; name: string; kind: AreaKind; now: Date },
): Promise<Area> {
  const row = await db
    .insertInto('area')
    .values({
      parent_id: input.parent?.id ?? null,
      name: input.name,
      kind: input.kind,
      path: '',
      created_at: input.now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${input.parent?.path ?? '/'}${row.id}/`;
  await db.updateTable('area').set({ path }).where('id', '=', row.id).execute();
  return {
    id: row.id,
    parent_id: input.parent?.id ?? null,
    name: input.name,
    kind: input.kind,
    path,
    created_at: input.now.toISOString(),
  };
}
