import { describe, expect, it } from 'vitest';
import { businessDate, daysLeft, parseDate, zonedInstant } from '../../src/domain/calendar.ts';
import { dailyPace, formatRate, rateBasisPoints } from '../../src/domain/rates.ts';
import { rankStandings } from '../../src/domain/standings.ts';

describe('calendar', () => {
  it('takes today in the campaign zone, not the server zone', () => {
    // 2026-11-23 17:30 UTC is already 24 November in Shanghai.
    expect(businessDate(new Date('2026-11-23T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-24');
    expect(businessDate(new Date('2026-11-23T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-11-23');
  });
  it('finds the instant of a wall-clock time in a zone', () => {
    expect(zonedInstant('2026-11-23', 18, 0, 'Asia/Shanghai').toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(zonedInstant('2026-07-01', 9, 30, 'America/New_York').toISOString()).toBe('2026-07-01T13:30:00.000Z');
  });
  it('counts days left including today and the deadline', () => {
    expect(daysLeft('2026-11-23', '2026-12-31')).toBe(39);
    expect(daysLeft('2026-12-31', '2026-12-31')).toBe(1);
    expect(daysLeft('2027-01-01', '2026-12-31')).toBe(0);
  });
  it('accepts only real dates', () => {
    expect(parseDate('2026-02-29')).toBeNull();
    expect(parseDate('2028-02-29')).toBe('2028-02-29');
    expect(parseDate('2026-13-01')).toBeNull();
    expect(parseDate('2026-1-1')).toBeNull();
  });
});

describe('rates and ranking', () => {
  it('prints completion with two decimals, rounded half up', () => {
    expect(formatRate(rateBasisPoints(3, 4))).toBe('75.00%');
    expect(formatRate(rateBasisPoints(1, 3))).toBe('33.33%');
    expect(formatRate(rateBasisPoints(2, 3))).toBe('66.67%');
    expect(formatRate(rateBasisPoints(1, 8))).toBe('12.50%');
    expect(formatRate(rateBasisPoints(5, 0))).toBe('—');
  });
  it('needs a pace that reaches the target by the deadline', () => {
    expect(dailyPace(900, 1000, 3)).toBe(34);
    expect(dailyPace(1000, 1000, 3)).toBe(0);
    expect(dailyPace(900, 1000, 0)).toBe(100);
  });
  it('ranks by exact ratio and shares ranks on ties', () => {
    const r = rankStandings([
      { areaId: 1, name: 'A', enrolled: 1, target: 3, today: 0, amountFen: 0 },
      { areaId: 2, name: 'B', enrolled: 2, target: 6, today: 0, amountFen: 0 },
      { areaId: 3, name: 'C', enrolled: 9, target: 10, today: 0, amountFen: 0 },
      { areaId: 4, name: 'D', enrolled: 0, target: 0, today: 0, amountFen: 0 },
    ]);
    expect(r.map((s) => [s.name, s.rank])).toEqual([
      ['C', 1],
      ['B', 2],
      ['A', 2],
      ['D', 4],
    ]);
  });
});
