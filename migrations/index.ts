/**
 * The static migration registry: every migration, in order, by name. A
 * bundler-safe list (no directory scan), as in the atproto PDS.
 */
import type { Migration } from 'kysely';
import * as core from './2026-11-23-001-core.ts';
import * as outbox from './2026-11-23-002-outbox.ts';
import * as board from './2026-11-23-003-board.ts';
import * as lapse from './2026-11-23-004-lapse.ts';
import * as outboxChannel from './2026-11-23-005-outbox-channel.ts';
import * as campaignFloor from './2026-12-01-006-campaign-floor.ts';
import * as personalDataAtRest from './2026-12-01-007-personal-data-at-rest.ts';
import * as grantOrigin from './2026-12-01-008-grant-origin.ts';
import * as robots from './2026-12-01-011-robots.ts';
import * as official from './2026-12-01-012-official.ts';
import * as namedPeople from './2026-12-01-013-named-people.ts';
import * as delivery from './2026-12-01-014-delivery.ts';
import * as chartPng from './2026-12-01-015-chart-png.ts';
import * as totalShards from './2026-12-01-016-total-shards.ts';
import * as robotWindow from './2026-12-01-017-robot-window.ts';
import * as lapseIndexes from './2026-12-01-018-lapse-indexes.ts';
import * as boardStandingsJson from './2026-12-01-021-board-standings-json.ts';
import * as robotIdsKept from './2026-12-01-022-robot-ids-kept.ts';
import * as totalNewestDay from './2026-12-02-023-total-newest-day.ts';
import * as outboxTextKept from './2026-12-02-024-outbox-text-kept.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-23-001-core': core,
  '2026-11-23-002-outbox': outbox,
  '2026-11-23-003-board': board,
  '2026-11-23-004-lapse': lapse,
  '2026-11-23-005-outbox-channel': outboxChannel,
  '2026-12-01-006-campaign-floor': campaignFloor,
  '2026-12-01-007-personal-data-at-rest': personalDataAtRest,
  '2026-12-01-008-grant-origin': grantOrigin,
  '2026-12-01-011-robots': robots,
  '2026-12-01-012-official': official,
  '2026-12-01-013-named-people': namedPeople,
  '2026-12-01-014-delivery': delivery,
  '2026-12-01-015-chart-png': chartPng,
  '2026-12-01-016-total-shards': totalShards,
  '2026-12-01-017-robot-window': robotWindow,
  '2026-12-01-018-lapse-indexes': lapseIndexes,
  '2026-12-01-021-board-standings-json': boardStandingsJson,
  '2026-12-01-022-robot-ids-kept': robotIdsKept,
  '2026-12-02-023-total-newest-day': totalNewestDay,
  '2026-12-02-024-outbox-text-kept': outboxTextKept,
};
