/**
 * Registering `/enroll` with Discord: a bulk overwrite (PUT) of the
 * application's commands, in one guild when `DISCORD_GUILD_ID` is set (shows
 * at once; for trying out) or globally otherwise.
 */
import { createHash } from 'node:crypto';
import { REST, Routes } from 'discord.js';
import type { AnyCommand } from '../../core/command.ts';
import { buildSlashCommands } from './slash-commands.ts';

/** Where Discord's REST API is and how to sign in to it. */
export interface DiscordRestConfig {
  token: string;
  appId: string;
  guildId: string | null;
  /** Overrides the REST base (`https://discord.com/api`), for tests. */
  apiUrl: string | null;
}

/** REST options pointing at the configured API base, if any (`…/api`, no version, no trailing slash). */
export function apiOptions(apiUrl: string | null): { api?: string } {
  return apiUrl ? { api: apiUrl.replace(/\/+$/, '') } : {};
}

/** A REST client for the configured API; `strictRateLimits` rejects instead of queuing. */
export function createRest(config: DiscordRestConfig, strictRateLimits = false): REST {
  return new REST({
    ...apiOptions(config.apiUrl),
    // The outbox owns waiting: a 429 must reach it as an error, not be slept through here.
    ...(strictRateLimits ? { rejectOnRateLimit: () => true } : {}),
  }).setToken(config.token);
}

/** What a deployment did. */
export interface DeployResult {
  scope: 'guild' | 'global';
  names: string[];
}

/** Overwrites the registered commands with those generated from the declarations. */
export async function deployCommands(rest: REST, config: DiscordRestConfig, commands: readonly AnyCommand[]): Promise<DeployResult> {
  const body = buildSlashCommands(commands);
  const route = config.guildId ? Routes.applicationGuildCommands(config.appId, config.guildId) : Routes.applicationCommands(config.appId);
  await rest.put(route, { body });
  return { scope: config.guildId ? 'guild' : 'global', names: body.map((c) => c.name) };
}

/** Where the hash of the registered commands is kept (one per application and guild, or global). */
export function registrationKey(config: DiscordRestConfig): string {
  return `discord.commands:${config.appId}:${config.guildId ?? 'global'}`;
}

/** A digest of the commands' definition: equal digests, nothing to register again. */
export function commandsHash(commands: readonly AnyCommand[]): string {
  return createHash('sha256').update(JSON.stringify(buildSlashCommands(commands))).digest('hex');
}
