/**
 * Published board posts and their standings, so that rank changes are computed
 * against exactly what leaders saw, and any post can be reproduced.
 */
import type { Kysely } from 'kysely';
import type { BoardPost, BoardPostKind, Database } from '../db/schema.ts';

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
  // Chunked: SQLite limits the number of bound parameters per statement.
  for (let i = 0; i < p.standings.length; i += 100) {
    await db
      .insertInto('board_standing')
      .values(
        p.standings.slice(i, i + 100).map((s) => ({
          post_id: row.id,
          area_id: s.areaId,
          rank: s.rank,
          enrolled: s.enrolled,
          target: s.target,
          today: s.today,
          amount_fen: s.amountFen,
        })),
      )
      .execute();
  }
  return { id: row.id, seq };
}
