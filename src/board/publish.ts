/**
 * Publishing the board: for every area that has a leaders' channel, read the
 * figures and put them into words (`planBoards`, outside any write
 * transaction, on the bot's board thread when it has one: see
 * plan-thread.ts), then claim the run, store the post with its standings
 * (第N期) and queue one outbox message per leaders' channel of the area (and
 * the group robots bound for its leaders), in one short transaction
 * (`storeBoards`) that only copies what was prepared. Shared by the
 * scheduler and `board post`. Each post's chart is stored once, as SVG; the
 * first sender draws it and stores the PNG for the others.
 */
import type { Kysely } from 'kysely';
import type { BoardPostKind, Campaign, Database } from '../db/schema.ts';
import { claimJob, finishJob } from '../store/job-claims.ts';
import { lastPost, storePost } from '../store/board-posts.ts';
import { enqueueFor } from '../robots/fanout.ts';
import type { Catalogue } from '../i18n/index.ts';
import { weekOf } from './board.ts';
import { storeChart } from '../store/charts.ts';
import { planBoardsHere, planOne, type PlanInput, type PlannedPost } from './plan.ts';
import { boardThreadOf } from './plan-thread.ts';

export type { PlannedPost } from './plan.ts';

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

/**
 * Reads the boards of a post: on the database's board thread when it has
 * one (a SQLite file or PostgreSQL opened by the app) and the thread is up,
 * else on this thread (a bare handle: tests' own, the bench's setup; the
 * first post of a bot whose thread is still starting). Reads only: run it
 * outside any transaction, and store what it returns with `storeBoards`.
 */
export async function planBoards(db: Kysely<Database>, input: PlanInput): Promise<PlannedPost[]> {
  const thread = boardThreadOf(db);
  if (thread?.ready) return (await thread.plan(input)) ?? planBoardsHere(db, input);
  // Not started yet (the catch-up post at start, a first post on a cold bot):
  // read here rather than wait seconds for the thread to start; it starts
  // meanwhile for the next post.
  thread?.warm().catch(() => undefined);
  return planBoardsHere(db, input);
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
    const { seq } = await storePost(db, {
      campaignId: input.campaign.id,
      areaId,
      seq: plan.seq,
      businessDate: input.businessDate,
      slot: input.slot,
      kind: input.kind,
      late: input.late,
      asOf: input.now,
      total: plan.total,
      standings: plan.standings,
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
        reply: plan.reply,
        ...(chart ? { chart } : {}),
        dedupeKey: `${job}:${input.campaign.id}:${areaId}:${input.businessDate}:${ch.platform}:${ch.channelId}`,
        now: input.now,
      });
    }
    // Planned with a scheduled post only; sent once a week (the key names the week).
    if (plan.checks) {
      for (const ch of channels) {
        await enqueueFor(db, {
          platform: ch.platform,
          channelId: ch.channelId,
          reply: plan.checks,
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
  return storeBoards(db, await planBoardsHere(db, input), input);
}
