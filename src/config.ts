/**
 * Configuration from the environment (and `.env`), validated once at start.
 * Every problem is reported at once, one line each; secrets are never echoed.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnrollbotError } from './core/errors.ts';
import { isValidTimeZone } from './domain/calendar.ts';
import { toLocale, type Locale } from './i18n/index.ts';
import type { LogFormat, LogLevel } from './core/logger.ts';
import { defaultKeyDir, PII_KEY_MIN_LENGTH } from './setup/pii-key.ts';

export interface BoardTime {
  hour: number;
  minute: number;
}

export interface Config {
  databaseUrl: string;
  /** A new database starts with the demo district (console mode only). */
  demo: boolean;
  areaName: string;
  /** What the root area is: a district (default) or a city whose children are districts. */
  areaKind: 'district' | 'city';
  locale: Locale;
  /**
   * `ENROLLBOT_TZ` when set: the zone a new database's campaign starts in.
   * Afterwards the campaign's own zone governs (`campaign zone` changes it);
   * a different value here is only warned about at start. Null: not set.
   */
  timeZone: string | null;
  boardAt: BoardTime[];
  /** At start, a board time that passed within this many hours is posted late, once. */
  boardGraceHours: number;
  /**
   * How long a post stays claimed by the replica sending it: if that replica
   * dies mid-send, another one sends the post once this much time has passed.
   */
  outboxLeaseMs: number;
  /** The nightly SQLite backup: when (campaign zone), how many to keep, where (default: `backups/` beside the database). */
  backup: { at: BoardTime; keep: number; dir: string | null };
  admins: { platform: string; externalId: string }[];
  /** `ENROLLBOT_PII_KEY`: the personal-data key, at least 32 characters; null to use a generated one in `keyDir`. */
  piiKey: string | null;
  /**
   * `ENROLLBOT_DATA_DIR`: where files the bot writes besides the database go
   * (the console's charts). Null: the SQLite database's folder, or on
   * PostgreSQL `~/.local/share/enrollbot` (see `dataFolder`).
   */
  dataDir: string | null;
  /** `ENROLLBOT_KEY_DIR`: where a generated personal-data key is kept (default `~/.config/enrollbot`), never beside the database. */
  keyDir: string;
  /**
   * `ENROLLBOT_DEDUPE_DAYS`: how long the reply to a handled message is kept
   * to answer a platform's retry of it; older ones are deleted.
   */
  dedupeDays: number;
  logLevel: LogLevel;
  /** `LOG_FORMAT` when set; null: the program's default (JSON for the bot, text for the CLI). */
  logFormat: LogFormat | null;
  /**
   * `PORT`, when set: where the HTTP server listens. Slack in HTTP mode takes
   * Slack's requests and `/healthz` on it; otherwise it serves `/healthz` alone.
   */
  port: number | null;
  slack: { botToken: string; appToken: string | null; signingSecret: string | null; port: number; apiUrl: string | null } | null;
  discord: { token: string; appId: string; guildId: string | null; apiUrl: string | null } | null;
}

/** The zone a new campaign starts in when `ENROLLBOT_TZ` is not set. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The zone a new database's campaign is seeded with: `ENROLLBOT_TZ`, else Asia/Shanghai. */
export function seedTimeZone(config: Pick<Config, 'timeZone'>): string {
  return config.timeZone ?? DEFAULT_TIME_ZONE;
}

/** Parses `HH:MM[,HH:MM]`; null when any part is not a real time of day. */
export function parseBoardTimes(text: string): BoardTime[] | null {
  const out: BoardTime[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(part);
    if (!m) return null;
    const hour = Number(m[1]);
    const minute = Number(m[2]);
    if (hour > 23 || minute > 59) return null;
    out.push({ hour, minute });
  }
  return out.length ? out : null;
}

/**
 * The folder for files the bot writes (charts): `ENROLLBOT_DATA_DIR`, else
 * beside the SQLite database, else (PostgreSQL) the user's data folder; never
 * wherever the bot happened to be started.
 */
export function dataFolder(config: Pick<Config, 'dataDir'>, databaseFile: string | undefined): string {
  if (config.dataDir) return config.dataDir;
  if (databaseFile) return dirname(databaseFile);
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'enrollbot');
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const get = (k: string) => {
    const v = env[k]?.trim();
    return v ? v : undefined;
  };

  const databaseUrl = get('DATABASE_URL') ?? 'sqlite:data/enrollbot.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    problems.push('DATABASE_URL must be sqlite:<path> or postgres://user:password@host/db');
  }
  const demoRaw = get('ENROLLBOT_DEMO') ?? '1';
  if (!['0', '1'].includes(demoRaw)) problems.push('ENROLLBOT_DEMO must be 0 or 1');
  const localeRaw = get('ENROLLBOT_LOCALE') ?? 'zh-CN';
  const locale = localeRaw === 'zh-CN' || localeRaw === 'en' ? (localeRaw as Locale) : toLocale(localeRaw);
  if (!locale) problems.push(`ENROLLBOT_LOCALE must be zh-CN or en (got "${localeRaw}")`);
  const timeZone = get('ENROLLBOT_TZ') ?? null;
  if (timeZone !== null && !isValidTimeZone(timeZone)) problems.push(`ENROLLBOT_TZ "${timeZone}" is not a time zone (e.g. Asia/Shanghai)`);
  const boardAtRaw = get('ENROLLBOT_BOARD_AT') ?? '18:00';
  const boardAt = parseBoardTimes(boardAtRaw);
  if (!boardAt) problems.push(`ENROLLBOT_BOARD_AT "${boardAtRaw}" must be HH:MM or HH:MM,HH:MM (24-hour)`);
  const backupAtRaw = get('ENROLLBOT_BACKUP_AT') ?? '02:30';
  const backupAt = parseBoardTimes(backupAtRaw);
  if (!backupAt || backupAt.length !== 1) problems.push(`ENROLLBOT_BACKUP_AT "${backupAtRaw}" must be one HH:MM (24-hour)`);
  const keepRaw = get('ENROLLBOT_BACKUP_KEEP') ?? '14';
  const backupKeep = Number(keepRaw);
  if (!/^\d+$/.test(keepRaw) || backupKeep > 3650) problems.push(`ENROLLBOT_BACKUP_KEEP "${keepRaw}" must be a number of copies from 0 (no nightly backup) to 3650`);
  const graceRaw = get('ENROLLBOT_BOARD_GRACE_HOURS') ?? '6';
  const boardGraceHours = Number(graceRaw);
  if (!/^\d+(\.\d+)?$/.test(graceRaw) || boardGraceHours > 24) {
    problems.push(`ENROLLBOT_BOARD_GRACE_HOURS "${graceRaw}" must be a number of hours from 0 to 24`);
  }
  const leaseRaw = get('ENROLLBOT_OUTBOX_LEASE_SECONDS') ?? '300';
  const leaseSeconds = Number(leaseRaw);
  if (!/^\d+$/.test(leaseRaw) || leaseSeconds < 2 || leaseSeconds > 3600) {
    problems.push(`ENROLLBOT_OUTBOX_LEASE_SECONDS "${leaseRaw}" must be a number of seconds from 2 to 3600`);
  }
  const admins: Config['admins'] = [];
  for (const item of (get('ENROLLBOT_ADMINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(slack|discord|console):(.+)$/.exec(item);
    if (m) admins.push({ platform: m[1]!, externalId: m[2]! });
    else problems.push(`ENROLLBOT_ADMINS: "${item}" must be platform:id, e.g. slack:U123 or discord:456`);
  }
  const areaKind = get('ENROLLBOT_AREA_KIND') ?? 'district';
  if (areaKind !== 'district' && areaKind !== 'city') problems.push('ENROLLBOT_AREA_KIND must be district or city');
  const piiKey = get('ENROLLBOT_PII_KEY') ?? null;
  if (piiKey !== null && piiKey.length < PII_KEY_MIN_LENGTH) {
    problems.push(`ENROLLBOT_PII_KEY must be at least ${PII_KEY_MIN_LENGTH} characters (e.g. the output of: openssl rand -hex 32); unset, a key is generated in ENROLLBOT_KEY_DIR`);
  }
  const dedupeRaw = get('ENROLLBOT_DEDUPE_DAYS') ?? '7';
  const dedupeDays = Number(dedupeRaw);
  if (!/^\d+$/.test(dedupeRaw) || dedupeDays < 1 || dedupeDays > 90) {
    problems.push(`ENROLLBOT_DEDUPE_DAYS "${dedupeRaw}" must be a number of days from 1 to 90`);
  }
  const logLevel = (get('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) problems.push('LOG_LEVEL must be debug, info, warn, error or silent');
  const logFormatRaw = get('LOG_FORMAT');
  if (logFormatRaw !== undefined && logFormatRaw !== 'json' && logFormatRaw !== 'text') problems.push(`LOG_FORMAT "${logFormatRaw}" must be json or text`);
  const portRaw = get('PORT');
  const port = portRaw === undefined ? null : Number(portRaw);
  if (port !== null && (!/^\d+$/.test(portRaw!) || port > 65535)) problems.push(`PORT "${portRaw}" must be a port number (0 to 65535)`);

  let slack: Config['slack'] = null;
  const slackToken = get('SLACK_BOT_TOKEN');
  if (slackToken) {
    const appToken = get('SLACK_APP_TOKEN') ?? null;
    const signingSecret = get('SLACK_SIGNING_SECRET') ?? null;
    if (!appToken && !signingSecret) problems.push('SLACK_BOT_TOKEN is set: also set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)');
    // HTTP mode listens on 3000 when PORT is not set.
    slack = { botToken: slackToken, appToken, signingSecret, port: port ?? 3000, apiUrl: get('SLACK_API_URL') ?? null };
  } else if (get('SLACK_APP_TOKEN') || get('SLACK_SIGNING_SECRET')) {
    problems.push('SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN');
  }
  let discord: Config['discord'] = null;
  const discordToken = get('DISCORD_TOKEN');
  if (discordToken) {
    const appId = get('DISCORD_APP_ID');
    if (!appId) problems.push('DISCORD_TOKEN is set: also set DISCORD_APP_ID (the application id)');
    discord = { token: discordToken, appId: appId ?? '', guildId: get('DISCORD_GUILD_ID') ?? null, apiUrl: get('DISCORD_API_URL') ?? null };
  }

  if (problems.length) {
    throw new EnrollbotError('config_invalid', `configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    databaseUrl,
    demo: demoRaw === '1',
    areaName: get('ENROLLBOT_AREA') ?? '本区',
    areaKind: areaKind as Config['areaKind'],
    locale: locale!,
    timeZone,
    boardAt: boardAt!,
    boardGraceHours,
    outboxLeaseMs: leaseSeconds * 1000,
    backup: { at: backupAt?.[0] ?? { hour: 2, minute: 30 }, keep: backupKeep, dir: get('ENROLLBOT_BACKUP_DIR') ?? null },
    admins,
    piiKey,
    keyDir: get('ENROLLBOT_KEY_DIR') ?? defaultKeyDir(),
    dedupeDays,
    dataDir: get('ENROLLBOT_DATA_DIR') ?? null,
    logLevel,
    logFormat: (logFormatRaw as LogFormat | undefined) ?? null,
    port,
    slack,
    discord,
  };
}
