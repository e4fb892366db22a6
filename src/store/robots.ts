/** Group robots in the database: typed Kysely, sealed URLs and secrets. */
import type { Kysely } from 'kysely';
import type { BindingKind, Database, Robot, RobotApp } from '../db/schema.ts';
import { pathIds } from '../domain/permissions.ts';
import { robotRef } from '../domain/robot-ref.ts';
import { robotPlatform } from '../robots/apps.ts';

/** A robot with the name and path of the place it is bound to. */
export type RobotWithArea = Robot & { area_name: string; area_path: string };

export async function insertRobot(
  db: Kysely<Database>,
  input: { app: RobotApp; urlSealed: string; urlDigest: string; urlHint: string; secretSealed: string | null; kind: BindingKind; areaId: number; now: Date; by: number | null },
): Promise<number> {
  const row = await db
    .insertInto('robot')
    .values({
      app: input.app,
      url_sealed: input.urlSealed,
      url_digest: input.urlDigest,
      url_hint: input.urlHint,
      secret_sealed: input.secretSealed,
      kind: input.kind,
      area_id: input.areaId,
      problem: null,
      failing_since: null,
      created_at: input.now.toISOString(),
      created_by: input.by,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const withArea = (db: Kysely<Database>) =>
  db.selectFrom('robot as r').innerJoin('area as a', 'a.id', 'r.area_id').selectAll('r').select(['a.name as area_name', 'a.path as area_path']);

export async function getRobot(db: Kysely<Database>, id: number): Promise<RobotWithArea | undefined> {
  return withArea(db).where('r.id', '=', id).executeTakeFirst();
}

export async function robotByDigest(db: Kysely<Database>, digest: string): Promise<Robot | undefined> {
  return db.selectFrom('robot').selectAll().where('url_digest', '=', digest).executeTakeFirst();
}

export async function listRobots(db: Kysely<Database>): Promise<RobotWithArea[]> {
  return withArea(db).orderBy('r.id').execute();
}

export async function deleteRobot(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db.deleteFrom('robot').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Marks a robot failing; true only for the call that changed it (so that,
 * of several replicas meeting the same refusal, one tells the admins).
 */
export async function markRobotFailing(db: Kysely<Database>, id: number, problem: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('robot')
    .set({ status: 'failing', problem, failing_since: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'ok')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks a robot working again; true when it was failing. */
export async function markRobotWorking(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db
    .updateTable('robot')
    .set({ status: 'ok', problem: null, failing_since: null })
    .where('id', '=', id)
    .where('status', '=', 'failing')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Robots the apps refused, for `/healthz`. */
export async function failingRobots(db: Kysely<Database>): Promise<Pick<Robot, 'id' | 'app' | 'problem' | 'failing_since'>[]> {
  return db.selectFrom('robot').select(['id', 'app', 'problem', 'failing_since']).where('status', '=', 'failing').orderBy('id').execute();
}

/** The robots bound like channels of a kind, shaped as `bindingsOfKind` rows (platform, address, area). */
export async function robotDestinations(
  db: Kysely<Database>,
  kind: BindingKind,
): Promise<{ platform: string; channel_id: string; id: number; name: string; path: string; robotId: number; app: RobotApp }[]> {
  const rows = await withArea(db).where('r.kind', '=', kind).orderBy('r.area_id').orderBy('r.id').execute();
  return rows.map((r) => ({
    platform: robotPlatform(r.app),
    channel_id: robotRef(r.id),
    id: r.area_id,
    name: r.area_name,
    path: r.area_path,
    robotId: r.id,
    app: r.app,
  }));
}

/**
 * The chat channels that hear about a robot's trouble: the leaders'
 * channels of its area and of every area above it.
 */
export async function leadersChannelsOver(db: Kysely<Database>, areaPath: string): Promise<{ platform: string; channel_id: string }[]> {
  const ids = pathIds(areaPath);
  if (ids.length === 0) return [];
  return db
    .selectFrom('channel_binding')
    .select(['platform', 'channel_id'])
    .where('kind', '=', 'leaders')
    .where('area_id', 'in', ids)
    .orderBy('platform')
    .orderBy('channel_id')
    .execute();
}

/**
 * Lets a robot's held posts go (it works again): each is due from when it
 * was queued, and the robot's pacing is forgotten (it sent nothing while
 * failing). Returns how many posts were waiting.
 */
export async function releaseHeldPosts(db: Kysely<Database>, platform: string, channelId: string): Promise<number> {
  const held = await db
    .updateTable('outbox')
    .set((eb) => ({ next_attempt_at: eb.ref('created_at') }))
    .where('platform', '=', platform)
    .where('channel_id', '=', channelId)
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  await db.deleteFrom('outbox_channel').where('platform', '=', platform).where('channel_id', '=', channelId).where('held_by', 'is', null).execute();
  return Number(held.numUpdatedRows);
}

const IMAGE_PART = /^\[\[chart (\d+)\]\]$/;

/** The text of a queued part that stands for a stored chart. */
export function imagePartText(id: number): string {
  return `[[chart ${id}]]`;
}

/** The stored chart a queued part stands for, or null for a text part. */
export function imagePartId(text: string): number | null {
  const m = IMAGE_PART.exec(text);
  return m ? Number(m[1]) : null;
}
