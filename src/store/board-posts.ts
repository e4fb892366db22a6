/**
 * Published board posts and their standings, so that rank changes are computed
 * against exactly what leaders saw, and any post can be reproduced.
 */
import type { Kysely } from 'kysely';
import type { BoardPost, BoardPostKind, Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

/** One child area's line as it was posted. */
export interface StoredStanding {
  areaId: number;
  rank: number;
  enrolled: number;
  target: number;
  today: number;
  amountFen: number;
}

export interface NewBoardPost {
  campaignId: number;
  areaId: number;
  businessDate: string;
  slot: string;
  kind: BoardPostKind;
  late: boolean;
  asOf: Date;
  total: { enrolled: number; target: number; today: number; amountFen: number };
  standings: StoredStanding[];
  now: Date;
}

/** The latest post of an area in a campaign, if any. */
export async function lastPost(db: Kysely<Database>, campaignId: number, areaId: number): Promise<BoardPost | undefined> {
  return db
    .selectFrom('board_post')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('area_id', '=', areaId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The standings stored with a post, by child area. */
/** The ranks of a stored post's standings, by area: all a board compares with. */
export async function ranksOf(db: Kysely<Database>, postId: number): Promise<Map<number, number>> {
  const rows = await db.selectFrom('board_standing').select(['area_id', 'rank']).where('post_id', '=', postId).execute();
  return new Map(rows.map((r) => [r.area_id, r.rank]));
}


/** Standings per insert: 700 parameters, well under SQLite's and PostgreSQL's limits. */
const STANDINGS_CHUNK = 100;
const standingShapes = new Map<number, ReturnType<typeof standingsShape>>();

/** An insert of `rows` standings, compiled once per row count (a post uses at most two: full chunks and the rest). */
function standingsShape(rows: number) {
  return prepared((db: Kysely<Database>, p: Record<string, number>) =>
    db.insertInto('board_standing').values(
      Array.from({ length: rows }, (_, k) => ({
        post_id: p.post!,
        area_id: p[`a${k}`]!,
        rank: p[`r${k}`]!,
        enrolled: p[`e${k}`]!,
        target: p[`t${k}`]!,
        today: p[`d${k}`]!,
        amount_fen: p[`m${k}`]!,
      })),
    ),
  );
}

function insertStandings(rows: number) {
  let shape = standingShapes.get(rows);
  if (!shape) standingShapes.set(rows, (shape = standingsShape(rows)));
  return shape;
}

/** Stores a post with the next number of its area; returns its id and number. */
export async function storePost(db: Kysely<Database>, p: NewBoardPost): Promise<{ id: number; seq: number }> {
  const prev = await lastPost(db, p.campaignId, p.areaId);
  const seq = (prev?.seq ?? 0) + 1;
  const row = await db
    .insertInto('board_post')
    .values({
      campaign_id: p.campaignId,
      area_id: p.areaId,
      seq,
      business_date: p.businessDate,
      slot: p.slot,
      kind: p.kind,
      late: p.late ? 1 : 0,
      as_of: p.asOf.toISOString(),
      enrolled: p.total.enrolled,
      target: p.total.target,
      today: p.total.today,
      amount_fen: p.total.amountFen,
      created_at: p.now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // In chunks of one compiled shape: SQLite limits the parameters of a
  // statement, and Kysely compiling 2,000 rows' 14,000 values anew for each
  // post cost more than inserting them, inside the post's transaction.
  for (let i = 0; i < p.standings.length; i += STANDINGS_CHUNK) {
    const chunk = p.standings.slice(i, i + STANDINGS_CHUNK);
    const params: Record<string, number> = { post: row.id };
    chunk.forEach((s, k) => {
      params[`a${k}`] = s.areaId;
      params[`r${k}`] = s.rank;
      params[`e${k}`] = s.enrolled;
      params[`t${k}`] = s.target;
      params[`d${k}`] = s.today;
      params[`m${k}`] = s.amountFen;
    });
    await insertStandings(chunk.length)(db, params);
  }
  return { id: row.id, seq };
}
