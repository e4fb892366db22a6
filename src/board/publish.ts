/**
 * Publishing the board: for every area that has a leaders' channel, read the
 * figures (`planBoards`, outside any write transaction: at a province's
 * 2,000 townships that is milliseconds of reads, and a chat write batch
 * must not wait for them), then claim the run, store the post with its
 * standings (第N期) and queue one outbox message per leaders' channel of the
 * area (and the group robots bound for its leaders), in one short
 * transaction (`storeBoards`). Shared by the scheduler and `board post`.
 * Each post's chart is stored once, as SVG; the first sender draws it and
 * stores the PNG for the others.
 */
import type { Kysely } from 'kysely';
import type { Area, BoardPostKind, Campaign, Database } from '../db/schema.ts';
import { leadersChannels } from '../store/bindings.ts';
import { areasByIds } from '../store/areas.ts';
import { claimJob, finishJob } from '../store/job-claims.ts';
import { lastPost, storePost } from '../store/board-posts.ts';
import { enqueueFor } from '../robots/fanout.ts';
import { robotDestinations } from '../store/robots.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { Reply } from '../core/reply.ts';
import { loadBoard, renderBoard, renderCheckList, weekOf, type Board } from './board.ts';
import { boardChartSvg } from './chart.ts';
import { storeChart } from '../store/charts.ts';
import { specialBoardLine } from '../lapse/named-lines.ts';
import { specialFigures } from '../store/named-people.ts';

export interface PublishInput {
  campaign: Campaign;
  /** The business date the run is for. */
  businessDate: string;
  /** `18:00`: the scheduled time, or the minute `board post` was asked. */
  slot: string;
  kind: BoardPostKind;
  /** The scheduled time had passed when the bot came up: the title says so. */
  late: boolean;
  now: Date;
  t: Catalogue;
  demo: boolean;
  /** Who claims the runs (a process id), and how long an unfinished claim holds. */
  claimedBy: string;
  leaseMs?: number;
  /** Attach the chart (on by default). */
  chart?: boolean;
}

/** One area's post, as published. */
export interface PublishedPost {
  areaId: number;
  areaName: string;
  seq: number;
  channels: number;
}

/** The job name a run is claimed under: `board@18:00` or `board-post@15:32`. */
export function boardJob(kind: BoardPostKind, slot: string): string {
  return `${kind === 'scheduled' ? 'board' : 'board-post'}@${slot}`;
}

/** One area's board as read before its post is stored: where it goes, what it shows. */
export interface PlannedPost {
  area: Area;
  channels: { platform: string; channelId: string }[];
  board: Board;
  /** The post as leaders read it, numbered as the next after the board's previous post. */
  reply: Reply;
  /** That number (第N期): the post is stored under it, or planned afresh. */
  seq: number;
  /** The chart's SVG and description (null: no chart), drawn from the same figures. */
  chart: { svg: string; alt: string } | null;
}

/**
 * Reads the board of every area with a leaders' channel (or group robots
 * bound for its leaders). Reads only: run it on the database, outside any
 * transaction, and store what it returns with `storeBoards`.
 */
export async function planBoards(
  db: Kysely<Database>,
  input: Pick<PublishInput, 'campaign' | 'businessDate' | 'now' | 't' | 'chart' | 'demo' | 'late'>,
): Promise<PlannedPost[]> {
  const byArea = new Map<number, { platform: string; channelId: string }[]>();
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

/**
 * Lets the event loop run between the steps of reading a post: each step of a
 * large board is milliseconds of work on the main thread, and the chat's
 * payments waiting for it would otherwise wait for the whole post.
 */
const otherWorkFirst = () => new Promise<void>((resolve) => setImmediate(resolve));

async function planOne(
  db: Kysely<Database>,
  input: Pick<PublishInput, 'campaign' | 'businessDate' | 'now' | 't' | 'chart' | 'demo' | 'late'>,
  area: Area,
  channels: { platform: string; channelId: string }[],
): Promise<PlannedPost> {
  const board = await loadBoard(db, { campaign: input.campaign, area, today: input.businessDate, now: input.now });
  await otherWorkFirst();
  // The special groups' floor under the ranking, when their list was imported (counts only).
  const special = specialBoardLine(input.t, await specialFigures(db, { campaignId: input.campaign.id, underPath: area.path }));
  const chart = input.chart !== false && board.rows.length > 0 ? { svg: boardChartSvg(board, input.t), alt: input.t.chartAlt({ area: area.name }) } : null;
  await otherWorkFirst();
  // Put into words here too, not in the write transaction (thousands of lines).
  const seq = (board.previous?.seq ?? 0) + 1;
  const rendered = renderBoard(board, input.t, input.demo, { seq, late: input.late });
  const reply = special ? { ...rendered, footer: [rendered.footer, special].filter(Boolean).join('\n') } : rendered;
  await otherWorkFirst();
  return { area, channels, board, reply, seq, chart };
}

/**
 * Stores planned posts: an area whose run was claimed before is skipped.
 * Run it inside a transaction: the claim, the stored post and the queued
 * messages commit together or not at all. A post of the same area stored
 * since the plan was read (another replica, another slot) is compared with
 * afresh, so its rank changes are against what leaders saw last.
 */
export async function storeBoards(db: Kysely<Database>, planned: readonly PlannedPost[], input: PublishInput): Promise<PublishedPost[]> {
  const job = boardJob(input.kind, input.slot);
  const published: PublishedPost[] = [];
  for (let plan of planned) {
    const { area, channels } = plan;
    const areaId = area.id;
    const key = { job, areaId, businessDate: input.businessDate };
    if (!(await claimJob(db, key, { by: input.claimedBy, now: input.now, leaseMs: input.leaseMs ?? 10 * 60_000 }))) continue;
    const last = await lastPost(db, input.campaign.id, areaId);
    if ((last?.seq ?? 0) + 1 !== plan.seq) plan = await planOne(db, input, area, channels);
    const { board, reply } = plan;
    const { seq } = await storePost(db, {
      campaignId: input.campaign.id,
      areaId,
      businessDate: input.businessDate,
      slot: input.slot,
      kind: input.kind,
      late: input.late,
      asOf: input.now,
      total: board.total,
      standings: board.rows.map((r) => ({
        areaId: r.areaId,
        rank: r.rank,
        enrolled: r.enrolled,
        target: r.target,
        today: r.today,
        amountFen: r.amountFen,
      })),
      now: input.now,
    });
    // Only the chart's SVG here, stored once for every channel and robot of
    // the post: the first sender draws it, after this transaction has
    // committed, and stores the PNG for the rest.
    const chart = plan.chart
      ? {
          id: await storeChart(db, plan.chart.svg, input.now),
          filename: `board-${areaId}-${input.businessDate}-${input.slot.replace(':', '')}-${seq}.png`,
          alt: plan.chart.alt,
        }
      : undefined;
    for (const ch of channels) {
      await enqueueFor(db, {
        platform: ch.platform,
        channelId: ch.channelId,
        reply,
        ...(chart ? { chart } : {}),
        dedupeKey: `${job}:${input.campaign.id}:${areaId}:${input.businessDate}:${ch.platform}:${ch.channelId}`,
        now: input.now,
      });
    }
    // The townships to check go to the leaders once a week, with the first scheduled post of the week.
    const checks = input.kind === 'scheduled' ? renderCheckList(board, input.t) : null;
    if (checks) {
      for (const ch of channels) {
        await enqueueFor(db, {
          platform: ch.platform,
          channelId: ch.channelId,
          reply: checks,
          dedupeKey: `verify@${weekOf(input.businessDate)}:${input.campaign.id}:${areaId}:${ch.platform}:${ch.channelId}`,
          now: input.now,
        });
      }
    }
    await finishJob(db, key, input.now);
    published.push({ areaId, areaName: area.name, seq, channels: channels.length });
  }
  return published;
}

/**
 * Reads and stores in one go, on one handle (a transaction): for callers
 * that have nothing running beside them (the bench's setup, tests).
 */
export async function publishBoards(db: Kysely<Database>, input: PublishInput): Promise<PublishedPost[]> {
  return storeBoards(db, await planBoards(db, input), input);
}
