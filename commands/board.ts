/** `board`: the leaderboard now, for this channel's area; `board post` (admin): publish the board now. */
import { defineCommand } from '../src/core/command.ts';
import { channelArea } from '../src/core/scope.ts';
import { ledAreas } from '../src/domain/permissions.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { renderBoard } from '../src/board/board.ts';
import { boardChartToDraw } from '../src/board/chart.ts';
import { zonedParts } from '../src/domain/calendar.ts';
import { specialBoardLine } from '../src/lapse/named-lines.ts';
import type { PreparedPost } from '../src/services/board.ts';

const post = defineCommand({
  name: 'post',
  aliases: ['发布'],
  summary: {
    'zh-CN': '立即向每个领导群发布一期通报（编号、图表），与定时通报相同。',
    en: "Publish the board now to every leaders' channel (numbered, with the chart), as the daily post does.",
  },
  permission: 'admin',
  writes: true,
  // A handful of statements, but round trips on PostgreSQL: committed beside the chat writes there.
  ownTransaction: true,
  args: {},
  // The boards are read here, before the write transaction: payments logged meanwhile are not held behind them.
  async prepare(ctx): Promise<PreparedPost> {
    if (!(await ctx.board.hasLeadersChannels())) throw new Refusal(ctx.t.boardNoLeaders(), { code: 'wrong_place' });
    return ctx.board.planPost({ demo: ctx.settings.demo });
  },
  async run(ctx, _args, prepared) {
    const { t } = ctx;
    const at = zonedParts(ctx.now, ctx.campaign.time_zone);
    const slot = `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`;
    const published = await ctx.board.post({ slot, demo: ctx.settings.demo, prepared: prepared as PreparedPost });
    if (published.length === 0) return ok(t.boardAlreadyPosted({ time: slot }));
    await ctx.audit('board.post', { slot, posts: published.map((p) => ({ area: p.areaId, seq: p.seq, channels: p.channels })) });
    return ok(
      t.boardPosted({
        posts: t.list({ items: published.map((p) => t.boardPostedItem({ area: p.areaName, seq: p.seq })) }),
        channels: published.reduce((s, p) => s + p.channels, 0),
      }),
    );
  },
});

export default defineCommand({
  name: 'board',
  aliases: ['排行', '进度', '通报'],
  summary: {
    'zh-CN': '查看本频道所属地区的实时排行（未绑定的频道或私信里，领导看到所辖地区的）：排名、完成率、今日新增、收缴金额、较上期排名变化、剩余天数和每日所需进度。',
    en: "The leaderboard now for this channel's area (a leader's own area in a channel bound to none): rank, completion, today's increase, amount, rank change since the last post, days left and pace.",
  },
  permission: 'anyone',
  writes: false,
  args: {},
  subcommands: [post],
  async run(ctx) {
    // Outside a bound channel a leader sees the area they lead (the highest,
    // if several), not the whole deployment.
    const led = ctx.channel.binding ? undefined : ledAreas(ctx.actor)[0];
    const area = (led && (await ctx.setup.area(led.areaId))) || (await channelArea(ctx));
    const board = await ctx.board.load(area);
    // The chart goes as SVG text: the platform draws it (on a chart thread)
    // after it has acknowledged the user, and reuses it while the figures stay the same.
    const reply = { ...renderBoard(board, ctx.t, ctx.settings.demo), chart: boardChartToDraw(board, ctx.t, 'board.png') };
    // The special groups' floor, beside the ranking (counts only).
    const special = specialBoardLine(ctx.t, await ctx.lapse.specialFigures(area.path));
    return special ? { ...reply, footer: [reply.footer, special].filter(Boolean).join('\n') } : reply;
  },
});
