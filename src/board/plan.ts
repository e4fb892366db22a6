/**
 * Reading and putting into words the boards a post publishes: everything of
 * a post but its write. Runs on the bot's board thread (plan-thread.ts) when
 * it has one, otherwise here; either way it only reads, outside any write
 * transaction, and what it returns is plain data (strings, numbers, rows), so
 * that it crosses from the thread without a Kysely object and costs the
 * event loop next to nothing to receive.
 */
import type { Kysely } from 'kysely';
import type { Area, BoardPostKind, Campaign, Database } from '../db/schema.ts';
import { leadersChannels } from '../store/bindings.ts';
import { areasByIds } from '../store/areas.ts';
import { robotDestinations } from '../store/robots.ts';
import { standingsJson } from '../store/board-posts.ts';
import type { StoredReply } from '../store/outbox.ts';
import { storedForPlatforms } from '../robots/fanout.ts';
import type { Catalogue } from '../i18n/index.ts';
import { loadBoard, renderBoard, renderCheckList } from './board.ts';
import { boardChartSvg } from './chart.ts';
import { specialBoardLine } from '../lapse/named-lines.ts';
import { specialFigures } from '../store/named-people.ts';
import { otherWorkFirst } from '../db/other-work-first.ts';

/** What a post's boards are read for. */
export interface PlanInput {
  campaign: Campaign;
  /** The business date the run is for. */
  businessDate: string;
  kind: BoardPostKind;
  /** The scheduled time had passed when the bot came up: the title says so. */
  late: boolean;
  now: Date;
  t: Catalogue;
  demo: boolean;
  /** Attach the chart (on by default). */
  chart?: boolean;
}

/** Where a post goes: a leaders' channel, or a group robot bound for leaders. */
export interface PostChannel {
  platform: string;
  channelId: string;
}

/** One area's post as read before it is stored: where it goes and, already serialized, what it stores. */
export interface PlannedPost {
  area: Area;
  channels: PostChannel[];
  /** Its number (第N期), the next after the board's previous post: stored under it, or planned afresh. */
  seq: number;
  /** The area's own figures, stored on the post's row. */
  total: { enrolled: number; target: number; today: number; amountFen: number };
  /** The lines' standings as the post's row stores them (`standingsJson`). */
  standings: string;
  /** The post as leaders read it, as its outbox rows store it. */
  reply: StoredReply;
  /** The weekly list of townships to check, with a scheduled post when any needs checking. */
  checks: StoredReply | null;
  /** The chart's SVG and description (null: no chart), drawn from the same figures. */
  chart: { svg: string; alt: string } | null;
}

/**
 * Reads the board of every area with a leaders' channel (or group robots
 * bound for its leaders), here. Reads only: run it on the database, outside
 * any transaction.
 */
export async function planBoardsHere(db: Kysely<Database>, input: PlanInput): Promise<PlannedPost[]> {
  const byArea = new Map<number, PostChannel[]>();
  for (const b of await leadersChannels(db)) {
    const list = byArea.get(b.area_id) ?? [];
    list.push({ platform: b.platform, channelId: b.channel_id });
    byArea.set(b.area_id, list);
  }
  // Group robots bound for leaders get the same board, as their app shows it.
  for (const r of await robotDestinations(db, 'leaders')) {
    const list = byArea.get(r.id) ?? [];
    list.push({ platform: r.platform, channelId: r.channel_id });
    byArea.set(r.id, list);
  }
  const areas = new Map((await areasByIds(db, [...byArea.keys()])).map((a) => [a.id, a]));
  const planned: PlannedPost[] = [];
  for (const [areaId, channels] of byArea) {
    const area = areas.get(areaId);
    if (!area) continue;
    planned.push(await planOne(db, input, area, channels));
  }
  return planned;
}

/** One area's post, read and put into words. */
export async function planOne(db: Kysely<Database>, input: PlanInput, area: Area, channels: PostChannel[]): Promise<PlannedPost> {
  const board = await loadBoard(db, { campaign: input.campaign, area, today: input.businessDate, now: input.now });
  await otherWorkFirst();
  // The special groups' floor under the ranking, when their list was imported (counts only).
  const special = specialBoardLine(input.t, await specialFigures(db, { campaignId: input.campaign.id, underPath: area.path }));
  const chart = input.chart !== false && board.rows.length > 0 ? { svg: boardChartSvg(board, input.t), alt: input.t.chartAlt({ area: area.name }) } : null;
  await otherWorkFirst();
  const seq = (board.previous?.seq ?? 0) + 1;
  const rendered = renderBoard(board, input.t, input.demo, { seq, late: input.late });
  const reply = special ? { ...rendered, footer: [rendered.footer, special].filter(Boolean).join('\n') } : rendered;
  await otherWorkFirst();
  // Redacted and serialized here, once for all its channels, and cut into
  // the parts of its robots' apps: thousands of lines, which the write
  // transaction then only copies.
  const platforms = channels.map((c) => c.platform);
  const stored = storedForPlatforms(reply, platforms);
  const standings = standingsJson(board.rows);
  // The townships to check go to the leaders once a week, with the first scheduled post of the week.
  const checks = input.kind === 'scheduled' ? renderCheckList(board, input.t) : null;
  const { enrolled, target, today, amountFen } = board.total;
  await otherWorkFirst();
  return { area, channels, seq, total: { enrolled, target, today, amountFen }, standings, reply: stored, checks: checks && storedForPlatforms(checks, platforms), chart };
}
