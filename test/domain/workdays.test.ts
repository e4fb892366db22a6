import { describe, expect, it } from 'vitest';
import {
  HOLIDAY_YEARS,
  isHolidayYearCovered,
  isReminderTime,
  isWorkday,
  monthlyScanDate,
  monthlyScanInstant,
  nextMonthlyScanAt,
  nextWorkday,
  reminderDue,
  uncoveredHolidayYears,
} from '../../src/domain/workdays.ts';

const Z = 'Asia/Shanghai';

describe('working days', () => {
  it.each([
    ['2026-11-23', true], // Monday
    ['2026-11-28', false], // Saturday
    ['2026-10-05', false], // National Day holiday, a Monday
    ['2026-10-10', true], // make-up Saturday
    ['2026-02-14', true], // make-up Saturday before the Spring Festival
    ['2026-02-16', false], // Spring Festival
    ['2025-01-26', true], // make-up Sunday
    ['2025-10-08', false],
    ['2026-02-28', true], // make-up Saturday after the Spring Festival
    ['2024-02-04', true], // make-up Sunday, from an earlier notice
    ['2024-02-12', false], // Spring Festival 2024, a Monday
  ])('%s is a working day: %s', (date, expected) => expect(isWorkday(date)).toBe(expected));

  describe('in a year the holiday table does not cover yet', () => {
    it('is one the table lacks', () => {
      expect(isHolidayYearCovered(2026)).toBe(true);
      expect(isHolidayYearCovered(2027)).toBe(false);
      expect(HOLIDAY_YEARS.at(-1)).toBe(2026);
    });

    it.each([
      ['2027-02-05', false], // Spring Festival's eve, a Friday
      ['2027-02-08', false], // the Spring Festival's third day, a Monday
      ['2027-02-09', true], // a Tuesday after the statutory days
      ['2027-04-05', false], // Qingming, a Monday
      ['2027-06-09', false], // Dragon Boat Festival, a Wednesday
      ['2027-09-15', false], // Mid-Autumn Festival, a Wednesday
      ['2027-10-01', false], // National Day, a Friday
      ['2027-03-01', true], // an ordinary Monday
      ['2027-03-06', false], // an ordinary Saturday
    ])('keeps the statutory days off: %s is a working day: %s', (date, expected) => expect(isWorkday(date)).toBe(expected));

    it('never scans in the Spring Festival', () => {
      // The 5th is the eve; the statutory days run to the 8th.
      expect(monthlyScanDate('2027-02')).toBe('2027-02-09');
    });
  });

  it('names the campaign and schedule years the table does not cover', () => {
    const now = new Date('2026-11-23T02:00:00Z');
    expect(uncoveredHolidayYears({ start: '2026-09-01', deadline: '2026-12-31', now, timeZone: Z })).toEqual([]);
    expect(uncoveredHolidayYears({ start: '2026-09-01', deadline: '2027-01-31', now, timeZone: Z })).toEqual([2027]);
    // In December the schedule's next scan is in January.
    expect(uncoveredHolidayYears({ start: '2026-09-01', deadline: '2026-12-31', now: new Date('2026-12-01T00:00:00Z'), timeZone: Z })).toEqual([2027]);
    expect(uncoveredHolidayYears({ start: '2027-09-01', deadline: '2028-12-31', now, timeZone: Z })).toEqual([2027, 2028]);
  });

  it('finds the next working day', () => {
    expect(nextWorkday('2026-10-01')).toBe('2026-10-08');
    expect(nextWorkday('2026-11-23')).toBe('2026-11-23');
    expect(nextWorkday('2026-02-15')).toBe('2026-02-24');
  });
});

describe('monthly scan', () => {
  it.each([
    ['2026-12', '2026-12-07'], // the 5th is a Saturday
    ['2026-10', '2026-10-08'], // the 5th is in the National Day holiday
    ['2026-11', '2026-11-05'], // a Thursday
    ['2026-01', '2026-01-05'],
    ['2025-04', '2025-04-07'], // 5th a Saturday, the 6th Qingming: Monday the 7th
    ['2025-10', '2025-10-09'],
  ])('%s scans on %s', (month, date) => expect(monthlyScanDate(month)).toBe(date));

  it('is at 09:00 in the campaign zone', () => {
    expect(monthlyScanInstant('2026-12', Z).toISOString()).toBe('2026-12-07T01:00:00.000Z');
  });

  it('finds the next scan after an instant, across a year end', () => {
    expect(nextMonthlyScanAt(new Date('2026-11-23T02:00:00Z'), Z).toISOString()).toBe('2026-12-07T01:00:00.000Z');
    expect(nextMonthlyScanAt(new Date('2026-12-07T01:00:00Z'), Z).toISOString()).toBe('2027-01-05T01:00:00.000Z');
    expect(nextMonthlyScanAt(new Date('2026-11-04T16:00:00Z'), Z).toISOString()).toBe('2026-11-05T01:00:00.000Z');
  });
});

describe('reminder window', () => {
  it.each([
    ['2026-11-23T00:29:00Z', false], // 08:29 Monday
    ['2026-11-23T00:30:00Z', true], // 08:30
    ['2026-11-23T12:29:00Z', true], // 20:29
    ['2026-11-23T12:30:00Z', false], // 20:30
    ['2026-11-28T02:00:00Z', false], // Saturday 10:00
    ['2026-10-10T02:00:00Z', true], // make-up Saturday 10:00
    ['2026-10-05T02:00:00Z', false], // holiday
  ])('%s: %s', (iso, expected) => expect(isReminderTime(new Date(iso), Z)).toBe(expected));

  it('is due weekly, only inside the window', () => {
    const last = new Date('2026-11-16T02:00:00Z');
    expect(reminderDue(new Date('2026-11-22T02:00:00Z'), last, Z)).toBe(false); // Sunday, and 6 days
    expect(reminderDue(new Date('2026-11-23T00:00:00Z'), last, Z)).toBe(false); // 08:00
    expect(reminderDue(new Date('2026-11-23T01:00:00Z'), last, Z)).toBe(true);
    expect(reminderDue(new Date('2026-11-23T01:00:00Z'), null, Z)).toBe(true);
    expect(reminderDue(new Date('2026-11-20T01:00:00Z'), last, Z, 3)).toBe(true);
  });
});
