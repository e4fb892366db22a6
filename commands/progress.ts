/** `progress [<township>]`: one area's totals, today, rank and villages. */
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { ok } from '../src/core/reply.ts';
import { channelArea, resolveArea } from '../src/core/scope.ts';
import { boardSourceLines, signed, unassigned } from '../src/board/board.ts';
import { behindTime } from '../src/domain/reconcile.ts';
import { childKind } from '../src/domain/area-name.ts';
import { formatRate } from '../src/domain/rates.ts';
import { formatYuanNumber } from '../src/domain/money.ts';
import { specialProgressLine, unpaidLeftLine } from '../src/lapse/named-lines.ts';

const n = (x: number) => x.toLocaleString('en');

export default defineCommand({
  name: 'progress',
  aliases: ['查询'],
  summary: {
    'zh-CN': '查看一个乡镇（默认本频道的）的累计、今日新增、排名和各村情况。例：progress 城南街道。',
    en: "One township's totals, today's increase, rank and villages (default: this channel's).",
  },
  permission: 'anyone',
  writes: false,
  args: {
    township: arg.optional(arg.word({ label: { 'zh-CN': '乡镇', en: 'township' }, description: { 'zh-CN': '乡镇或村名称', en: 'a township or village' } })),
  },
  async run(ctx, args) {
    const area = args.township !== undefined ? await resolveArea(ctx, args.township) : await channelArea(ctx);
    const { t } = ctx;
    const own = await ctx.board.load(area);
    const parent = area.parent_id !== null ? await ctx.setup.area(area.parent_id) : undefined;
    let rank = t.progressNoRank();
    if (parent) {
      const siblings = await ctx.board.load(parent);
      const me = siblings.rows.find((r) => r.areaId === area.id);
      if (me) rank = t.progressRank({ rank: me.rank, of: siblings.rows.length, parent: parent.name });
    }
    const total = own.total;
    const lines = [
      t.progressText({
        area: area.name,
        enrolled: n(total.enrolled),
        target: n(total.target),
        rate: formatRate(total.rateBp),
        today: signed(total.today),
        amount: formatYuanNumber(total.amountFen),
        rank,
      }),
      t.progressBenchmark({
        gap: n(Math.max(0, total.target - total.enrolled)),
        time: formatRate(own.time.bp),
        behind: behindTime(total.enrolled, total.target, own.time),
      }),
    ];
    // Both figures where the platform has one: what the township reported and what was paid.
    if (total.official) {
      lines.push(
        t.progressReconciled({ reported: n(total.reported), official: n(total.official.people), diff: signed(total.diff!), asOf: total.official.asOf, check: total.check }),
      );
    }
    lines.push(boardSourceLines(own, t).split('\n')[0]!);
    // The named lists' lines: counts and cadre names, never the people.
    const named = [
      specialProgressLine(t, await ctx.lapse.specialFigures(area.path)),
      area.kind === 'township' ? unpaidLeftLine(t, await ctx.lapse.unpaidHolders(area.id)) : null,
    ].filter((l): l is string => l !== null);
    const body = [...lines, ...named].join('\n');
    if (own.rows.length === 0) return ok(body);
    const rest = unassigned(own);
    return ok(body, {
      table: {
        columns: t.villagesColumns({ kind: t.childKindColumn({ kind: childKind(area.kind) }) }).map((header, i) => ({ header, align: i === 0 ? 'left' : 'right' })),
        rows: own.rows.map((r) => [r.name, `${n(r.enrolled)}/${n(r.target)}`, formatRate(r.rateBp), signed(r.today)]),
      },
      ...(rest ? { footer: t.boardUnassigned({ area: area.name, enrolled: n(rest.enrolled), today: signed(rest.today) }) } : {}),
    });
  },
});
