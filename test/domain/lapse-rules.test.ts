import { describe, expect, it } from 'vitest';
import { NATIONAL_LAPSE_RULES, parseLapseRules, stageOf } from '../../src/domain/lapse-rules.ts';

describe('lapse rules', () => {
  it.each([
    // [months, back-pay window, stage]
    [1, 3, 1],
    [2, 3, 2],
    [3, 3, 3],
    [4, 3, 4],
    [1, 1, 3], // a one-month window: the first month is already the last
    [2, 1, 4],
    [5, 6, 2],
    [6, 6, 3],
    [7, 6, 4],
  ])('%i months with a %i-month window is stage %i', (months, window, stage) => expect(stageOf(months, window)).toBe(stage));

  it('fall back to the national defaults for anything unreadable, field by field', () => {
    expect(parseLapseRules(undefined)).toEqual(NATIONAL_LAPSE_RULES);
    expect(parseLapseRules('not json')).toEqual(NATIONAL_LAPSE_RULES);
    expect(parseLapseRules(JSON.stringify({ backPayMonths: 0, waitMonths: 3, note: '  ' }))).toEqual({ backPayMonths: 3, waitMonths: 3, note: null });
    expect(parseLapseRules(JSON.stringify({ backPayMonths: 2, waitMonths: 1.5, note: '本市规定' }))).toEqual({ backPayMonths: 2, waitMonths: 6, note: '本市规定' });
  });
});
