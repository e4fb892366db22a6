/** The leaderboard: read on demand, or published as numbered posts to the leaders' channels. */
import type { Area } from '../db/schema.ts';
import { loadBoard, type Board } from '../board/board.ts';
import { publishBoards, type PublishedPost } from '../board/publish.ts';
import { leadersChannels } from '../store/bindings.ts';
import type { ServiceScope } from './scope.ts';

/** The board, bound to one command. */
export interface BoardService {
  /** An area's board now. */
  load(area: Area): Promise<Board>;
  /** Whether any channel is bound as a leaders' channel. */
  hasLeadersChannels(): Promise<boolean>;
  /**
   * Publishes the board of every area with a leaders' channel, at `slot`
   * (`15:32`), as a manual post: rows only; the charts are drawn when the
   * posts are sent, after commit.
   */
  post(input: { slot: string; demo: boolean }): Promise<PublishedPost[]>;
}

export function createBoardService(scope: ServiceScope): BoardService {
  const { db } = scope;
  return {
    load: (area) => loadBoard(db, { campaign: scope.campaign, area, today: scope.today, now: scope.now }),
    hasLeadersChannels: async () => (await leadersChannels(db)).length > 0,
    post: ({ slot, demo }) =>
      publishBoards(db, {
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
