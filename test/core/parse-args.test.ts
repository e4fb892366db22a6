import { describe, expect, it } from 'vitest';
import pay from '../../commands/pay.ts';
import township from '../../commands/township.ts';
import { parseArgs } from '../../src/core/parse-args.ts';
import { tokenize } from '../../src/core/tokens.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { Refusal } from '../../src/core/refusal.ts';
import type { ParseEnv } from '../../src/core/args.ts';

const env: ParseEnv = {
  t: catalogue('zh-CN'),
  locale: 'zh-CN',
  resolveUser: () => null,
};

const parsePay = (line: string) => parseArgs(pay.args, tokenize(line), env);

describe('the pay grammar', () => {
  it.each([
    ['12 4800', { people: 12, amount: 480_000 }],
    ['12人 0.48万', { people: 12, amount: 480_000 }],
    ['12 0.48万元', { people: 12, amount: 480_000 }],
    ['12 ¥4800', { people: 12, amount: 480_000 }],
    ['12 4,800', { people: 12, amount: 480_000 }],
    ['12 4800元', { people: 12, amount: 480_000 }],
    ['１２人 ０.４８万', { people: 12, amount: 480_000 }],
    ['12', { people: 12 }],
    ['7 in 城南街道', { people: 7, township: '城南街道' }],
    ['7 在 城南街道', { people: 7, township: '城南街道' }],
    ['7 2800 in 城南街道 现金 收讫', { people: 7, amount: 280_000, township: '城南街道', note: { text: '现金 收讫', explicit: false } }],
    ['7 “现金收讫”', { people: 7, note: { text: '现金收讫', explicit: true } }],
    ["7 'cash only'", { people: 7, note: { text: 'cash only', explicit: true } }],
    ['7 ‘现金’', { people: 7, note: { text: '现金', explicit: true } }],
    ['7 2800 现金', { people: 7, amount: 280_000, note: { text: '现金', explicit: false } }],
    ['7 2800 现金 in 城南街道', { people: 7, amount: 280_000, township: '城南街道', note: { text: '现金', explicit: false } }],
    ['in 城南街道 7 2800', { people: 7, amount: 280_000, township: '城南街道' }],
    ['7 2800 "800 户 in 城北"', { people: 7, amount: 280_000, note: { text: '800 户 in 城北', explicit: true } }],
    ['12人4800元', { people: 12, amount: 480_000 }],
    ['十二人 四千八百元', { people: 12, amount: 480_000 }],
    ['12 肆仟捌佰元整', { people: 12, amount: 480_000 }],
    ['12 RMB4800', { people: 12, amount: 480_000 }],
    ['12 金额4800', { people: 12, amount: 480_000 }],
    ['7 2800 in 城南街道/和平村', { people: 7, amount: 280_000, township: '城南街道/和平村' }],
    ['12人次 4800', { people: 12, amount: 480_000 }],
    ['12\u30004800', { people: 12, amount: 480_000 }],
  ])('pay %s', (line, expected) => {
    const got = parsePay(line);
    expect(Object.fromEntries(Object.entries(got).filter(([, v]) => v !== undefined))).toEqual(expected);
  });

  it.each([
    ['', '缺少人数'],
    ['-3', '人数不能为负数'],
    ['0', '人数不能为 0'],
    ['abc', '人数“abc”不对'],
    ['1.5', '人数“1.5”不对'],
    ['10001', '一次最多登记 10,000 人'],
    ['12 -4800', '金额不能为负数'],
    ['12 48OO', '金额“48OO”看不懂'],
    ['12 4800.001', '小数位太多'],
    ['12 4800 in', '缺少乡镇'],
    ['12 ,4800', '看不懂'],
    ['12 现金', '金额“现金”看不懂'],
    ['12 $4800', '不是人民币金额'],
    ['12 USD4800', '不是人民币金额'],
    ['12 ¥-1', '金额不能为负数'],
    ['12 ∞', '看不懂'],
    ['12 四千八', '省略了末位单位'],
    ['12 4 800', '以数字或金额开头'],
    ['12 4800 300', '以数字或金额开头'],
    ['12 4800 元', '“元”是单位，要和前面的数字连写'],
    ['12 人 4800', '“人”是单位，要和前面的数字连写，不要加空格'],
    ['12 人次', '“人次”是单位，要和前面的数字连写，不要加空格'],
    ['12 4800 一万零五十元', '以数字或金额开头'],
    ['⑫', '人数“⑫”不对'],
    ['1² 4800', '人数“1²”不对'],
    ['12 ٤٨٠٠', '看不懂'],
    ['12 4800 in 甲 in 乙', '只能写一次'],
    ['12 4800 ' + '字'.repeat(201), '备注太长'],
  ])('refuses pay %s', (line, message) => {
    expect(() => parsePay(line)).toThrow(Refusal);
    expect(() => parsePay(line)).toThrow(message);
  });

  it('takes keyword arguments in any order', () => {
    const add = township.subcommands![0]!;
    expect(parseArgs(add.args, tokenize('城南街道 under 本区 target 28,000'), env)).toMatchObject({
      name: '城南街道',
      under: '本区',
      target: 28_000,
    });
    expect(() => parseArgs(add.args, tokenize('城南街道 target 28000 extra'), env)).toThrow('多余的内容');
  });
});
