/**
 * The live board of an area: its children ranked by completion, with the
 * area's total, days left and pace. Built from maintained totals only, so its
 * cost is the number of areas, never the number of ledger entries.
 */
import type { Kysely } from 'kysely';
import type { Area, Campaign, Database } from '../db/schema.ts';
import { figuresUnder } from '../store/board-figures.ts';
import { lastPost, ranksOf } from '../store/board-posts.ts';
import { effectiveTargetsOf } from '../store/targets.ts';
import { setupVersion } from '../store/setup-version.ts';
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

/**
 * A child area's line: its standing and its rank change since the previous
 * post (positive: moved up; 0: same; null: it was not in that post).
 */
export interface BoardRow extends Standing {
  change: number | null;
}

/** The post a board's rank changes are measured against. */
export interface PreviousPost {
  seq: number;
  asOf: Date;
}

/** Everything a board shows, before it is put into words. */
export interface Board {
  area: Area;
  campaign: Campaign;
  asOf: Date;
  today: string;
  rows: BoardRow[];
  total: BoardTotal;
  daysLeft: number;
  pace: number;
  /** The last stored post of this area, or null when none was posted yet. */
  previous: PreviousPost | null;
}

/** How a board is titled: live (on demand) or as a numbered post. */
export interface BoardHeading {
  seq: number;
  late: boolean;
}

/** Rank change of each row against the ranks of a previous post (null: absent from it). */
export function withRankChange(rows: readonly Standing[], previousRanks: ReadonlyMap<number, number>): BoardRow[] {
  return rows.map((r) => {
    const before = previousRanks.get(r.areaId);
    return { ...r, change: before === undefined ? null : before - r.rank };
  });
}

/** `▲2`, `▼1`, `—`, or the word for "new" when the area was not in the previous post. */
export function formatRankChange(change: number | null, newWord: string): string {
  if (change === null) return newWord;
  if (change > 0) return `▲${change}`;
  if (change < 0) return `▼${-change}`;
  return '—';
}

/**
 * Rolled-up targets by setup version, campaign and areas. Targets and the
 * area tree change only with the setup (which changes its version in the same
 * transaction, on every replica's next read), yet summing a province's
 * villages for its townships reads 30,000 areas: done once per setup
 * version, not once per board.
 */
const rolledUpCache = new Map<string, Map<number, number>>();
const ROLLED_UP_KEEP = 32;

async function rolledUpTargets(db: Kysely<Database>, campaignId: number, areas: Area[]): Promise<Map<number, number>> {
  if (areas.length === 0) return new Map();
  const version = await setupVersion(db);
  // A database no one has set up through the bot yet (version '') is not cached: nothing tells its changes.
  if (version === '') return effectiveTargetsOf(db, campaignId, areas);
  const key = `${version}|${campaignId}|${areas.map((a) => a.id).join(',')}`;
  const known = rolledUpCache.get(key);
  if (known) return known;
  const found = await effectiveTargetsOf(db, campaignId, areas);
  if (rolledUpCache.size >= ROLLED_UP_KEEP) rolledUpCache.delete(rolledUpCache.keys().next().value!);
  rolledUpCache.set(key, found);
  return found;
}

export async function loadBoard(
  db: Kysely<Database>,
  input: { campaign: Campaign; area: Area; today: string; now: Date },
): Promise<Board> {
  const [{ self, children }, last] = await Promise.all([
    figuresUnder(db, { campaignId: input.campaign.id, areaId: input.area.id, businessDate: input.today }),
    lastPost(db, input.campaign.id, input.area.id),
  ]);
  // A district of a city may have no target of its own: it counts its townships'.
  const untargeted = children.filter((c) => c.target === null && c.area.kind !== 'village').map((c) => c.area);
  const rolledUp = await rolledUpTargets(db, input.campaign.id, untargeted);
  const previousRanks = last ? await ranksOf(db, last.id) : new Map<number, number>();
  const ranked = rankStandings(
    children.map((c) => ({
      areaId: c.area.id,
      name: c.area.name,
      enrolled: c.enrolled,
      target: c.target ?? rolledUp.get(c.area.id) ?? 0,
      today: c.today,
      amountFen: c.amountFen,
    })),
  );
  const rows = withRankChange(ranked, previousRanks);
  const childTargets = rows.reduce((s, r) => s + r.target, 0);
  const target = self?.target ?? childTargets;
  const enrolled = self?.enrolled ?? 0;
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
      today: self?.today ?? 0,
      amountFen: self?.amountFen ?? 0,
      rateBp: rateBasisPoints(enrolled, target),
    },
    daysLeft: left,
    pace: dailyPace(enrolled, target, left),
    previous: last ? { seq: last.seq, asOf: new Date(last.as_of) } : null,
  };
}

/**
 * What was logged to the area itself rather than to one of its rows (a
 * township's payments not given a village), or null when the rows add up.
 */
export function unassigned(board: Board): { enrolled: number; today: number } | null {
  if (board.rows.length === 0) return null;
  const enrolled = board.total.enrolled - board.rows.reduce((s, r) => s + r.enrolled, 0);
  const today = board.total.today - board.rows.reduce((s, r) => s + r.today, 0);
  return enrolled === 0 && today === 0 ? null : { enrolled, today };
}

/** `12345` → `12,345`. A regex, not `toLocaleString`: a 250-row board formats ~750 numbers, and Intl costs ~1 µs each. */
const n = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** `+12`, `-3`, `+0`: a change always shows its sign. */
export const signed = (x: number) => (x < 0 ? n(x) : `+${n(x)}`);

const pad2 = (x: number) => String(x).padStart(2, '0');

/** Month, day and `HH:mm` of an instant in a zone, for titles. */
function stamp(instant: Date, zone: string): { month: string; day: string; time: string } {
  const at = zonedParts(instant, zone);
  return { month: at.date.slice(5, 7), day: at.date.slice(8, 10), time: `${pad2(at.hour)}:${pad2(at.minute)}` };
}

/** The area's own line: enrolled / target, rate, today, amount. */
function totalLine(board: Board, t: Catalogue): string {
  return t.boardTotal({
    area: board.area.name,
    enrolled: n(board.total.enrolled),
    target: n(board.total.target),
    rate: formatRate(board.total.rateBp),
    today: signed(board.total.today),
    amount: formatWan(board.total.amountFen),
  });
}

/**
 * Puts a board into a neutral reply: title, table, total, deadline, call-outs.
 * With `heading` it is titled as post 第N期; otherwise as the live board.
 */
export function renderBoard(board: Board, t: Catalogue, demo: boolean, heading?: BoardHeading): Reply {
  const at = stamp(board.asOf, board.campaign.time_zone);
  const title = heading
    ? t.boardPostTitle({ seq: heading.seq, area: board.area.name, ...at, late: heading.late, demo })
    : t.boardLiveTitle({ area: board.area.name, ...at, demo });
  if (board.rows.length === 0) {
    // A township (or village) with nothing under it still has figures of its own: show them.
    if (board.area.kind !== 'township' && board.area.kind !== 'village') return { status: 'ok', title, text: t.boardEmpty({ area: board.area.name }) };
    const own = [totalLine(board, t), t.boardDeadline({ daysLeft: board.daysLeft, deadline: board.campaign.deadline, pace: n(board.pace) })];
    if (board.area.kind === 'township') own.push(t.boardNoVillages({ area: board.area.name }));
    return { status: 'ok', title, text: own.join('\n') };
  }
  // The change column only when there is a post to compare with; it comes last
  // so the figures keep their places whether it is there or not.
  const compare = board.previous !== null;
  const headers = compare ? [...t.boardColumns(), t.boardChangeColumn()] : t.boardColumns();
  const aligns = ['right', 'left', 'right', 'right', 'right', 'right', 'right'] as const;
  const names = (rows: Standing[]) => t.list({ items: rows.map((r) => `${r.name} ${formatRate(r.rateBp)}`) });
  const footer = [
    totalLine(board, t),
    t.boardDeadline({ daysLeft: board.daysLeft, deadline: board.campaign.deadline, pace: n(board.pace) }),
  ];
  const rest = unassigned(board);
  if (rest) footer.push(t.boardUnassigned({ area: board.area.name, enrolled: n(rest.enrolled), today: signed(rest.today) }));
  // Top and bottom three only when they cannot overlap.
  if (board.rows.length >= 6) {
    footer.push(t.boardTop({ names: names(board.rows.slice(0, 3)) }));
    footer.push(t.boardBottom({ names: names(board.rows.slice(-3)) }));
  }
  if (board.previous) {
    footer.push(t.boardChangeSince({ seq: board.previous.seq, ...stamp(board.previous.asOf, board.campaign.time_zone) }));
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
        ...(compare ? [formatRankChange(r.change, t.boardNewEntry())] : []),
      ]),
      // On a phone: rank, name, done/target, rate, today.
      brief: [0, 1, 2, 3, 4],
      ...(board.rows.length >= 6 ? { highlight: { top: 3, bottom: 3 } } : {}),
    },
    footer: footer.join('\n'),
  };
}
