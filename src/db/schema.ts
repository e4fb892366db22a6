/**
 * The typed shape of the database, as Kysely sees it. One interface per
 * table; instants are ISO-8601 UTC strings, business dates `YYYY-MM-DD`.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

import type { AreaKind } from '../domain/area-name.ts';
import type { Role } from '../domain/permissions.ts';
import type { FigureSource } from '../domain/reconcile.ts';

export type { AreaKind, FigureSource, Role };

export interface AreaTable {
  id: Generated<number>;
  parent_id: number | null;
  name: string;
  kind: AreaKind;
  path: string;
  created_at: string;
}

export interface CampaignTable {
  id: Generated<number>;
  name: string;
  start_date: string;
  deadline: string;
  premium_fen: number;
  /** The lowest amount a person may be logged with; null: a tenth of the premium. */
  floor_fen: number | null;
  time_zone: string;
  is_current: number;
  created_at: string;
  /** Which figures rank the board; null: `reported` until the first official import, which sets `official`. */
  source: Generated<FigureSource | null>;
  /** How far (basis points of the official figure) a report may exceed it before it is marked 待核实; null: 200. */
  verify_margin_bp: Generated<number | null>;
  /** …and by how many people at least; null: 50. */
  verify_margin_people: Generated<number | null>;
  /** 表扬 for a rate at least this many points above the time-elapsed benchmark; null: no praise line. */
  praise_points: Generated<number | null>;
  /** 通报 for this many of the last that are behind the benchmark; null: no criticism line. */
  criticize_bottom: Generated<number | null>;
}

export interface TargetTable {
  campaign_id: number;
  area_id: number;
  people: number;
}

export interface MemberTable {
  id: Generated<number>;
  name: string;
  locale: string | null;
  created_at: string;
}

export interface IdentityTable {
  platform: string;
  external_id: string;
  member_id: number;
}


/**
 * Where a grant came from: `chat` (the `grant` command), `config` (an admin
 * listed in ENROLLBOT_ADMINS: removed at the next start once unlisted) or
 * `console` (the local console's own admin).
 */
export type GrantOrigin = 'chat' | 'config' | 'console';

export interface RoleGrantTable {
  id: Generated<number>;
  member_id: number;
  role: Role;
  area_id: number;
  created_at: string;
  origin: Generated<GrantOrigin>;
}

export type BindingKind = 'leaders' | 'township';

export interface ChannelBindingTable {
  platform: string;
  channel_id: string;
  channel_name: string | null;
  kind: BindingKind;
  area_id: number;
  created_at: string;
}

/** `total`: the difference a reported cumulative figure (`total`) made; may be negative. */
export type EntryKind = 'payment' | 'reversal' | 'total';

export interface LedgerEntryTable {
  id: Generated<number>;
  campaign_id: number;
  area_id: number;
  kind: EntryKind;
  people: number;
  amount_fen: number;
  reverses_id: number | null;
  reason: string | null;
  note: string | null;
  member_id: number;
  platform: string;
  channel_id: string;
  source_key: string | null;
  business_date: string;
  recorded_at: string;
}

export interface AreaTotalTable {
  campaign_id: number;
  area_id: number;
  people: number;
  amount_fen: number;
  entries: number;
  /**
   * The newest business day an entry moved this row on, and that day's
   * people: the row's `area_day` of that day, kept beside the total so a
   * board reads "today" from the same row. Null before any entry.
   */
  day: ColumnType<string | null, string | null | undefined, string | null>;
  day_people: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface AreaDayTable {
  campaign_id: number;
  area_id: number;
  business_date: string;
  people: number;
  amount_fen: number;
}

/**
 * A shard of an area's running total: what one process's pays added to an
 * area above their township (PostgreSQL only). An area's total is its
 * `area_total` row plus all its shards.
 */
export interface AreaTotalShardTable {
  campaign_id: number;
  area_id: number;
  shard: number;
  people: number;
  amount_fen: number;
  entries: number;
}

/** A shard of an area's increment of a day; added to its `area_day` row as `AreaTotalShardTable` is. */
export interface AreaDayShardTable {
  campaign_id: number;
  area_id: number;
  business_date: string;
  shard: number;
  people: number;
  amount_fen: number;
}

export interface InboundMessageTable {
  source_key: string;
  reply: string;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  member_id: number | null;
  platform: string;
  channel_id: string;
  action: string;
  detail: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface OutboxTable {
  id: Generated<number>;
  platform: string;
  channel_id: string;
  reply: string;
  image: string | null;
  dedupe_key: string;
  created_at: string;
  next_attempt_at: string;
  attempts: Generated<number>;
  delivered_at: string | null;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  /** Given up after too many attempts (a dead letter): never tried again until resent. */
  dead_at: string | null;
  /** When the admins were told of this dead letter. */
  dead_notified_at: string | null;
}

/** A platform's delivery token bucket and 429 pause, shared by every replica (ISO times). */
export interface OutboxPlatformTable {
  platform: string;
  milli_tokens: number;
  refilled_at: string;
  paused_until: string | null;
  version: Generated<number>;
}

/** A channel's delivery pacing, shared by every replica's worker (ISO times). */
export interface OutboxChannelTable {
  platform: string;
  channel_id: string;
  next_at: string;
  held_by: string | null;
  held_until: string | null;
}

/**
 * One request to a channel paced by a rate window (a group robot): when the
 * app counted it at the latest (ISO), for every replica to count the same.
 */
export interface OutboxSendTable {
  id: Generated<number>;
  platform: string;
  channel_id: string;
  outbox_id: number;
  at: string;
  /** 0 while unanswered (`at` is the claim's lease end), 1 once answered. */
  answered: Generated<number>;
}

export type BoardPostKind = 'scheduled' | 'manual';

export interface BoardPostTable {
  id: Generated<number>;
  campaign_id: number;
  area_id: number;
  seq: number;
  business_date: string;
  slot: string;
  kind: BoardPostKind;
  late: number;
  as_of: string;
  enrolled: number;
  target: number;
  today: number;
  amount_fen: number;
  created_at: string;
  /**
   * The standings as posted, `[[area, rank, enrolled, target, today, fen], …]`
   * (JSON); null for posts stored before, whose standings are board_standing rows.
   */
  standings: string | null;
}

export interface BoardStandingTable {
  post_id: number;
  area_id: number;
  rank: number;
  enrolled: number;
  target: number;
  today: number;
  amount_fen: number;
}

export interface JobClaimTable {
  job: string;
  area_id: number;
  business_date: string;
  claimed_at: string;
  claimed_by: string;
  expires_at: string;
  done_at: string | null;
}

export type ContributorKind = 'employer' | 'flexible';

/** A contributor, known by the keyed hash of their ID number. */
export interface LapsePersonTable {
  id: Generated<number>;
  id_hash: string;
  id_masked: string;
  /** Older versions' clear name and phone: sealed into `contact` and emptied at start; always null since. */
  name: string | null;
  phone: string | null;
  /** Name and phone sealed together (`domain/pii-seal.ts`); null for a person not on the roster. */
  contact: string | null;
  /** What is shown: `张*三`, `138****5678`. */
  name_masked: string | null;
  phone_masked: string | null;
  area_id: number | null;
  kind: ContributorKind | null;
  employer: string | null;
  cadre_member_id: number | null;
  cadre_text: string | null;
  last_paid_month: string | null;
  created_at: string;
  updated_at: string;
  /** 参保状态; null when the roster does not say (screened as paying). */
  insured_status: InsuredStatus | null;
  /** 1 for a 帮扶对象 (a person under poverty-prevention support). */
  supported: Generated<number>;
  /** 特困、低保、脱贫人口、监测对象…, as the roster writes it. */
  special_category: string | null;
}

/**
 * A contributor's 参保状态. Only `active`, `flexible` and unknown are
 * screened: a retiree has stopped paying by right, the others pay elsewhere
 * or no longer at all.
 */
export type InsuredStatus = 'active' | 'retired' | 'flexible' | 'resident' | 'elsewhere' | 'deceased';

/** A campaign's named list: special groups (100 % floor) or the 包户到人 unpaid residents. */
export type NamedList = 'special' | 'unpaid';

/** A named person of a campaign list; their unpaid state is worked as a case (`lapse_case.kind`). */
export interface NamedPersonTable {
  id: Generated<number>;
  list: NamedList;
  campaign_id: number;
  id_hash: string;
  id_masked: string;
  /** Name and phone sealed together (`domain/pii-seal.ts`). */
  contact: string;
  name_masked: string;
  phone_masked: string | null;
  area_id: number;
  village: string | null;
  category: string | null;
  cadre_member_id: number | null;
  cadre_text: string | null;
  paid: Generated<number>;
  listed: Generated<number>;
  seen_at: string;
  created_at: string;
  updated_at: string;
}

export interface LapseContributionTable {
  person_id: number;
  month: string;
  amount_fen: number;
  imported_at: string;
}

export type LapseCaseStatus = 'open' | 'closed';

/** What a case is about: a lapsed contribution, or a named person of a campaign list still unpaid. */
export type CaseKind = 'lapse' | NamedList;

export interface LapseCaseTable {
  id: Generated<number>;
  person_id: number;
  area_id: number;
  last_paid_month: string;
  first_missing_month: string;
  months_lapsed: number;
  stage: number;
  scan_month: string;
  status: LapseCaseStatus;
  close_reason: string | null;
  paused_until: string | null;
  last_reminded_at: string | null;
  last_followup_at: string | null;
  opened_at: string;
  updated_at: string;
  closed_at: string | null;
  kind: Generated<CaseKind>;
  /** The list entry of a named case; null for a lapse. */
  named_id: number | null;
}

export interface LapseFollowupTable {
  id: Generated<number>;
  case_id: number;
  outcome: string;
  note: string | null;
  member_id: number | null;
  platform: string;
  channel_id: string;
  at: string;
}

/** A group robot's app. */
export type RobotApp = 'wecom' | 'dingtalk' | 'feishu';

/** `ok`, or `failing` when its app said the robot itself is wrong (bad key, signature, removed). */
export type RobotStatus = 'ok' | 'failing';

/** A push-only group robot bound to a place like a channel (`R<id>`); its URL and secret sealed. */
export interface RobotTable {
  id: Generated<number>;
  app: RobotApp;
  url_sealed: string;
  url_digest: string;
  url_hint: string;
  secret_sealed: string | null;
  kind: BindingKind;
  area_id: number;
  status: Generated<RobotStatus>;
  problem: string | null;
  failing_since: string | null;
  created_at: string;
  created_by: number | null;
}

/** A chart queued for group robots, stored once however many robots get it. */
export interface RobotImageTable {
  id: Generated<number>;
  digest: string;
  /** The chart's SVG; the first sender draws it. */
  svg: string;
  /** Its drawing, stored by the first sender (null until then). */
  png: Uint8Array | null;
  created_at: string;
}

/** One import of official figures that changed something. */
export interface OfficialImportTable {
  id: Generated<number>;
  campaign_id: number;
  file: string;
  rows: number;
  member_id: number | null;
  platform: string;
  imported_at: string;
}

/** An area's official figure as of a date; append-only, the newest row of an (area, date) wins. */
export interface OfficialSnapshotTable {
  id: Generated<number>;
  import_id: number;
  campaign_id: number;
  area_id: number;
  as_of: string;
  people: number;
  amount_fen: number | null;
}

/** Every table enrollbot owns. */
export interface Database {
  area: AreaTable;
  campaign: CampaignTable;
  target: TargetTable;
  member: MemberTable;
  identity: IdentityTable;
  role_grant: RoleGrantTable;
  channel_binding: ChannelBindingTable;
  ledger_entry: LedgerEntryTable;
  area_total: AreaTotalTable;
  area_day: AreaDayTable;
  area_total_shard: AreaTotalShardTable;
  area_day_shard: AreaDayShardTable;
  inbound_message: InboundMessageTable;
  audit_log: AuditLogTable;
  setting: SettingTable;
  outbox: OutboxTable;
  outbox_channel: OutboxChannelTable;
  outbox_platform: OutboxPlatformTable;
  outbox_send: OutboxSendTable;
  board_post: BoardPostTable;
  board_standing: BoardStandingTable;
  job_claim: JobClaimTable;
  lapse_person: LapsePersonTable;
  lapse_contribution: LapseContributionTable;
  lapse_case: LapseCaseTable;
  lapse_followup: LapseFollowupTable;
  named_person: NamedPersonTable;
  robot: RobotTable;
  robot_image: RobotImageTable;
  official_import: OfficialImportTable;
  official_snapshot: OfficialSnapshotTable;
}

export type Area = Selectable<AreaTable>;
export type Campaign = Selectable<CampaignTable>;
export type ChannelBinding = Selectable<ChannelBindingTable>;
export type LedgerEntry = Selectable<LedgerEntryTable>;
export type BoardPost = Selectable<BoardPostTable>;
export type Robot = Selectable<RobotTable>;
