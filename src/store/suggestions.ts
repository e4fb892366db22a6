/**
 * What the chat platforms suggest and preselect: area names for
 * autocomplete, the open cases a user works, a user's townships and roles,
 * the township a channel is bound to. Read-only and small (a few dozen
 * rows), as an autocomplete must answer within Discord's 3 seconds.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A user's places: the townships they coordinate, and whether they lead or administer. */
export interface UserPlaces {
  townships: string[];
  leader: boolean;
  admin: boolean;
  /** Area paths whose cases the user may work (`/1/3/`); everything for an admin. */
  casePaths: string[];
}

export async function userPlaces(db: Kysely<Database>, platform: string, externalId: string): Promise<UserPlaces> {
  const grants = await db
    .selectFrom('identity')
    .innerJoin('role_grant', 'role_grant.member_id', 'identity.member_id')
    .innerJoin('area', 'area.id', 'role_grant.area_id')
    .select(['role_grant.role', 'area.name', 'area.path', 'area.kind'])
    .where('identity.platform', '=', platform)
    .where('identity.external_id', '=', externalId)
    .execute();
  const working = grants.filter((g) => g.role === 'coordinator');
  return {
    townships: [...new Set(working.map((g) => g.name))],
    leader: grants.some((g) => g.role === 'leader'),
    admin: grants.some((g) => g.role === 'admin'),
    casePaths: grants.some((g) => g.role === 'admin') ? ['/'] : working.map((g) => g.path),
  };
}

/** Township and village names that start with (or else contain) `query`, at most `limit`. */
export async function suggestAreas(db: Kysely<Database>, query: string, limit = 25): Promise<string[]> {
  const rows = await db.selectFrom('area').select(['name', 'kind']).where('kind', 'in', ['township', 'village']).orderBy('kind', 'desc').orderBy('name').execute();
  const q = query.trim();
  const names = [...new Set(rows.map((r) => r.name))];
  if (!q) return names.slice(0, limit);
  const starts = names.filter((n) => n.startsWith(q));
  const contains = names.filter((n) => !n.startsWith(q) && n.includes(q));
  return [...starts, ...contains].slice(0, limit);
}

/** An open case as a suggestion: its reference and a masked label. */
export interface CaseSuggestion {
  ref: string;
  label: string;
}

/** The open cases of the areas a user works (most lapsed first) whose reference or masked name matches `query`. */
export async function suggestOpenCases(db: Kysely<Database>, paths: readonly string[], query: string, limit = 25): Promise<CaseSuggestion[]> {
  if (paths.length === 0) return [];
  const rows = await db
    .selectFrom('lapse_case')
    .innerJoin('lapse_person', 'lapse_person.id', 'lapse_case.person_id')
    .innerJoin('area', 'area.id', 'lapse_case.area_id')
    .select(['lapse_case.id', 'lapse_case.months_lapsed', 'lapse_person.name_masked', 'lapse_person.id_masked', 'area.name as area', 'area.path'])
    .where('lapse_case.status', '=', 'open')
    .orderBy('lapse_case.months_lapsed', 'desc')
    .orderBy('lapse_case.id')
    .limit(2000)
    .execute();
  const q = query.trim().replace(/^l/i, 'L');
  return rows
    .filter((r) => paths.some((p) => r.path.startsWith(p)))
    .map((r) => ({ ref: `L${r.id}`, label: `L${r.id} ${r.name_masked ?? r.id_masked} · ${r.area} · ${r.months_lapsed}` }))
    .filter((c) => !q || c.ref.startsWith(q) || c.label.includes(q))
    .slice(0, limit);
}

/** The township a channel is bound to as a township channel, or null. */
export async function boundTownship(db: Kysely<Database>, platform: string, channelId: string): Promise<string | null> {
  const row = await db
    .selectFrom('channel_binding')
    .innerJoin('area', 'area.id', 'channel_binding.area_id')
    .select('area.name')
    .where('channel_binding.platform', '=', platform)
    .where('channel_binding.channel_id', '=', channelId)
    .where('channel_binding.kind', '=', 'township')
    .executeTakeFirst();
  return row?.name ?? null;
}

/** The channel a township is bound to on a platform, or null. */
export async function townshipChannel(db: Kysely<Database>, platform: string, township: string): Promise<string | null> {
  const row = await db
    .selectFrom('channel_binding')
    .innerJoin('area', 'area.id', 'channel_binding.area_id')
    .select('channel_binding.channel_id')
    .where('channel_binding.platform', '=', platform)
    .where('channel_binding.kind', '=', 'township')
    .where('area.name', '=', township)
    .orderBy('channel_binding.channel_id')
    .executeTakeFirst();
  return row?.channel_id ?? null;
}

/** Every township's name (for a pay form's choices), at most `limit`. */
export async function townshipNames(db: Kysely<Database>, limit = 100): Promise<string[]> {
  const rows = await db.selectFrom('area').select('name').where('kind', '=', 'township').orderBy('name').limit(limit).execute();
  return rows.map((r) => r.name);
}

/**
 * The platform-side lookups, bound to a database: what Slack's forms and App
 * Home and Discord's autocomplete read. Built once in `main.ts`.
 */
export interface PlatformLookups {
  userPlaces(platform: string, userId: string): Promise<UserPlaces>;
  areas(query: string, limit?: number): Promise<string[]>;
  openCases(paths: readonly string[], query: string, limit?: number): Promise<CaseSuggestion[]>;
  boundTownship(platform: string, channelId: string): Promise<string | null>;
  townshipChannel(platform: string, township: string): Promise<string | null>;
  townships(limit?: number): Promise<string[]>;
}

export function platformLookups(db: Kysely<Database>): PlatformLookups {
  return {
    userPlaces: (platform, userId) => userPlaces(db, platform, userId),
    areas: (query, limit) => suggestAreas(db, query, limit),
    openCases: (paths, query, limit) => suggestOpenCases(db, paths, query, limit),
    boundTownship: (platform, channelId) => boundTownship(db, platform, channelId),
    townshipChannel: (platform, township) => townshipChannel(db, platform, township),
    townships: (limit) => townshipNames(db, limit),
  };
}
