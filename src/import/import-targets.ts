/**
 * `import targets <file>`: townships (or a city's districts) and their
 * targets, many at once. Each row does what `township add <name> target <n>
 * [under <parent>]` does for an area that does not exist yet, and what
 * `target <name> <n>` does for one that does: the same rows, the same audit
 * entries, the same setup change seen by every running bot.
 */
import type { Kysely } from 'kysely';
import type { Area, Campaign, Database } from '../db/schema.ts';
import { bumpSetupVersion } from '../store/setup-version.ts';
import { allAreas, areasByName, createArea, getArea, getRootArea } from '../store/areas.ts';
import { childKind } from '../domain/area-name.ts';
import { appendAudit } from '../store/audit.ts';
import { getCurrentCampaign } from '../store/campaigns.ts';
import { getTarget, setTarget } from '../store/targets.ts';
import type { ImportReport, TargetCounts } from './report.ts';
import type { RunImportOptions } from './run-import.ts';
import { runImport } from './run-import.ts';
import { targetRowAt } from './target-check.ts';

export interface TargetImportOptions extends RunImportOptions {
  now: Date;
  /** Where the audit log says the changes came from (the CLI: `import targets <file name>`). */
  source: string;
}

/** The audit log's platform for changes made from the command line (no member made them). */
export const CLI_PLATFORM = 'cli';

export async function importTargets(path: string, options: TargetImportOptions): Promise<ImportReport> {
  const { now } = options;
  const [areas, root] = await Promise.all([allAreas(options.db), getRootArea(options.db)]);
  const counts: TargetCounts = { created: 0, updated: 0, unchanged: 0 };
  /** The area each written row set or created, by line: later rows may name it as their parent. */
  const areaOfLine = new Map<number, Area>();
  let campaign: Campaign | undefined;
  const audit = (db: Kysely<Database>, action: string, detail: Record<string, unknown>) =>
    appendAudit(db, { at: now, memberId: null, platform: CLI_PLATFORM, channelId: options.source, action, detail });

  /** Sets an existing area's target as `target` does; returns whether it changed. */
  async function setExisting(db: Kysely<Database>, area: Area, people: number): Promise<boolean> {
    const previous = await getTarget(db, campaign!.id, area.id);
    if (previous === people) {
      counts.unchanged++;
      return false;
    }
    await setTarget(db, campaign!.id, area.id, people);
    await audit(db, 'target.set', { area: area.id, name: area.name, people, previous });
    counts.updated++;
    return true;
  }

  const report = await runImport(
    path,
    {
      kind: 'targets',
      context: {
        areas: areas.map((a) => ({ id: a.id, name: a.name, parentId: a.parent_id, kind: a.kind })),
        rootId: root.id,
      },
    },
    {
      async begin(db) {
        campaign = await getCurrentCampaign(db);
      },
      async write(db, values, rows) {
        let changed = 0;
        for (let i = 0; i < rows; i++) {
          const row = targetRowAt(values, i);
          if (row.areaId !== null) {
            const area = (await getArea(db, row.areaId))!;
            areaOfLine.set(row.line, area);
            if (await setExisting(db, area, row.people)) changed++;
            continue;
          }
          const parent = row.parentLine !== null ? areaOfLine.get(row.parentLine)! : (await getArea(db, row.parentId!))!;
          // Added meanwhile (by a chat command since the file was checked): set, never doubled.
          const clash = (await areasByName(db, row.name)).find((a) => a.parent_id === parent.id);
          if (clash) {
            areaOfLine.set(row.line, clash);
            if (await setExisting(db, clash, row.people)) changed++;
            continue;
          }
          const kind = childKind(parent.kind);
          const area = await createArea(db, { parent, name: row.name, kind, now });
          areaOfLine.set(row.line, area);
          await setTarget(db, campaign!.id, area.id, row.people);
          await audit(db, 'area.add', { area: area.id, name: area.name, parent: parent.name, kind, target: row.people });
          counts.created++;
          changed++;
        }
        return changed;
      },
      async finish(db) {
        // As a chat command that changes the setup does: every running bot drops what it cached.
        if (counts.created + counts.updated > 0) await bumpSetupVersion(db);
        return 0;
      },
    },
    options,
  );
  report.targets = report.committed ? counts : { created: 0, updated: 0, unchanged: 0 };
  return report;
}
