/** `board`: the leaderboard now, for this channel's area. */
import { defineCommand } from '../src/core/command.ts';
import { channelArea } from '../src/core/scope.ts';
import { loadBoard, renderBoard } from '../src/board/board.ts';

export default defineCommand({
  name: 'board',
  aliases: ['排行', '进度', '通报'],
  summary: {
    'zh-CN': '查看本频道所属地区的实时排行：排名、完成率、今日新增、收缴金额、剩余天数和每日所需进度。',
    en: "The leaderboard now for this channel's area: rank, completion, today's increase, amount, days left and pace.",
  },
  permission: 'anyone',
  writes: false,
  args: {},
  async run(ctx) {
    const area = await channelArea(ctx);
    const board = await loadBoard(ctx.db, { campaign: ctx.campaign, area, today: ctx.today, now: ctx.now });
    return renderBoard(board, ctx.t, ctx.settings.demo);
  },
});
