/** Block Kit rendering of neutral replies, and Slack's mention syntax. */
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, renderSlackMessage } from '../../../src/platforms/slack/render.ts';
import { mentionedUserIds, parseUserMention, stripLeadingMention } from '../../../src/platforms/slack/mentions.ts';
import { displayWidth } from '../../../src/render/text.ts';
import type { Reply } from '../../../src/core/reply.ts';

type Block = { type: string; text?: { type: string; text: string }; elements?: Record<string, unknown>[] };

describe('renderSlackMessage', () => {
  const board: Reply = {
    status: 'ok',
    title: '本区 征缴进度',
    text: '截至 11-23 <18:00> & 今日',
    table: {
      columns: [
        { header: '排名', align: 'right' },
        { header: '乡镇', align: 'left' },
        { header: '完成率', align: 'right' },
      ],
      rows: [
        ['1', '城南街道', '75.00%'],
        ['2', 'Qingshan', '5.00%'],
      ],
    },
    footer: '前三名：城南街道',
    actions: [
      { label: '已缴', command: 'lapse done L3 paid', style: 'primary' },
      { label: '联系不上', command: 'lapse done L3 unreachable' },
    ],
  };

  it('draws the table as a table block: a header row, numbers aligned right', () => {
    const { blocks } = renderSlackMessage(board) as { blocks: (Block & { rows?: { type: string; text: string }[][]; column_settings?: unknown[] })[] };
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'table', 'context', 'actions']);
    const table = blocks[2]!;
    expect(table.rows!.map((r) => r.map((c) => c.text))).toEqual([
      ['排名', '乡镇', '完成率'],
      ['1', '城南街道', '75.00%'],
      ['2', 'Qingshan', '5.00%'],
    ]);
    expect(table.rows!.flat().every((c) => c.type === 'raw_text')).toBe(true);
    expect(table.column_settings).toEqual([{ align: 'right' }, { align: 'left' }, { align: 'right' }]);
  });

  it('falls back to the code block for a table longer than a table block (100 rows with its header)', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [String(i + 1), `第${i + 1}乡镇`, '1.00%']);
    const { blocks } = renderSlackMessage({ ...board, table: { ...board.table!, rows } }) as { blocks: Block[] };
    expect(blocks.some((b) => b.type === 'table')).toBe(false);
    expect(blocks.some((b) => b.text?.text.startsWith('```'))).toBe(true);
    // Asked for a block (a poster that attaches the rest as XLSX): the first 99 rows and the header.
    const cut = renderSlackMessage({ ...board, table: { ...board.table!, rows } }, 'block') as { blocks: (Block & { rows?: unknown[] })[] };
    expect(cut.blocks.find((b) => b.type === 'table')!.rows).toHaveLength(100);
  });

  it('draws title, text, aligned table (as the code block), footer and buttons', () => {
    const { text, blocks } = renderSlackMessage(board, 'code') as { text: string; blocks: Block[] };
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context', 'actions']);
    expect(blocks[0]!.text).toEqual({ type: 'plain_text', text: '本区 征缴进度', emoji: true });
    expect(blocks[1]!.text).toEqual({ type: 'plain_text', text: '截至 11-23 <18:00> & 今日', emoji: true });
    const code = blocks[2]!.text!.text;
    expect(code.startsWith('```\n') && code.endsWith('\n```')).toBe(true);
    const lines = code.slice(4, -4).split('\n');
    // Every row ends at the same display column: CJK counted double-width.
    const widths = lines.filter((l) => !l.startsWith('-')).map(displayWidth);
    expect(new Set(widths).size).toBe(1);
    expect(lines[2]).toContain('城南街道');
    expect(blocks[3]!.elements).toEqual([{ type: 'plain_text', text: '前三名：城南街道', emoji: true }]);
    expect(blocks[4]!.elements).toEqual([
      { type: 'button', action_id: 'enroll_cmd_0', text: { type: 'plain_text', text: '已缴', emoji: true }, value: 'lapse done L3 paid', style: 'primary' },
      { type: 'button', action_id: 'enroll_cmd_1', text: { type: 'plain_text', text: '联系不上', emoji: true }, value: 'lapse done L3 unreachable' },
    ]);
    expect(text).toBe('本区 征缴进度\n截至 11-23 <18:00> & 今日');
  });

  it('keeps within Block Kit limits: long text split, long titles cut, at most 50 blocks', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [String(i + 1), `第${i + 1}乡镇`, '12.34%']);
    const reply: Reply = {
      status: 'ok',
      title: '长'.repeat(200),
      text: Array.from({ length: 300 }, (_, i) => `第 ${i} 行说明文字`).join('\n'),
      table: { columns: [{ header: '#', align: 'right' }, { header: '乡镇', align: 'left' }, { header: '率', align: 'right' }], rows },
      actions: Array.from({ length: 30 }, (_, i) => ({ label: `b${i}`, command: `help ${i}` })),
    };
    const { blocks } = renderSlackMessage(reply) as { blocks: Block[] };
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect([...blocks[0]!.text!.text].length).toBeLessThanOrEqual(150);
    for (const b of blocks) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements!);
    expect(buttons).toHaveLength(30);
    expect(blocks.filter((b) => b.type === 'actions').every((b) => b.elements!.length <= 25)).toBe(true);
  });

  it('escapes only what mrkdwn reserves', () => {
    expect(escapeMrkdwn('a<b>&c *d*')).toBe('a&lt;b&gt;&amp;c *d*');
  });

  it('keeps the asterisks of masked personal data visible (no mrkdwn outside the table)', () => {
    const reply: Reply = {
      status: 'ok',
      text: '张*三 138****5678 与 李*四',
      table: { columns: [{ header: '姓名', align: 'left' }], rows: [['王*五 <x>']] },
      footer: '430602********1234 *已提醒*',
    };
    const { blocks } = renderSlackMessage(reply, 'code') as { blocks: Block[] };
    expect(blocks[0]!.text).toEqual({ type: 'plain_text', text: '张*三 138****5678 与 李*四', emoji: true });
    // Inside a code block mrkdwn applies no formatting; only &, < and > are escaped.
    expect(blocks[1]!.text!.type).toBe('mrkdwn');
    expect(blocks[1]!.text!.text).toContain('王*五 &lt;x&gt;');
    expect(blocks[2]!.elements).toEqual([{ type: 'plain_text', text: '430602********1234 *已提醒*', emoji: true }]);
  });
});

describe('mentions', () => {
  it('reads <@U123> and <@U123|name>', () => {
    expect(parseUserMention('<@U123ABC>')).toEqual({ id: 'U123ABC', name: null });
    expect(parseUserMention('<@U123ABC|wang.fang>')).toEqual({ id: 'U123ABC', name: 'wang.fang' });
    expect(parseUserMention('@wang')).toBeNull();
    expect(parseUserMention('<#C123|general>')).toBeNull();
    expect(mentionedUserIds('grant <@U1|a> and <@U2> and <@U1>')).toEqual(['U1', 'U2']);
  });

  it('drops the mention that addressed the bot', () => {
    expect(stripLeadingMention('<@UBOT> pay 12 4800', 'UBOT')).toBe('pay 12 4800');
    expect(stripLeadingMention('<@UBOT>: grant <@U2> leader', 'UBOT')).toBe('grant <@U2> leader');
    expect(stripLeadingMention('  <@UBOT|enrollbot>，board', undefined)).toBe('board');
  });
});
