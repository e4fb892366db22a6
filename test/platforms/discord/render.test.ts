/** A neutral reply as a Discord message: embed, code-block table, attachment, buttons. */
import { describe, expect, it } from 'vitest';
import { ButtonStyle } from 'discord.js';
import { buttonId, commandOfButton, renderDiscordMessage } from '../../../src/platforms/discord/render.ts';
import { renderTable } from '../../../src/render/text.ts';
import type { ReplyTable } from '../../../src/core/reply.ts';

const table = (rows: number): ReplyTable => ({
  columns: [
    { header: '排名', align: 'right' },
    { header: '乡镇', align: 'left' },
    { header: '完成率', align: 'right' },
  ],
  rows: Array.from({ length: rows }, (_, i) => [String(i + 1), `第${i + 1}街道`, '75.00%']),
});

describe('renderDiscordMessage', () => {
  it('puts title, text, the CJK-aligned table and the footer into one embed', () => {
    const m = renderDiscordMessage({ status: 'ok', title: '排行', text: '截至今日', table: table(3), footer: '合计' });
    expect(m.embeds).toHaveLength(1);
    const e = m.embeds[0]!;
    expect(e.title).toBe('排行');
    expect(e.description).toBe(`截至今日\n\n\`\`\`\n${renderTable(table(3))}\n\`\`\``);
    expect(e.footer?.text).toBe('合计');
    expect(m.files).toEqual([]);
    expect(m.components).toEqual([]);
  });

  it('colours refusals and errors apart from answers', () => {
    const colours = (['ok', 'refused', 'error'] as const).map((status) => renderDiscordMessage({ status, text: 'x' }).embeds[0]!.color);
    expect(new Set(colours).size).toBe(3);
  });

  it('moves a table too long for an embed into table.txt and keeps the embed within limits', () => {
    const big = table(400);
    const m = renderDiscordMessage({ status: 'ok', title: 'board', text: '', table: big, footer: 'f' });
    const e = m.embeds[0]!;
    expect(e.description!.length).toBeLessThanOrEqual(4096);
    expect(e.description).toMatch(/… \(\+\d+\)\n```$/);
    expect(m.files.map((f) => f.name)).toEqual(['table.txt']);
    expect(m.files[0]!.data.toString('utf8')).toBe(renderTable(big));
  });

  it('attaches the image and shows it in the embed', () => {
    const png = new Uint8Array([1, 2, 3]);
    const m = renderDiscordMessage({ status: 'ok', text: '', image: { png, filename: 'board.png', alt: 'chart' } });
    expect(m.files).toEqual([{ name: 'board.png', data: Buffer.from(png), description: 'chart' }]);
    expect(m.embeds[0]!.image?.url).toBe('attachment://board.png');
  });

  it('makes buttons that carry their command line, five a row, dropping one too long to carry', () => {
    const actions = Array.from({ length: 7 }, (_, i) => ({ label: `L${i}`, command: `lapse done L${i} paid`, style: i === 0 ? ('primary' as const) : undefined }));
    actions.push({ label: 'long', command: `pay 1 ${'x'.repeat(100)}`, style: undefined });
    const m = renderDiscordMessage({ status: 'ok', text: 'digest', actions });
    expect(m.components.map((r) => r.components.length)).toEqual([5, 2]);
    const first = m.components[0]!.components[0] as { custom_id: string; style: number };
    expect(first.custom_id).toBe('enroll:lapse done L0 paid');
    expect(first.style).toBe(ButtonStyle.Primary);
    expect(commandOfButton(first.custom_id)).toBe('lapse done L0 paid');
    expect(commandOfButton('other:thing')).toBeNull();
    expect(buttonId({ label: 'x', command: 'y'.repeat(93) })).toHaveLength(100);
    expect(buttonId({ label: 'x', command: 'y'.repeat(94) })).toBeNull();
  });
});
