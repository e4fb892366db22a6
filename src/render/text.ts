/** Rendering a neutral reply as plain text: the console, logs, and code blocks elsewhere. */
import type { Reply, ReplyTable } from '../core/reply.ts';

/** Columns a character takes in a terminal: East Asian wide and full-width ones take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** A table with columns aligned for a monospace font that draws CJK double-width. */
export function renderTable(table: ReplyTable): string {
  const widths = table.columns.map((c, i) => Math.max(displayWidth(c.header), ...table.rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i]!, table.columns[i]!.align))
      .join('  ')
      .trimEnd();
  return [line(table.columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

/** The whole reply as text; `imagePath` is where the console saved its image. */
export function renderText(reply: Reply, imagePath?: string): string {
  const parts: string[] = [];
  if (reply.title) parts.push(reply.title);
  if (reply.text) parts.push(reply.text);
  if (reply.table) parts.push(renderTable(reply.table));
  if (reply.footer) parts.push(reply.footer);
  if (imagePath) parts.push(`[image] ${imagePath}`);
  if (reply.actions?.length) parts.push(reply.actions.map((a) => `[${a.label}] → ${a.command}`).join('\n'));
  return parts.join('\n');
}
