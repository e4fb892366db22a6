import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('ENROLLBOT_OUTBOX_LEASE_SECONDS: 300 s by default, a number of seconds from 2 to 3600', () => {
    expect(loadConfig({}).outboxLeaseMs).toBe(300_000);
    expect(loadConfig({ ENROLLBOT_OUTBOX_LEASE_SECONDS: '30' }).outboxLeaseMs).toBe(30_000);
    for (const bad of ['0', '1', '5m', '-3', '3601']) {
      expect(() => loadConfig({ ENROLLBOT_OUTBOX_LEASE_SECONDS: bad })).toThrow(`ENROLLBOT_OUTBOX_LEASE_SECONDS "${bad}" must be a number of seconds from 2 to 3600`);
    }
  });
});

describe('configuration problems', () => {
  it('are all reported at once, one line each, naming the variable and what to write', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'http', ENROLLBOT_DEMO: 'yes', ENROLLBOT_ADMINS: 'slack:U1,bob', LOG_LEVEL: 'loud', SLACK_APP_TOKEN: 'xapp-1', ENROLLBOT_TZ: 'Beijing' });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('configuration problems:');
    expect(lines.slice(1).sort()).toEqual(
      [
        '  - ENROLLBOT_DEMO must be 0 or 1',
        '  - ENROLLBOT_TZ "Beijing" is not a time zone (e.g. Asia/Shanghai)',
        '  - ENROLLBOT_ADMINS: "bob" must be platform:id, e.g. slack:U123 or discord:456',
        '  - LOG_LEVEL must be debug, info, warn, error or silent',
        '  - PORT "http" must be a port number (0 to 65535)',
        '  - SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN',
      ].sort(),
    );
  });

  it('never echo a secret', () => {
    expect(() => loadConfig({ ENROLLBOT_PII_KEY: 'secret-but-short' })).toThrow(/ENROLLBOT_PII_KEY must be at least 32 characters/);
    expect(() => loadConfig({ ENROLLBOT_PII_KEY: 'secret-but-short' })).not.toThrow(/secret-but-short/);
  });

  it('gives every variable its default when unset or blank', () => {
    const blank = loadConfig({ PORT: '', ENROLLBOT_BOARD_AT: '  ', ENROLLBOT_LOCALE: '' });
    expect(blank).toMatchObject({
      databaseUrl: 'sqlite:data/enrollbot.db',
      demo: true,
      areaName: '本区',
      areaKind: 'district',
      locale: 'zh-CN',
      timeZone: null,
      boardAt: [{ hour: 18, minute: 0 }],
      boardGraceHours: 6,
      backup: { at: { hour: 2, minute: 30 }, keep: 14, dir: null },
      admins: [],
      piiKey: null,
      dedupeDays: 7,
      logLevel: 'info',
      logFormat: null,
      port: null,
      slack: null,
      discord: null,
    });
  });

  it('reads the platforms: Slack over HTTP on PORT, Discord with its application id', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: '8080', DISCORD_TOKEN: 't', DISCORD_APP_ID: '42', ENROLLBOT_ADMINS: ' slack:U1 , discord:7 ' });
    expect(c.slack).toEqual({ botToken: 'xoxb-1', appToken: null, signingSecret: 's', port: 8080, apiUrl: null });
    expect(c.discord).toEqual({ token: 't', appId: '42', guildId: null, apiUrl: null });
    expect(c.admins).toEqual([
      { platform: 'slack', externalId: 'U1' },
      { platform: 'discord', externalId: '7' },
    ]);
    expect(() => loadConfig({ DISCORD_TOKEN: 't' })).toThrow('DISCORD_TOKEN is set: also set DISCORD_APP_ID (the application id)');
  });
});
