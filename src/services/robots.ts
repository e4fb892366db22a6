/**
 * The group robots service: what a `robot` command may do with robots, bound
 * to the command's transaction (the command never holds the database).
 */
import type { Robot, RobotApp } from '../db/schema.ts';
import { cancelQueuedTo, countWindowSend, forgetSendWindow } from '../store/outbox.ts';
import { deleteRobot, getRobot, insertRobot, listRobots, markRobotWorking, releaseHeldPosts, robotByDigest, type RobotWithArea } from '../store/robots.ts';
import { robotPlatform } from '../robots/apps.ts';
import { robotRef } from '../domain/robot-ref.ts';
import type { ServiceScope } from './scope.ts';

/** Robots, as commands use them. */
export interface RobotsService {
  get(id: number): Promise<RobotWithArea | undefined>;
  byDigest(digest: string): Promise<Robot | undefined>;
  list(): Promise<RobotWithArea[]>;
  add(input: Omit<Parameters<typeof insertRobot>[1], 'now' | 'by'>): Promise<number>;
  /** Removes a robot and cancels what was queued to it; the number cancelled. */
  remove(robot: RobotWithArea, ref: string): Promise<number>;
  /** Marks it working again; the number of its held posts released. */
  markWorking(id: number, app: RobotApp, ref: string): Promise<number>;
  /** Counts a test message the app answered at `at` in the robot's rate window, as the app counts it. */
  countTestMessage(id: number, app: RobotApp, at: Date): Promise<void>;
}

export function createRobotsService(scope: ServiceScope): RobotsService {
  const { db } = scope;
  return {
    get: (id) => getRobot(db, id),
    byDigest: (digest) => robotByDigest(db, digest),
    list: () => listRobots(db),
    add: (input) => insertRobot(db, { ...input, now: scope.now, by: scope.actor.memberId }),
    async remove(robot, ref) {
      await deleteRobot(db, robot.id);
      await forgetSendWindow(db, robotPlatform(robot.app), ref);
      return cancelQueuedTo(db, robotPlatform(robot.app), ref);
    },
    async markWorking(id, app, ref) {
      return (await markRobotWorking(db, id)) ? releaseHeldPosts(db, robotPlatform(app), ref) : 0;
    },
    countTestMessage: (id, app, at) => countWindowSend(db, { platform: robotPlatform(app), channelId: robotRef(id), at }),
  };
}
