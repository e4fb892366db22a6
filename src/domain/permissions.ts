/**
 * Who may do what: pure functions over the speaker's grants. Areas are
 * identified by their path (`/1/5/`), so "coordinator of a township" covers
 * its villages too.
 */
/**
 * What a member may be granted, on an area. A `cadre` (包户干部, 网格员) works
 * only the people assigned to them, in the township the grant names.
 */
export type Role = 'admin' | 'leader' | 'coordinator' | 'cadre';

/** One role the speaker holds, on an area (admins hold theirs on the root). */
export interface Grant {
  role: Role;
  areaId: number;
  areaPath: string;
  areaName: string;
}

/** The member behind a message. `memberId` is null for a user never seen before. */
export interface Actor {
  memberId: number | null;
  name: string;
  platform: string;
  externalId: string;
  locale: string | null;
  grants: readonly Grant[];
}

export function isAdmin(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'admin');
}

export function isCoordinator(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'coordinator');
}

export function isLeader(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'leader');
}

export function isCadre(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'cadre');
}

/** True when the actor works this case as its assigned cadre (their own people only). */
export function worksAsCadre(actor: Actor, cadreMemberId: number | null): boolean {
  return isCadre(actor) && actor.memberId !== null && cadreMemberId === actor.memberId;
}

/** True when the actor may log payments for the area (its township's coordinator, or an admin). */
export function mayLogFor(actor: Actor, areaPath: string): boolean {
  return isAdmin(actor) || actor.grants.some((g) => g.role === 'coordinator' && areaPath.startsWith(g.areaPath));
}

/** True when the actor leads the area or an area above it. */
export function leads(actor: Actor, areaPath: string): boolean {
  return actor.grants.some((g) => g.role === 'leader' && areaPath.startsWith(g.areaPath));
}

/** The areas the actor leads, the highest first. */
export function ledAreas(actor: Actor): Grant[] {
  return actor.grants.filter((g) => g.role === 'leader').sort((a, b) => a.areaPath.length - b.areaPath.length);
}

/** The townships the actor coordinates. */
export function coordinatedAreas(actor: Actor): Grant[] {
  return actor.grants.filter((g) => g.role === 'coordinator');
}

/** The ids on an area's path, root first: `/1/5/23/` → [1, 5, 23]. */
export function pathIds(path: string): number[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => Number(s));
}
