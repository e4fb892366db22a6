import { describe, expect, it } from 'vitest';
import { formatWan, formatYuanNumber, parseAmount } from '../../src/domain/money.ts';
import { normalize } from '../../src/core/tokens.ts';

describe('parseAmount', () => {
  it.each([
    ['4800', 480_000],
    ['4800元', 480_000],
    ['4,800', 480_000],
    ['¥4800', 480_000],
    ['￥4800', 480_000],
    ['0.48万', 480_000],
    ['0.48万元', 480_000],
    ['0.07万', 70_000],
    ['1.234567万', 1_234_567],
    ['4800.5', 480_050],
    ['4800.05元', 480_005],
    ['12,345,678', 1_234_567_800],
    ['0', 0],
    ['3万', 3_000_000],
    ['4800.00', 480_000],
    ['四千八百元', 480_000],
    ['四千八百', 480_000],
    ['肆仟捌佰元', 480_000],
    ['肆仟捌佰元整', 480_000],
    ['肆仟捌佰元伍角', 480_050],
    ['肆仟捌佰元伍角陆分', 480_056],
    ['一万零五十元', 1_005_000],
    ['两万', 2_000_000],
    ['十二元', 1_200],
    ['零点四八万', 480_000],
    ['零点四八万元', 480_000],
    ['RMB4800', 480_000],
    ['rmb 4800'.replace(' ', ''), 480_000],
    ['CNY4800', 480_000],
    ['人民币4800元', 480_000],
    ['4800块', 480_000],
    ['4800块钱', 480_000],
    ['4800元整', 480_000],
    ['金额4800', 480_000],
    ['金额:4800', 480_000],
    ['一千零八', 100_800],
    ['三万五千', 3_500_000],
  ])('%s is %i fen', (text, fen) => {
    expect(parseAmount(text)).toEqual({ ok: true, fen });
  });

  it('reads full-width forms once normalized', () => {
    expect(parseAmount(normalize('０.４８万'))).toEqual({ ok: true, fen: 480_000 });
    expect(parseAmount(normalize('４，８００元'))).toEqual({ ok: true, fen: 480_000 });
  });

  it.each([
    ['-4800', 'negative'],
    ['-0.48万', 'negative'],
    ['abc', 'format'],
    ['48,00', 'format'],
    ['4.8.0', 'format'],
    ['万', 'format'],
    ['', 'format'],
    ['1e3', 'format'],
    ['4800.001', 'precision'],
    ['0.0000001万', 'precision'],
    ['99999999999999', 'too_large'],
    ['2亿', 'format'],
    ['$4800', 'foreign'],
    ['US$4800', 'foreign'],
    ['4800USD', 'foreign'],
    ['4800美元', 'foreign'],
    ['4800港币', 'foreign'],
    ['¥-1', 'negative'],
    ['负4800', 'negative'],
    ['∞', 'format'],
    ['四千八', 'abbreviated'],
    ['一万八', 'abbreviated'],
    ['一百八', 'abbreviated'],
    ['一二三', 'format'],
    ['千百', 'format'],
    ['一千零', 'format'],
    ['4千8百', 'format'],
    ['⑫', 'format'],
    ['1²', 'format'],
    ['٤٨٠٠', 'format'],
    ['４８００', 'format'],
  ])('%s is refused as %s', (text, problem) => {
    expect(parseAmount(text)).toEqual({ ok: false, problem });
  });
});

describe('formatting', () => {
  it('formats yuan with thousands and only needed fen', () => {
    expect(formatYuanNumber(480_000)).toBe('4,800');
    expect(formatYuanNumber(480_050)).toBe('4,800.50');
    expect(formatYuanNumber(-120_000)).toBe('-1,200');
  });
  it('formats 万元 with two decimals, rounding half up', () => {
    expect(formatWan(480_000)).toBe('0.48');
    expect(formatWan(4_995_000)).toBe('5.00');
    expect(formatWan(4_994_999)).toBe('4.99');
    expect(formatWan(189_361_000_00)).toBe('18,936.10');
  });
});
