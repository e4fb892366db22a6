/** Lapse cases: a township's list, leaders' counts, follow-ups and an admin's scan. */
import { lockJob } from '../db/job-lock.ts';
import { enqueueLapseReminders } from '../lapse/reminders.ts';
import { screenLapses, type ScanResult } from '../lapse/screen.ts';
import { openCaseCount } from '../store/lapse-cases.ts';
import { LAST_REMINDER, LAST_SCAN, scanMonthProblem, type ScanMonthProblem } from '../lapse/scan-month.ts';
import {
  getCase,
  namedCaseCounts,
  openCases,
  recordFollowup,
  stageCounts,
  stageCountsByArea,
  supportedCount,
  type CaseFilter,
  type FollowupOutcome,
} from '../store/lapse-cases.ts';
import { getLapseRules, putLapseRules } from '../store/lapse-rules.ts';
import { assignCase, callsSince, linkCadre, specialFigures, unpaidHolders } from '../store/named-people.ts';
import type { LapseRules } from '../domain/lapse-rules.ts';
import { getSetting, putSetting } from '../store/settings.ts';
import type { ServiceScope } from './scope.ts';

export type { FollowupOutcome };

/** Lapse work, bound to one command. */
export interface LapseService {
  getCase(id: number): ReturnType<typeof getCase>;
  openCases(filter: CaseFilter, limit: number): ReturnType<typeof openCases>;
  stageCounts(filter: CaseFilter): ReturnType<typeof stageCounts>;
  stageCountsByArea(filter: CaseFilter): ReturnType<typeof stageCountsByArea>;
  namedCaseCounts(filter: CaseFilter): ReturnType<typeof namedCaseCounts>;
  supportedCount(filter: CaseFilter): Promise<number>;
  rules(): Promise<LapseRules>;
  setRules(rules: LapseRules): Promise<void>;
  /** Links a cadre name of the roster and lists to a member (this campaign's lists). */
  linkCadre(name: string, memberId: number): ReturnType<typeof linkCadre>;
  assignCase(caseId: number, memberId: number): Promise<void>;
  /** How many full phones the speaker looked up in the last day. */
  callsToday(): Promise<number>;
  /** Special-group figures per township under an area (this campaign). */
  specialFigures(underPath: string): ReturnType<typeof specialFigures>;
  /** Who holds a township's named unpaid residents (this campaign). */
  unpaidHolders(areaId: number): ReturnType<typeof unpaidHolders>;
  /** Records the speaker's follow-up on a case; reminders pause until `pauseUntil` after a promise or payment. */
  recordFollowup(input: { caseId: number; outcome: FollowupOutcome; note: string | null; pauseUntil: string }): Promise<{ paused: boolean; closed: boolean }>;
  /**
   * Screens `month` and queues its reminders, or says why the month cannot
   * be screened (nothing written then). `key` keeps a retried message from
   * posting twice. The cases are written in the command's transaction; the
   * digests are built and queued after it commits (`reminders`: how many).
   */
  scan(month: string, key: string): Promise<{ problem: ScanMonthProblem } | { problem: null; result: ScanResult & { open: number }; reminders: Promise<number> }>;
}

export function createLapseService(scope: ServiceScope): LapseService {
  const { db } = scope;
  return {
    getCase: (id) => getCase(db, id),
    openCases: (filter, limit) => openCases(db, filter, limit),
    stageCounts: (filter) => stageCounts(db, filter),
    stageCountsByArea: (filter) => stageCountsByArea(db, filter),
    namedCaseCounts: (filter) => namedCaseCounts(db, filter),
    supportedCount: (filter) => supportedCount(db, filter),
    rules: () => getLapseRules(db),
    setRules: (rules) => putLapseRules(db, rules),
    linkCadre: (name, memberId) => linkCadre(db, { name, memberId, campaignId: scope.campaign.id, now: scope.now }),
    assignCase: (caseId, memberId) => assignCase(db, { caseId, memberId, now: scope.now }),
    callsToday: async () => (scope.actor.memberId === null ? 0 : callsSince(db, scope.actor.memberId, new Date(scope.now.getTime() - 86_400_000))),
    specialFigures: (underPath) => specialFigures(db, { campaignId: scope.campaign.id, underPath }),
    unpaidHolders: (areaId) => unpaidHolders(db, { campaignId: scope.campaign.id, areaId }),
    recordFollowup: (input) =>
      recordFollowup(db, { ...input, memberId: scope.actor.memberId, platform: scope.channel.platform, channelId: scope.channel.id, now: scope.now }),
    async scan(month, key) {
      // Taken before the checks, so a scheduled scan on another replica cannot move the latest month under them.
      await lockJob(db, 'lapse');
      const problem = await scanMonthProblem(db, { month, now: scope.now, timeZone: scope.campaign.time_zone });
      if (problem) return { problem };
      const screened = await screenLapses(db, { month, now: scope.now });
      const result = { ...screened, open: await openCaseCount(db) };
      const reminders = scope.afterCommit(async (later) => {
        // The schedule's scan on another replica takes the same lock.
        await lockJob(later, 'lapse');
        return enqueueLapseReminders(later, { now: scope.now, month, t: scope.t, key, weekly: false });
      });
      // Kept as the latest scan: the monthly schedule does not screen this month again, the weekly
      // re-reminders are about it, and an older month is refused from now on.
      const latest = await getSetting(db, LAST_SCAN);
      if (latest === undefined || month > latest) await putSetting(db, LAST_SCAN, month);
      await putSetting(db, LAST_REMINDER, scope.now.toISOString());
      return { problem: null, result, reminders };
    },
  };
}
