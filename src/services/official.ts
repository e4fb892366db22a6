/**
 * Official figures as a chat command imports them: the file is read and
 * checked before the command's transaction (it may take a while, and must
 * not hold the write lock), then its rows are stored inside it.
 */
import { basename } from 'node:path';
import { checkOfficialFile, officialCheckContext, storeOfficialRows, type CheckedOfficialFile } from '../import/import-official.ts';
import type { OfficialCounts } from '../import/report.ts';
import type { ServiceScope } from './scope.ts';

export type { CheckedOfficialFile };

/** Official imports, bound to one command. */
export interface OfficialService {
  /** Reads and checks a file; writes nothing. `asOf`: the date of rows without one (null: today). */
  check(path: string, asOf: string | null): Promise<CheckedOfficialFile>;
  /** Stores a checked file's rows in the command's transaction. */
  store(checked: CheckedOfficialFile, path: string): Promise<OfficialCounts>;
}

export function createOfficialService(scope: ServiceScope): OfficialService {
  return {
    async check(path, asOf) {
      const context = await officialCheckContext(scope.db, { campaign: scope.campaign, asOf, today: scope.today });
      return checkOfficialFile(path, context);
    },
    async store(checked, path) {
      const counts = await storeOfficialRows(scope.db, {
        campaign: scope.campaign,
        rows: checked.rows,
        file: basename(path),
        by: { memberId: scope.actor.memberId, platform: scope.channel.platform, channelId: scope.channel.id },
        now: scope.now,
      });
      if (counts.switched) scope.setupChanged();
      return counts;
    },
  };
}
