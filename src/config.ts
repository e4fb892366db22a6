/**
 * Configuration from the environment (and `.env`), validated once at start.
 * Every problem is reported at once, one line each, naming the variable and
 * saying what to write; secrets are never echoed. Checked with zod schemas.
 */
import { homedir } from 'node:os';
import { z } from 'zod';
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
  /** Failed attempts after which a post is dead-lettered (admins told, `npm run cli -- outbox` resends). */
  outboxMaxAttempts: number;
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
   * to answer a platform's retry of it, and the text of a delivered post;
   * older ones are deleted.
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

/**
 * An environment variable as the schemas see it: trimmed, and absent when
 * empty, so that `PORT=` in `.env` means "not set" as it always did.
 */
function variable<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() ? v.trim() : undefined), schema);
}

/** A whole number from `min` to `max`, written as digits; the message names the variable and says what to write. */
function count(name: string, fallback: string, min: number, max: number, what: string) {
  return variable(
    z
      .string()
      .default(fallback)
      .refine((v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max, { error: (i) => `${name} "${String(i.input)}" must be ${what}` })
      .transform(Number),
  );
}

/** One of a few words; `message` names the variable and lists them. */
function oneOf<const W extends readonly [string, ...string[]]>(words: W, fallback: W[number], message: string) {
  return variable(z.enum(words, { error: message }).default(fallback));
}

/**
 * Each variable is checked on its own, so every problem is reported at once.
 * zod rather than valibot: both would do; zod is the one most TypeScript
 * developers already read, its `error` callbacks see the input (our messages
 * quote it), and valibot's advantage, bundle size, buys nothing on a server.
 */
const settingsSchema = z.object({
  DATABASE_URL: variable(
    z
      .string()
      .default('sqlite:data/enrollbot.db')
      .refine((v) => /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(v), { error: 'DATABASE_URL must be sqlite:<path> or postgres://user:password@host/db' }),
  ),
  ENROLLBOT_DEMO: oneOf(['0', '1'], '1', 'ENROLLBOT_DEMO must be 0 or 1').transform((v) => v === '1'),
  ENROLLBOT_AREA: variable(z.string().default('本区')),
  ENROLLBOT_AREA_KIND: oneOf(['district', 'city'], 'district', 'ENROLLBOT_AREA_KIND must be district or city'),
  ENROLLBOT_LOCALE: variable(
    z
      .string()
      .default('zh-CN')
      .transform((v, ctx): Locale => {
        const locale = v === 'zh-CN' || v === 'en' ? v : toLocale(v);
        if (locale) return locale;
        ctx.addIssue({ code: 'custom', message: `ENROLLBOT_LOCALE must be zh-CN or en (got "${v}")` });
        return z.NEVER;
      }),
  ),
  ENROLLBOT_TZ: variable(
    z
      .string()
      .refine(isValidTimeZone, { error: (i) => `ENROLLBOT_TZ "${String(i.input)}" is not a time zone (e.g. Asia/Shanghai)` })
      .optional()
      .transform((v) => v ?? null),
  ),
  ENROLLBOT_BOARD_AT: variable(
    z
      .string()
      .default('18:00')
      .transform((v, ctx) => {
        const times = parseBoardTimes(v);
        if (times) return times;
        ctx.addIssue({ code: 'custom', message: `ENROLLBOT_BOARD_AT "${v}" must be HH:MM or HH:MM,HH:MM (24-hour)` });
        return z.NEVER;
      }),
  ),
  ENROLLBOT_BOARD_GRACE_HOURS: variable(
    z
      .string()
      .default('6')
      .refine((v) => /^\d+(\.\d+)?$/.test(v) && Number(v) <= 24, {
        error: (i) => `ENROLLBOT_BOARD_GRACE_HOURS "${String(i.input)}" must be a number of hours from 0 to 24`,
      })
      .transform(Number),
  ),
  ENROLLBOT_OUTBOX_LEASE_SECONDS: count('ENROLLBOT_OUTBOX_LEASE_SECONDS', '300', 2, 3600, 'a number of seconds from 2 to 3600'),
  ENROLLBOT_OUTBOX_MAX_ATTEMPTS: count('ENROLLBOT_OUTBOX_MAX_ATTEMPTS', '8', 1, 100, 'a whole number from 1 to 100'),
  ENROLLBOT_BACKUP_AT: variable(
    z
      .string()
      .default('02:30')
      .transform((v, ctx): BoardTime => {
        const [time, ...more] = parseBoardTimes(v) ?? [];
        if (time && more.length === 0) return time;
        ctx.addIssue({ code: 'custom', message: `ENROLLBOT_BACKUP_AT "${v}" must be one HH:MM (24-hour)` });
        return z.NEVER;
      }),
  ),
  ENROLLBOT_BACKUP_KEEP: count('ENROLLBOT_BACKUP_KEEP', '14', 0, 3650, 'a number of copies from 0 (no nightly backup) to 3650'),
  ENROLLBOT_BACKUP_DIR: variable(z.string().optional()),
  ENROLLBOT_ADMINS: variable(
    z
      .string()
      .default('')
      .transform((v, ctx) => {
        const admins: Config['admins'] = [];
        for (const item of v.split(',').map((s) => s.trim()).filter(Boolean)) {
          const m = /^(slack|discord|console):(.+)$/.exec(item);
          if (m?.[1] && m[2]) admins.push({ platform: m[1], externalId: m[2] });
          else ctx.addIssue({ code: 'custom', message: `ENROLLBOT_ADMINS: "${item}" must be platform:id, e.g. slack:U123 or discord:456` });
        }
        return admins;
      }),
  ),
  ENROLLBOT_PII_KEY: variable(
    z
      .string()
      .min(PII_KEY_MIN_LENGTH, {
        error: `ENROLLBOT_PII_KEY must be at least ${PII_KEY_MIN_LENGTH} characters (e.g. the output of: openssl rand -hex 32); unset, a key is generated in ENROLLBOT_KEY_DIR`,
      })
      .optional(),
  ),
  ENROLLBOT_KEY_DIR: variable(z.string().optional()),
  ENROLLBOT_DATA_DIR: variable(z.string().optional()),
  ENROLLBOT_DEDUPE_DAYS: count('ENROLLBOT_DEDUPE_DAYS', '7', 1, 90, 'a number of days from 1 to 90'),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error', 'silent'], 'info', 'LOG_LEVEL must be debug, info, warn, error or silent'),
  LOG_FORMAT: variable(z.enum(['json', 'text'], { error: (i) => `LOG_FORMAT "${String(i.input)}" must be json or text` }).optional()),
  PORT: variable(
    z
      .string()
      .refine((v) => /^\d+$/.test(v) && Number(v) <= 65535, { error: (i) => `PORT "${String(i.input)}" must be a port number (0 to 65535)` })
      .transform(Number)
      .optional(),
  ),
});

/**
 * The chat platforms: which of their variables go together. Plain strings
 * that cannot fail alone, checked apart from the settings so that a
 * platform problem is reported beside a bad setting, not after it is fixed.
 */
const platformsSchema = z
  .object({
    SLACK_BOT_TOKEN: variable(z.string().optional()),
    SLACK_APP_TOKEN: variable(z.string().optional()),
    SLACK_SIGNING_SECRET: variable(z.string().optional()),
    SLACK_API_URL: variable(z.string().optional()),
    DISCORD_TOKEN: variable(z.string().optional()),
    DISCORD_APP_ID: variable(z.string().optional()),
    DISCORD_GUILD_ID: variable(z.string().optional()),
    DISCORD_API_URL: variable(z.string().optional()),
  })
  .superRefine((v, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (v.SLACK_BOT_TOKEN && !v.SLACK_APP_TOKEN && !v.SLACK_SIGNING_SECRET) {
      problem('SLACK_BOT_TOKEN is set: also set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)');
    }
    if (!v.SLACK_BOT_TOKEN && (v.SLACK_APP_TOKEN || v.SLACK_SIGNING_SECRET)) problem('SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN');
    if (v.DISCORD_TOKEN && !v.DISCORD_APP_ID) problem('DISCORD_TOKEN is set: also set DISCORD_APP_ID (the application id)');
  });

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const settings = settingsSchema.safeParse(env);
  const platforms = platformsSchema.safeParse(env);
  if (!settings.success || !platforms.success) {
    const problems = [...(settings.error?.issues ?? []), ...(platforms.error?.issues ?? [])].map((i) => i.message);
    throw new EnrollbotError('config_invalid', `configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const v = settings.data;
  const p = platforms.data;
  const port = v.PORT ?? null;
  return {
    databaseUrl: v.DATABASE_URL,
    demo: v.ENROLLBOT_DEMO,
    areaName: v.ENROLLBOT_AREA,
    areaKind: v.ENROLLBOT_AREA_KIND,
    locale: v.ENROLLBOT_LOCALE,
    timeZone: v.ENROLLBOT_TZ,
    boardAt: v.ENROLLBOT_BOARD_AT,
    boardGraceHours: v.ENROLLBOT_BOARD_GRACE_HOURS,
    outboxLeaseMs: v.ENROLLBOT_OUTBOX_LEASE_SECONDS * 1000,
    outboxMaxAttempts: v.ENROLLBOT_OUTBOX_MAX_ATTEMPTS,
    backup: { at: v.ENROLLBOT_BACKUP_AT, keep: v.ENROLLBOT_BACKUP_KEEP, dir: v.ENROLLBOT_BACKUP_DIR ?? null },
    admins: v.ENROLLBOT_ADMINS,
    piiKey: v.ENROLLBOT_PII_KEY ?? null,
    keyDir: v.ENROLLBOT_KEY_DIR ?? defaultKeyDir(),
    dedupeDays: v.ENROLLBOT_DEDUPE_DAYS,
    dataDir: v.ENROLLBOT_DATA_DIR ?? null,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT ?? null,
    port,
    // HTTP mode listens on 3000 when PORT is not set.
    slack: p.SLACK_BOT_TOKEN
      ? {
          botToken: p.SLACK_BOT_TOKEN,
          appToken: p.SLACK_APP_TOKEN ?? null,
          signingSecret: p.SLACK_SIGNING_SECRET ?? null,
          port: port ?? 3000,
          apiUrl: p.SLACK_API_URL ?? null,
        }
      : null,
    discord: p.DISCORD_TOKEN
      ? { token: p.DISCORD_TOKEN, appId: p.DISCORD_APP_ID ?? '', guildId: p.DISCORD_GUILD_ID ?? null, apiUrl: p.DISCORD_API_URL ?? null }
      : null,
  };
}
