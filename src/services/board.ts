/** The leaderboard: read on demand, or published as numbered posts to the leaders' channels. */
import type { Area } from '../db/schema.ts';
import { loadBoard, type Board } from '../board/board.ts';
import { planBoards, storeBoards, type PlannedPost, type PublishedPost } from '../board/publish.ts';
import { leadersChannels } from '../store/bindings.ts';
import type { ServiceScope } from './scope.ts';

/** The board, bound to one command. */
export interface BoardService {
  /** An area's board now. */
  load(area: Area): Promise<Board>;
  /** Whether any channel is bound as a leaders' channel. */
  hasLeadersChannels(): Promise<boolean>;
  /**
   * Reads the boards a manual post publishes (reads only: a command's
   * `prepare`, outside any write transaction).
   */
  planPost(input: { demo: boolean }): Promise<PreparedPost>;
  /**
   * Publishes prepared boards at `slot` (`15:32`) as a manual post: rows
   * only, in the command's transaction; the charts are drawn when the posts
   * are sent, after commit.
   */
  post(input: { slot: string; demo: boolean; prepared: PreparedPost }): Promise<PublishedPost[]>;
}

/** The boards of a manual post, read before its transaction. */
export interface PreparedPost {
  planned: readonly PlannedPost[];
}

export function createBoardService(scope: ServiceScope): BoardService {
  const { db } = scope;
  return {
    load: (area) => loadBoard(db, { campaign: scope.campaign, area, today: scope.today, now: scope.now }),
    hasLeadersChannels: async () => (await leadersChannels(db)).length > 0,
    planPost: async ({ demo }) => ({
      planned: await planBoards(db, { campaign: scope.campaign, businessDate: scope.today, kind: 'manual', now: scope.now, t: scope.t, demo, late: false }),
    }),
    post: ({ slot, demo, prepared }) =>
      storeBoards(db, prepared.planned, {
        campaign: scope.campaign,
        businessDate: scope.today,
        slot,
        kind: 'manual',
        late: false,
        now: scope.now,
        t: scope.t,
        demo,
        claimedBy: scope.sourceKey ?? `${scope.channel.platform}:${scope.channel.id}`,
      }),
  };
}
