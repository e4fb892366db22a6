/**
 * The live board of an area: its children ranked by completion, with the
 * area's total, days left and pace. Built from maintained totals only, so its
 * cost is the number of areas, never the number of ledger entries.
 */
import type { Kysely } from 'kysely';
import type { Area, Campaign, Database } from '../db/schema.ts';
import { childrenOf } from '../store/areas.ts';
import { dayOf, totalsOf } from '../store/totals.ts';
import { effectiveTargetsOf, targetsOf } from '../store/targets.ts';
import { rankStandings, type Standing } from '../domain/standings.ts';
import { dailyPace, formatRate, rateBasisPoints } from '../domain/rates.ts';
import { daysLeft, zonedParts } from '../domain/calendar.ts';
import { formatWan } from '../domain/money.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { Reply } from '../core/reply.ts';

export interface BoardTotal {
  enrolled: number;
  target: number;
  today: number;
  amountFen: number;
  rateBp: number | null;
}

/** Everything a board shows, before it is put into words. */
export interface Board {
  area: Area;
  campaign: Campaign;
  asOf: Date;
  today: string;
  rows: Standing[];
  total: BoardTotal;
  daysLeft: number;
  pace: number;
}

export async function loadBoard(
  db: Kysely<Database>,
  input: { campaign: Campaign; area: Area; today: string; now: Date },
): Promise<Board> {
  const children = await childrenOf(db, input.area.id);
  const ids = [input.area.id, ...children.map((c) => c.id)];
  const [totals, day, targets, own] = await Promise.all([
    totalsOf(db, input.campaign.id, ids),
    dayOf(db, input.campaign.id, ids, input.today),
    effectiveTargetsOf(db, input.campaign.id, children),
    targetsOf(db, input.campaign.id, [input.area.id]),
  ]);
  const rows = rankStandings(
    children.map((c) => ({
      areaId: c.id,
      name: c.name,
      enrolled: totals.get(c.id)?.people ?? 0,
      target: targets.get(c.id) ?? 0,
      today: day.get(c.id)?.people ?? 0,
      amountFen: totals.get(c.id)?.amountFen ?? 0,
    })),
  );
  const childTargets = rows.reduce((s, r) => s + r.target, 0);
  const target = own.get(input.area.id) ?? childTargets;
  const enrolled = totals.get(input.area.id)?.people ?? 0;
  const left = daysLeft(input.today < input.campaign.start_date ? input.campaign.start_date : input.today, input.campaign.deadline);
  return {
    area: input.area,
    campaign: input.campaign,
    asOf: input.now,
    today: input.today,
    rows,
    total: {
      enrolled,
      target,
      today: day.get(input.area.id)?.people ?? 0,
      amountFen: totals.get(input.area.id)?.amountFen ?? 0,
      rateBp: rateBasisPoints(enrolled, target),
    },
    daysLeft: left,
    pace: dailyPace(enrolled, target, left),
  };
}

const n = (x: number) => x.toLocaleString('en');
/** `+12`, `-3`, `+0`: a change always shows its sign. */
export const signed = (x: number) => (x < 0 ? n(x) : `+${n(x)}`);

/** Puts a board into a neutral reply: title, table, total, deadline, call-outs. */
export function renderBoard(board: Board, t: Catalogue, demo: boolean): Reply {
  const at = zonedParts(board.asOf, board.campaign.time_zone);
  const title = t.boardTitle({
    area: board.area.name,
    date: at.date,
    time: `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`,
    demo,
  });
  if (board.rows.length === 0) return { status: 'ok', title, text: t.boardEmpty({ area: board.area.name }) };
  const headers = t.boardColumns();
  const aligns = ['right', 'left', 'right', 'right', 'right', 'right'] as const;
  const names = (rows: Standing[]) => rows.map((r) => `${r.name} ${formatRate(r.rateBp)}`).join('、');
  const footer = [
    t.boardTotal({
      area: board.area.name,
      enrolled: n(board.total.enrolled),
      target: n(board.total.target),
      rate: formatRate(board.total.rateBp),
      today: n(board.total.today),
      amount: formatWan(board.total.amountFen),
    }),
    t.boardDeadline({ daysLeft: board.daysLeft, deadline: board.campaign.deadline, pace: n(board.pace) }),
  ];
  if (board.rows.length > 3) {
    footer.push(t.boardTop({ names: names(board.rows.slice(0, 3)) }));
    footer.push(t.boardBottom({ names: names(board.rows.slice(-3)) }));
  }
  return {
    status: 'ok',
    title,
    text: '',
    table: {
      columns: headers.map((header, i) => ({ header, align: aligns[i] ?? 'left' })),
      rows: board.rows.map((r) => [
        String(r.rank),
        r.name,
        `${n(r.enrolled)}/${n(r.target)}`,
        formatRate(r.rateBp),
        signed(r.today),
        formatWan(r.amountFen),
      ]),
    },
    footer: footer.join('\n'),
  };
}
