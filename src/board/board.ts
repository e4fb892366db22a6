/**
 * The live board of an area: its children ranked by completion, with the
 * area's total, days left and pace. Built from maintained totals only, so its
 * cost is the number of areas, never the number of ledger entries.
 */
import type { Kysely } from 'kysely';
import type { Area, Campaign, Database, FigureSource } from '../db/schema.ts';
import { figuresUnder } from '../store/board-figures.ts';
import { latestOfficialImport, officialUnder } from '../store/official.ts';
import {
  aheadOfTimeBy,
  behindTime,
  figureSource,
  needsCheck,
  officialWindow,
  pickOfficial,
  timeElapsed,
  verifyMargin,
  type OfficialFigure,
  type OfficialPoint,
  type TimeElapsed,
} from '../domain/reconcile.ts';
import { lastPost, ranksOf } from '../store/board-posts.ts';
import { childSetup, effectiveTargetsOf } from '../store/targets.ts';
import { setupVersion } from '../store/setup-version.ts';
import { rankInPlace, type Standing } from '../domain/standings.ts';
import { dailyPace, formatRate, rateBasisPoints } from '../domain/rates.ts';
import { addDays, daysLeft, zonedParts } from '../domain/calendar.ts';
import { formatWan } from '../domain/money.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { Reply } from '../core/reply.ts';

/** What townships reported beside what the information platform says, for one line or the total. */
export interface Reconciliation {
  /** The running total of what was logged in chat (自报). */
  reported: number;
  /** The official figure for the board's date or the day before (系统), or null when there is none. */
  official: OfficialFigure | null;
  /** reported − official (差异), or null without an official figure. */
  diff: number | null;
  /** 待核实: the report exceeds the official figure by more than the campaign's margin. */
  check: boolean;
}

export interface BoardTotal extends Reconciliation {
  /** By the board's source: the official figure where there is one, else the reported. */
  enrolled: number;
  target: number;
  today: number;
  amountFen: number;
  rateBp: number | null;
}

/**
 * A child area's line: its standing (by the board's source), its rank change
 * since the previous post (positive: moved up; 0: same; null: it was not in
 * that post), and how its report compares with the official figure.
 */
export interface BoardRow extends Standing, Reconciliation {
  change: number | null;
  /** 还差: target − done, never below 0. */
  gap: number;
  /** 落后序时进度: its rate is below the time-elapsed benchmark. */
  behind: boolean;
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
  /** Which figures rank the board. */
  source: FigureSource;
  /** The newest as-of date of the official figures shown, or null when none is. */
  officialAsOf: string | null;
  /** 序时进度 on the board's date. */
  time: TimeElapsed;
  /** 表扬: rows at least the campaign's points above the benchmark (empty when it sets none). */
  praised: BoardRow[];
  /** 通报: the last rows that are behind the benchmark, as many as the campaign says (empty when it sets none). */
  criticized: BoardRow[];
}

/** How a board is titled: live (on demand) or as a numbered post. */
export interface BoardHeading {
  seq: number;
  late: boolean;
}

/** Rank change of each row against the ranks of a previous post (null: absent from it). */
export function withRankChange<S extends Standing>(rows: readonly S[], previousRanks: ReadonlyMap<number, number>): (S & { change: number | null })[] {
  return rows.map((r) => {
    const before = previousRanks.get(r.areaId);
    return { ...r, change: before === undefined ? null : before - r.rank };
  });
}

/** One area's figures by the board's source, and its reconciliation. */
function reconcile(
  reported: { enrolled: number; today: number; amountFen: number },
  official: OfficialFigure | null,
  source: FigureSource,
  margin: { bp: number; people: number },
): Reconciliation & { enrolled: number; today: number; amountFen: number } {
  // Built field by field, not spread: a board builds one for each of its (up to thousands of) lines.
  const byOfficial = source === 'official' && official !== null;
  return {
    reported: reported.enrolled,
    official,
    diff: official ? reported.enrolled - official.people : null,
    check: official !== null && needsCheck(reported.enrolled, official.people, margin),
    enrolled: byOfficial ? official.people : reported.enrolled,
    // The increase between two imported days; the reported one where the day before was not imported.
    today: byOfficial && official.previousPeople !== null ? official.people - official.previousPeople : reported.today,
    amountFen: byOfficial ? (official.amountFen ?? reported.amountFen) : reported.amountFen,
  };
}

/** `▲2`, `▼1`, `—`, or the word for "new" when the area was not in the previous post. */
export function formatRankChange(change: number | null, newWord: string): string {
  if (change === null) return newWord;
  if (change > 0) return `▲${change}`;
  if (change < 0) return `▼${-change}`;
  return '—';
}

/** An area's children as a board shows them, with their targets (own, else rolled up), and the area's own target. */
interface BoardSetup {
  selfTarget: number | null;
  children: Map<number, { name: string; target: number }>;
}

/**
 * Board setups by setup version, campaign and area. Names, kinds and targets
 * change only with the setup, which changes its version in the same
 * transaction (seen by every replica at its next read), yet a province's
 * board would read them for 2,000 townships and sum 30,000 villages' targets
 * every time: done once per setup version instead. A board needs one entry
 * per area asked for (the root and a few districts): 32 is plenty.
 */
const setupCache = new Map<string, BoardSetup>();
const SETUP_KEEP = 32;

async function readBoardSetup(db: Kysely<Database>, campaignId: number, areaId: number): Promise<BoardSetup> {
  const { selfTarget, children } = await childSetup(db, campaignId, areaId);
  // A district of a city may have no target of its own: it counts its townships'.
  const untargeted = children.filter((c) => c.target === null && c.kind !== 'village');
  const rolledUp = untargeted.length ? await effectiveTargetsOf(db, campaignId, untargeted) : new Map<number, number>();
  const out = new Map<number, { name: string; target: number }>();
  for (const c of children) out.set(c.id, { name: c.name, target: c.target ?? rolledUp.get(c.id) ?? 0 });
  return { selfTarget, children: out };
}

async function boardSetup(db: Kysely<Database>, campaignId: number, areaId: number): Promise<{ setup: BoardSetup; cached: boolean }> {
  const version = await setupVersion(db);
  // A database no one has set up through the bot yet (version '') is not cached: nothing tells its changes.
  if (version === '') return { setup: await readBoardSetup(db, campaignId, areaId), cached: false };
  const key = `${version}|${campaignId}|${areaId}`;
  const known = setupCache.get(key);
  if (known) return { setup: known, cached: true };
  const setup = await readBoardSetup(db, campaignId, areaId);
  if (setupCache.size >= SETUP_KEEP) setupCache.delete(setupCache.keys().next().value!);
  setupCache.set(key, setup);
  return { setup, cached: false };
}

/**
 * The ranks of previous posts, by database handle and post. A stored post's
 * standings never change, and a board compares with the same post until the
 * next one: 2,000 rows read once, not at every board. Keyed by the row's time
 * as well as its id, so an id SQLite reuses after a rolled-back post is not
 * mistaken for it; by handle, because two databases (a test's, a bench's)
 * may hold the same post id.
 */
const ranksCache = new WeakMap<Kysely<Database>, Map<string, Map<number, number>>>();
const RANKS_KEEP = 32;

async function previousRanks(db: Kysely<Database>, post: { id: number; created_at: string }): Promise<Map<number, number>> {
  let byPost = ranksCache.get(db);
  if (!byPost) ranksCache.set(db, (byPost = new Map()));
  const key = `${post.id}|${post.created_at}`;
  const known = byPost.get(key);
  if (known) return known;
  const ranks = await ranksOf(db, post.id);
  if (byPost.size >= RANKS_KEEP) byPost.delete(byPost.keys().next().value!);
  byPost.set(key, ranks);
  return ranks;
}

/**
 * The official figures of a board's units, by database handle, newest
 * import, area and window. Snapshots are only ever added with a new import
 * row, so the newest import's id tells when they changed; a province's
 * imported villages would otherwise be read again at every board (4,000
 * snapshot rows for its 2,000 townships' two days: about 20 ms).
 */
const officialCache = new WeakMap<Kysely<Database>, Map<string, Map<number, OfficialPoint[]>>>();
const OFFICIAL_KEEP = 16;

async function officialFigures(
  db: Kysely<Database>,
  input: { campaignId: number; areaId: number; from: string; to: string },
): Promise<Map<number, OfficialPoint[]>> {
  const latest = await latestOfficialImport(db);
  // Nothing imported yet: nothing to read, nothing to keep.
  if (latest === 0) return new Map();
  let byKey = officialCache.get(db);
  if (!byKey) officialCache.set(db, (byKey = new Map()));
  const key = `${latest}|${input.campaignId}|${input.areaId}|${input.from}|${input.to}`;
  const known = byKey.get(key);
  if (known) return known;
  const found = await officialUnder(db, input);
  if (byKey.size >= OFFICIAL_KEEP) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, found);
  return found;
}

export async function loadBoard(
  db: Kysely<Database>,
  input: { campaign: Campaign; area: Area; today: string; now: Date },
): Promise<Board> {
  const campaignId = input.campaign.id;
  const window = officialWindow(input.today);
  const [kept, { self, children }, last, officials] = await Promise.all([
    boardSetup(db, campaignId, input.area.id),
    figuresUnder(db, { campaignId, areaId: input.area.id, businessDate: input.today }),
    lastPost(db, campaignId, input.area.id),
    officialFigures(db, { campaignId, areaId: input.area.id, from: window.dayBefore, to: input.today }),
  ]);
  let setup = kept.setup;
  // An area added under this one without a setup change (a write that forgot
  // to say so) is read now rather than left off the board.
  if (kept.cached && children.some((c) => !setup.children.has(c.areaId))) setup = await readBoardSetup(db, campaignId, input.area.id);
  const source = figureSource(input.campaign);
  const margin = verifyMargin(input.campaign);
  const time = timeElapsed(input.campaign.start_date, input.campaign.deadline, input.today);
  const officialOf = (areaId: number) => {
    const points = officials.get(areaId);
    return points ? pickOfficial(points, window) : null;
  };
  const ranksBefore = last ? await previousRanks(db, last) : null;
  // One pass over the children: each line built whole (field by field, not
  // spread: thousands of lines), then ranked in place.
  const rows: BoardRow[] = [];
  let childTargets = 0;
  for (const c of children) {
    const unit = setup.children.get(c.areaId);
    if (!unit) continue;
    const r = reconcile(c, officialOf(c.areaId), source, margin);
    const target = unit.target;
    childTargets += target;
    rows.push({
      areaId: c.areaId,
      name: unit.name,
      enrolled: r.enrolled,
      target,
      today: r.today,
      amountFen: r.amountFen,
      rank: 0,
      rateBp: null,
      change: null,
      reported: r.reported,
      official: r.official,
      diff: r.diff,
      check: r.check,
      gap: target > r.enrolled ? target - r.enrolled : 0,
      behind: behindTime(r.enrolled, target, time),
    });
  }
  rankInPlace(rows);
  if (ranksBefore) {
    for (const row of rows) {
      const before = ranksBefore.get(row.areaId);
      if (before !== undefined) row.change = before - row.rank;
    }
  }
  const target = setup.selfTarget ?? childTargets;
  const selfOfficial = officialOf(input.area.id);
  const own = reconcile(self, selfOfficial, source, margin);
  const enrolled = own.enrolled;
  let officialAsOf: string | null = selfOfficial?.asOf ?? null;
  for (const r of rows) if (r.official && (officialAsOf === null || r.official.asOf > officialAsOf)) officialAsOf = r.official.asOf;
  const praisePoints = input.campaign.praise_points;
  const bottom = input.campaign.criticize_bottom;
  const left = daysLeft(input.today < input.campaign.start_date ? input.campaign.start_date : input.today, input.campaign.deadline);
  return {
    area: input.area,
    campaign: input.campaign,
    asOf: input.now,
    today: input.today,
    rows,
    total: { ...own, target, rateBp: rateBasisPoints(enrolled, target) },
    daysLeft: left,
    pace: dailyPace(enrolled, target, left),
    previous: last ? { seq: last.seq, asOf: new Date(last.as_of) } : null,
    source,
    officialAsOf,
    time,
    praised: praisePoints === null ? [] : rows.filter((r) => aheadOfTimeBy(r.enrolled, r.target, time, Number(praisePoints))),
    // The last N lines, of them those behind the benchmark: a unit at the bottom but on pace is not criticised.
    criticized: bottom === null || Number(bottom) <= 0 ? [] : rows.slice(-Number(bottom)).filter((r) => r.behind),
  };
}

/**
 * What was logged to the area itself rather than to one of its rows (a
 * township's payments not given a village), or null when the rows add up.
 */
export function unassigned(board: Board): { enrolled: number; today: number } | null {
  // Official figures are per area as the platform counts them: there is nothing "logged to the area itself".
  if (board.rows.length === 0 || board.source === 'official') return null;
  const enrolled = board.total.enrolled - board.rows.reduce((s, r) => s + r.enrolled, 0);
  const today = board.total.today - board.rows.reduce((s, r) => s + r.today, 0);
  return enrolled === 0 && today === 0 ? null : { enrolled, today };
}

/**
 * `12345` → `12,345`. By hand, not `toLocaleString` (an Intl formatter) nor a
 * regex: a province's board formats about 16,000 numbers.
 */
function n(x: number): string {
  const digits = String(x);
  if (x < 1000 && x > -1000) return digits;
  const start = x < 0 ? 1 : 0;
  let out = digits.slice(0, start + ((digits.length - start) % 3 || 3));
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}
/** `+12`, `-3`, `+0`: a change always shows its sign. */
export const signed = (x: number) => (x < 0 ? n(x) : `+${n(x)}`);

const pad2 = (x: number) => String(x).padStart(2, '0');

/** Month, day and `HH:mm` of an instant in a zone, for titles. */
function stamp(instant: Date, zone: string): { month: string; day: string; time: string } {
  const at = zonedParts(instant, zone);
  return { month: at.date.slice(5, 7), day: at.date.slice(8, 10), time: `${pad2(at.hour)}:${pad2(at.minute)}` };
}

/** The area's own line: enrolled / target, rate, today, amount, 还差; then its report beside the official figure. */
function totalLine(board: Board, t: Catalogue): string {
  const line = t.boardTotal({
    area: board.area.name,
    enrolled: n(board.total.enrolled),
    target: n(board.total.target),
    rate: formatRate(board.total.rateBp),
    today: signed(board.total.today),
    amount: formatWan(board.total.amountFen),
  });
  const gap = t.boardTotalGap({ gap: n(Math.max(0, board.total.target - board.total.enrolled)) });
  const o = board.total.official;
  if (!o) return `${line}${gap}`;
  return `${line}${gap}\n${t.boardTotalReconciled({ reported: n(board.total.reported), official: n(o.people), diff: signed(board.total.diff!) })}`;
}

/** `12月01日`-style month and day of a business date. */
const monthDay = (date: string) => ({ month: date.slice(5, 7), day: date.slice(8, 10) });

/** The lines under the title: where the figures come from (and as of when), and the time-elapsed benchmark. */
export function boardSourceLines(board: Board, t: Catalogue): string {
  const source =
    board.source === 'official' && board.officialAsOf
      ? t.boardSourceOfficial(monthDay(board.officialAsOf))
      : board.source === 'official'
        ? t.boardSourceOfficialMissing()
        : t.boardSourceReported();
  return `${source}\n${t.boardTimeElapsed({ rate: formatRate(board.time.bp), elapsed: board.time.elapsed, days: board.time.days })}`;
}

/** The marks of a line: 落后序时进度, 待核实 (the words looked up once per board). */
function marks(r: BoardRow, behindWord: string, checkWord: string): string {
  if (r.behind) return r.check ? `${behindWord} ${checkWord}` : behindWord;
  return r.check ? checkWord : '';
}

/**
 * Puts a board into a neutral reply: title, source and benchmark, table,
 * total, deadline, call-outs. With `heading` it is titled as post 第N期;
 * otherwise as the live board.
 */
export function renderBoard(board: Board, t: Catalogue, demo: boolean, heading?: BoardHeading): Reply {
  const at = stamp(board.asOf, board.campaign.time_zone);
  const title = heading
    ? t.boardPostTitle({ seq: heading.seq, area: board.area.name, ...at, late: heading.late, demo })
    : t.boardLiveTitle({ area: board.area.name, ...at, demo });
  const lead = boardSourceLines(board, t);
  if (board.rows.length === 0) {
    // A township (or village) with nothing under it still has figures of its own: show them.
    if (board.area.kind !== 'township' && board.area.kind !== 'village') return { status: 'ok', title, text: t.boardEmpty({ area: board.area.name }) };
    const own = [lead, totalLine(board, t), t.boardDeadline({ daysLeft: board.daysLeft, deadline: board.campaign.deadline, pace: n(board.pace) })];
    if (board.area.kind === 'township') own.push(t.boardNoVillages({ area: board.area.name }));
    return { status: 'ok', title, text: own.join('\n') };
  }
  // Reconciliation columns only when some line has an official figure; the
  // marks only when some line is marked; the change column only when there
  // is a post to compare with, last, so the figures keep their places.
  const reconciled = board.rows.some((r) => r.official !== null);
  const marked = board.rows.some((r) => r.behind || r.check);
  const compare = board.previous !== null;
  const behindWord = t.boardMarkBehind();
  const checkWord = t.boardMarkCheck();
  const newWord = t.boardNewEntry();
  const headers = [
    ...t.boardColumns(),
    t.boardGapColumn(),
    ...(reconciled ? t.boardReconcileColumns() : []),
    ...(marked ? [t.boardMarksColumn()] : []),
    ...(compare ? [t.boardChangeColumn()] : []),
  ];
  const aligns: ('left' | 'right')[] = ['right', 'left', 'right', 'right', 'right', 'right', 'right'];
  if (reconciled) aligns.push('right', 'right', 'right');
  if (marked) aligns.push('left');
  aligns.push('right');
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
  const behind = board.rows.filter((r) => r.behind).length;
  if (behind) footer.push(t.boardBehindCount({ count: behind, of: board.rows.length, rate: formatRate(board.time.bp) }));
  if (board.praised.length) footer.push(t.boardPraise({ names: names(board.praised), points: Number(board.campaign.praise_points) }));
  if (board.criticized.length) footer.push(t.boardCriticize({ names: names(board.criticized) }));
  const checks = board.rows.filter((r) => r.check);
  if (checks.length) footer.push(t.boardCheckList({ items: t.list({ items: checks.map((r) => checkItem(r, t)) }) }));
  if (board.previous) {
    footer.push(t.boardChangeSince({ seq: board.previous.seq, ...stamp(board.previous.asOf, board.campaign.time_zone) }));
  }
  return {
    status: 'ok',
    title,
    text: lead,
    table: {
      columns: headers.map((header, i) => ({ header, align: aligns[i] ?? 'left' })),
      rows: board.rows.map((r) => {
        // Pushed, not spread: one array a line, thousands of lines.
        const cells = [String(r.rank), r.name, `${n(r.enrolled)}/${n(r.target)}`, formatRate(r.rateBp), signed(r.today), formatWan(r.amountFen), n(r.gap)];
        if (reconciled) cells.push(n(r.reported), r.official ? n(r.official.people) : '—', r.diff === null ? '—' : signed(r.diff));
        if (marked) cells.push(marks(r, behindWord, checkWord));
        if (compare) cells.push(formatRankChange(r.change, newWord));
        return cells;
      }),
      // On a phone: rank, name, done/target, rate, today.
      brief: [0, 1, 2, 3, 4],
      ...(board.rows.length >= 6 ? { highlight: { top: 3, bottom: 3 } } : {}),
    },
    footer: footer.join('\n'),
  };
}

/** `城南街道（自报 1,200，系统 1,100，差异 +100）`. */
export function checkItem(r: Pick<BoardRow, 'name' | 'reported' | 'official' | 'diff'>, t: Catalogue): string {
  return t.boardCheckItem({ name: r.name, reported: n(r.reported), official: n(r.official?.people ?? 0), diff: signed(r.diff ?? 0) });
}

/** The Monday of a date's week (`YYYY-MM-DD`): the weekly list is sent once per week it names. */
export function weekOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

/**
 * The weekly list for the leaders of the townships whose report exceeds the
 * official figure by more than the margin (待核实), or null when none does.
 */
export function renderCheckList(board: Board, t: Catalogue): Reply | null {
  const checks = board.rows.filter((r) => r.check);
  if (checks.length === 0 || board.officialAsOf === null) return null;
  const margin = verifyMargin(board.campaign);
  return {
    status: 'ok',
    title: t.verifyWeeklyTitle({ area: board.area.name, ...monthDay(board.officialAsOf) }),
    text: t.verifyWeeklyText({ items: checks.map((r) => checkItem(r, t)).join('\n'), margin: formatRate(margin.bp), people: margin.people }),
  };
}
