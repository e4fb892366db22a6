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
  /** `standingsJson` of the lines, in rank order. */
  standings: string;
  now: Date;
}

/** A post's row without its standings (a province's are 100 kB: read only where ranks are compared). */
export type PostHead = Omit<BoardPost, 'standings'>;

/** The latest post of an area in a campaign, if any. */
export async function lastPost(db: Kysely<Database>, campaignId: number, areaId: number): Promise<PostHead | undefined> {
  return db
    .selectFrom('board_post')
    .select(['id', 'campaign_id', 'area_id', 'seq', 'business_date', 'slot', 'kind', 'late', 'as_of', 'enrolled', 'target', 'today', 'amount_fen', 'created_at'])
    .where('campaign_id', '=', campaignId)
    .where('area_id', '=', areaId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Standings as the post's row stores them: one array per line, in the order of `StoredStanding`. */
export function standingsJson(rows: readonly StoredStanding[]): string {
  // Arrays, not objects: a province's 2,000 lines stay about 60 kB.
  return JSON.stringify(rows.map((s) => [s.areaId, s.rank, s.enrolled, s.target, s.today, s.amountFen]));
}

/** The standings stored with a post, in rank order. */
export async function standingsOf(db: Kysely<Database>, postId: number): Promise<StoredStanding[]> {
  const post = await db.selectFrom('board_post').select('standings').where('id', '=', postId).executeTakeFirst();
  if (post?.standings != null) {
    return (JSON.parse(post.standings) as number[][]).map(([areaId, rank, enrolled, target, today, amountFen]) => ({
      areaId: areaId!,
      rank: rank!,
      enrolled: enrolled!,
      target: target!,
      today: today!,
      amountFen: amountFen!,
    }));
  }
  // A post stored before standings moved into its row.
  const rows = await db
    .selectFrom('board_standing')
    .select(['area_id', 'rank', 'enrolled', 'target', 'today', 'amount_fen'])
    .where('post_id', '=', postId)
    .orderBy('rank')
    .orderBy('area_id')
    .execute();
  return rows.map((r) => ({ areaId: r.area_id, rank: r.rank, enrolled: r.enrolled, target: r.target, today: r.today, amountFen: r.amount_fen }));
}

/** The ranks of a stored post's standings, by area: all a board compares with. */
export async function ranksOf(db: Kysely<Database>, postId: number): Promise<Map<number, number>> {
  return new Map((await standingsOf(db, postId)).map((s) => [s.areaId, s.rank]));
}

/**
 * Stores a post as number `seq` of its area (the one after the last post,
 * read in the same transaction); returns its id. The standings go into the
 * post's own row, already serialized (`standingsJson`): thousands of rows
 * inserted here held every chat write waiting behind the transaction.
 */
export async function storePost(db: Kysely<Database>, p: NewBoardPost & { seq: number }): Promise<{ id: number; seq: number }> {
  const row = await db
    .insertInto('board_post')
    .values({
      campaign_id: p.campaignId,
      area_id: p.areaId,
      seq: p.seq,
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
      standings: p.standings,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, seq: p.seq };
}
