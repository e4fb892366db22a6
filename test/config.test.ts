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
