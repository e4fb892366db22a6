/**
 * Publishing the board: for every area that has a leaders' channel, claim the
 * run, read the figures, store the post with its standings (第N期), and queue
 * one outbox message per leaders' channel of the area (and the group robots
 * bound for its leaders), all in the caller's transaction. Shared by the
 * scheduler and `board post`. Each post's chart is stored once, as SVG; the
 * first sender draws it and stores the PNG for the others.
 */
import type { Kysely } from 'kysely';
import type { BoardPostKind, Campaign, Database } from '../db/schema.ts';
import { leadersChannels } from '../store/bindings.ts';
import { getArea } from '../store/areas.ts';
import { claimJob, finishJob } from '../store/job-claims.ts';
import { storePost } from '../store/board-posts.ts';
import { enqueueFor } from '../robots/fanout.ts';
import { robotDestinations } from '../store/robots.ts';
import type { Catalogue } from '../i18n/index.ts';
import { loadBoard, renderBoard, renderCheckList, weekOf } from './board.ts';
import { boardChartToDraw } from './chart.ts';
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

/**
 * Publishes the board of every area with a leaders' channel; an area whose run
 * was claimed before is skipped. Run it inside a transaction: the claim, the
 * stored post and the queued messages commit together or not at all.
 */
export async function publishBoards(db: Kysely<Database>, input: PublishInput): Promise<PublishedPost[]> {
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
  const job = boardJob(input.kind, input.slot);
  const published: PublishedPost[] = [];
  for (const [areaId, channels] of byArea) {
    const key = { job, areaId, businessDate: input.businessDate };
    if (!(await claimJob(db, key, { by: input.claimedBy, now: input.now, leaseMs: input.leaseMs ?? 10 * 60_000 }))) continue;
    const area = await getArea(db, areaId);
    if (!area) continue;
    const board = await loadBoard(db, { campaign: input.campaign, area, today: input.businessDate, now: input.now });
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
    const rendered = renderBoard(board, input.t, input.demo, { seq, late: input.late });
    // The special groups' floor under the ranking, when their list was imported (counts only).
    const special = specialBoardLine(input.t, await specialFigures(db, { campaignId: input.campaign.id, underPath: area.path }));
    const reply = special ? { ...rendered, footer: [rendered.footer, special].filter(Boolean).join('\n') } : rendered;
    // Only the chart's SVG here, stored once for every channel and robot of
    // the post: the first sender draws it, after this transaction has
    // committed and released the write lock, and stores the PNG for the rest.
    const toDraw =
      input.chart !== false && board.rows.length > 0
        ? boardChartToDraw(board, input.t, `board-${areaId}-${input.businessDate}-${input.slot.replace(':', '')}-${seq}.png`)
        : undefined;
    const chart = toDraw ? { id: await storeChart(db, toDraw.svg, input.now), filename: toDraw.filename, alt: toDraw.alt } : undefined;
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
