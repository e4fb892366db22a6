/**
 * Working days do not depend on the server's zone: the holiday package reads
 * date strings as UTC midnight, which a server west of UTC would see as the
 * day before.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';

const serverZone = process.env.TZ;
afterAll(() => {
  if (serverZone === undefined) delete process.env.TZ;
  else process.env.TZ = serverZone;
});

describe.each(['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC'])('working days on a server in %s', (zone) => {
  it('are the same days', async () => {
    process.env.TZ = zone;
    // A fresh module, so whatever it learns of the zone at load is this zone's.
    vi.resetModules();
    const { isWorkday, monthlyScanDate } = await import('../../src/domain/workdays.ts');
    expect(new Date(2027, 3, 5, 12).getTimezoneOffset()).toBe(zone === 'UTC' ? 0 : zone === 'Pacific/Kiritimati' ? -840 : 420);
    expect(isWorkday('2026-02-14')).toBe(true); // make-up Saturday
    expect(isWorkday('2026-02-16')).toBe(false); // Spring Festival
    expect(isWorkday('2026-02-13')).toBe(true); // the Friday before
    expect(isWorkday('2027-04-05')).toBe(false); // Qingming in a year the table lacks
    expect(isWorkday('2027-04-04')).toBe(false); // a Sunday
    expect(isWorkday('2027-02-05')).toBe(false); // Spring Festival's eve
    expect(monthlyScanDate('2027-04')).toBe('2027-04-06');
    expect(monthlyScanDate('2027-02')).toBe('2027-02-09');
  });
});
