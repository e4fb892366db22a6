/**
 * The group robots as outbound platforms, one per app (`wecom-robot`,
 * `dingtalk-robot`, `feishu-robot`), whose channels are robots (`R12`). The
 * outbox worker paces each robot to its app's limit in the database, so
 * replicas together keep it. Each queued row is one part (see render.ts):
 * the platform opens the robot's sealed URL and secret, signs, posts, and
 * reads the answer:
 *
 * - each robot is paced by its app's own windows (`ROBOT_WINDOWS`), counted
 *   by the outbox in the database for every replica: a board's few messages
 *   go at once, and the robot then waits only until a window has room;
 * - a rate-limit answer waits the app's Retry-After, else until the robot's
 *   window has room again (the refused request counts in it) and at least
 *   the time a full window takes to free one message (someone else may
 *   share the robot), never a doubling backoff; a server error or a network
 *   failure waits a doubling backoff; both hold the robot's later messages
 *   so that a board's parts never arrive out of order;
 * - an answer that the robot itself is wrong marks it failing (once, across
 *   replicas), tells the leaders' channels above it, and holds its posts
 *   until `robot test` finds it working again: nothing is lost;
 * - DingTalk's used-up quota (90030) waits an hour at a time and tells the
 *   admins once a day;
 */
import { findCurrentCampaign } from '../store/campaigns.ts';
import type { Kysely } from 'kysely';
import type { Database, RobotApp } from '../db/schema.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { Logger } from '../core/logger.ts';
import type { Reply } from '../core/reply.ts';
import { DestinationFailing, RateLimited, type PlatformOutbound } from '../core/platform-port.ts';
import { enqueuePost } from '../store/outbox.ts';
import { open } from '../domain/secret-box.ts';
import { businessDate } from '../domain/calendar.ts';
import { postToRobot, ROBOT_APPS, ROBOT_WINDOWS, robotPlatform, robotSlotMs, signRequest, type RobotAnswer } from './apps.ts';
import { fitImage, robotBody, WECOM_IMAGE_MAX_BYTES, type RobotBody } from './render.ts';
import { chartPng } from '../board/chart-images.ts';
import { getRobot, imagePartId, leadersChannelsOver, markRobotFailing, type RobotWithArea } from '../store/robots.ts';
import { parseRobotRef, robotRef } from '../domain/robot-ref.ts';

/** How long a failing robot's posts are held before the robot is looked at again. */
export const FAILING_HOLD_MS = 10 * 60_000;
/** How long to wait when DingTalk's quota is used up. */
export const QUOTA_WAIT_MS = 60 * 60_000;
/** The longest wait after repeated failed sends (server errors, network). */
export const MAX_RATE_WAIT_MS = 10 * 60_000;

export interface RobotPlatformOptions {
  db: Kysely<Database>;
  /** The key robot URLs and secrets are sealed with (loaded when first needed). */
  key: () => Uint8Array;
  /** The catalogue of the admins' notices. */
  t: Catalogue;
  log: Logger;
  now?: () => Date;
  /**
   * Divides every interval and wait: the bench and tests run minutes of
   * pacing in seconds. 1 in production.
   */
  timeScale?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Called after a notice to the admins was queued (wakes the outbox worker). */
  onQueued?: () => void;
}

/** The three robot platforms. */
export function createRobotPlatforms(options: RobotPlatformOptions): PlatformOutbound[] {
  const { db, log, t } = options;
  const now = options.now ?? (() => new Date());
  const scale = options.timeScale ?? 1;
  const scaled = (ms: number) => Math.max(1, Math.round(ms / scale));
  /**
   * The latest charts' bodies (base64 and md5), by stored image id: the
   * promise, so the robots sending one board at once wait for one drawing
   * instead of each drawing it (null: the chart is no longer stored).
   */
  const charts = new Map<number, Promise<RobotBody | null>>();
  /** Failed sends in a row (server errors, network), per robot: each one doubles the wait. */
  const streak = new Map<number, number>();

  function describe(robot: RobotWithArea): { ref: string; app: string; place: string } {
    return {
      ref: robotRef(robot.id),
      app: t.robotAppName({ app: robot.app }),
      place: t.robotPlace({ kind: robot.kind, area: robot.area_name }),
    };
  }

  /** Queues one notice to the leaders' channels over a robot; returns how many channels, or logs when there is none. */
  async function tellAdmins(tx: Kysely<Database>, robot: RobotWithArea, text: string, key: string, at: Date): Promise<number> {
    const channels = await leadersChannelsOver(tx, robot.area_path);
    for (const ch of channels) {
      await enqueuePost(tx, { platform: ch.platform, channelId: ch.channel_id, reply: { status: 'ok', text }, dedupeKey: `${key}:${ch.platform}:${ch.channel_id}`, now: at });
    }
    return channels.length;
  }

  async function failing(robot: RobotWithArea, answer: Extract<RobotAnswer, { kind: 'broken' }>): Promise<void> {
    const at = now();
    const d = describe(robot);
    let told = -1;
    await db.transaction().execute(async (tx) => {
      if (!(await markRobotFailing(tx, robot.id, `${answer.problem}: ${answer.code}`, at))) return;
      const text = t.robotFailingNotice({ ...d, problem: t.robotProblem({ problem: answer.problem }) });
      told = await tellAdmins(tx, robot, text, `robot-failing:${d.ref}:${at.toISOString()}`, at);
    });
    if (told < 0) return; // another replica (or an earlier post) marked it first
    log.warn('group robot refused by its app: its posts are held until it is fixed (robot test)', { robot: d.ref, app: robot.app, problem: answer.problem, code: answer.code, toldChannels: told });
    if (told > 0) options.onQueued?.();
  }

  async function quota(robot: RobotWithArea, code: string): Promise<void> {
    const at = now();
    const d = describe(robot);
    // The quota notice is once a day in the campaign's zone.
    const day = businessDate(at, (await findCurrentCampaign(db))?.time_zone ?? 'Asia/Shanghai');
    const told = await db.transaction().execute((tx) => tellAdmins(tx, robot, t.robotQuotaNotice(d), `robot-quota:${d.ref}:${day}`, at));
    log.warn('group robot quota used up: waiting for it', { robot: d.ref, app: robot.app, code, toldChannels: told });
    if (told > 0) options.onQueued?.();
  }

  function platform(app: RobotApp): PlatformOutbound {
    const slot = scaled(robotSlotMs(app));
    /** One slot after the first failure in a row, doubling with each further one. */
    const backoff = (id: number) => {
      const n = (streak.get(id) ?? 0) + 1;
      streak.set(id, n);
      return Math.min(slot * 2 ** (n - 1), scaled(MAX_RATE_WAIT_MS));
    };
    return {
      name: robotPlatform(app),
      windows: ROBOT_WINDOWS[app].map((w) => ({ ms: scaled(w.ms), max: w.max })),
      async post(channelId: string, reply: Reply) {
        const id = parseRobotRef(channelId);
        const robot = id === null ? undefined : await getRobot(db, id);
        if (!robot) throw new DestinationFailing(scaled(FAILING_HOLD_MS), `robot ${channelId} no longer exists`);
        const ref = robotRef(robot.id);
        if (robot.status === 'failing') throw new DestinationFailing(scaled(FAILING_HOLD_MS), `robot ${ref} is failing (${robot.problem ?? '?'}); held until it is fixed`);
        const key = options.key();
        const url = open(key, robot.url_sealed);
        const secret = robot.secret_sealed ? open(key, robot.secret_sealed) : null;
        let body: RobotBody;
        const imageId = imagePartId(reply.text);
        if (imageId !== null) {
          let drawn = charts.get(imageId);
          if (!drawn) {
            drawn = (async () => {
              const png = await chartPng(db, imageId);
              if (!png) return null;
              return robotBody(app, { status: 'ok', text: '', image: fitImage({ png, filename: `chart-${imageId}.png`, alt: '' }, WECOM_IMAGE_MAX_BYTES) });
            })();
            // One board's chart goes to every robot: read, draw and encode it once.
            if (charts.size >= 4) charts.delete(charts.keys().next().value!);
            charts.set(imageId, drawn);
            // A failed drawing is not remembered: the next send tries again.
            drawn.catch(() => charts.delete(imageId));
          }
          const found = await drawn;
          // Kept a month: a chart older than that is not worth sending late.
          if (!found) return log.warn('group robot chart no longer stored; not sent', { robot: ref, image: imageId });
          body = found;
        } else body = robotBody(app, reply);
        const request = signRequest(app, url, secret, body, now());
        const answer = await postToRobot(app, request, { timeoutMs: options.timeoutMs, fetch: options.fetch });
        switch (answer.kind) {
          case 'ok':
            streak.delete(robot.id);
            return;
          case 'rate': {
            // The outbox also holds the robot until its window has room.
            const wait = answer.retryAfterMs !== null ? scaled(answer.retryAfterMs) : slot;
            throw new RateLimited(wait, `robot ${ref}: ${answer.code}; retry after ${wait} ms`);
          }
          case 'quota':
            await quota(robot, answer.code);
            throw new RateLimited(scaled(QUOTA_WAIT_MS), `robot ${ref}: ${answer.code}; quota used up`);
          case 'broken':
            await failing(robot, answer);
            throw new DestinationFailing(scaled(FAILING_HOLD_MS), `robot ${ref}: ${answer.code}`);
          case 'retry': {
            // Waited as a rate limit, which holds the whole robot: its parts
            // must not overtake one another (a board's 2/3 before its 1/3).
            const wait = backoff(robot.id);
            log.warn('group robot delivery failed; will retry', { robot: ref, app, error: answer.code, retryInMs: wait });
            throw new RateLimited(wait, `robot ${ref}: ${answer.code}; retry after ${wait} ms`);
          }
        }
      },
    };
  }

  return ROBOT_APPS.map(platform);
}
