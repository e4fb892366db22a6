/**
 * The neutral Reply as Slack Block Kit: the title as a header, the text as
 * sections, the table as a `table` block (a header row, numbers aligned
 * right; at most 100 rows, so a longer table shows its first rows and the
 * poster attaches the whole as XLSX) or, as the fallback, an aligned
 * monospace code block (CJK counted double-width, as Slack's monospace font
 * draws it), the footer as a context line, and actions as buttons whose
 * value is the command line they run.
 * The image is not a block: the platform uploads it with these blocks.
 *
 * Text and footer are plain_text, not mrkdwn: masked data such as 张*三 or
 * 138****5678 must show its asterisks, not turn them into bold markers.
 */
import type { types } from '@slack/bolt';
import type { Reply, ReplyAction } from '../../core/reply.ts';
import { renderTable } from '../../render/text.ts';

type KnownBlock = types.KnownBlock;

/** Buttons carry action ids `enroll_cmd_<n>`; one listener runs them all. */
export const ACTION_ID_PREFIX = 'enroll_cmd_';
export const ACTION_ID_PATTERN = /^enroll_cmd_\d+$/;

// Block Kit limits (docs: blocks reference).
const MAX_BLOCKS = 50;
const SECTION_TEXT_MAX = 3000;
const HEADER_TEXT_MAX = 150;
const BUTTON_TEXT_MAX = 75;
const BUTTON_VALUE_MAX = 2000;
const BUTTONS_PER_ACTIONS = 25;
const FALLBACK_TEXT_MAX = 3000;
/** A table block's rows, its header row included (Block Kit reference: table block). */
export const TABLE_BLOCK_MAX_ROWS = 100;
const TABLE_BLOCK_MAX_COLUMNS = 20;

/**
 * How the table is drawn: `block` (a table block; a longer table is cut to
 * its first rows, for a poster that attaches the rest), `code` (the code
 * block, any length), or `auto`: a table block when the table fits one.
 */
export type TableStyle = 'block' | 'code' | 'auto';

/** A Slack message: fallback text for notifications, and the blocks. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Escapes the three characters Slack's mrkdwn reserves. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Splits lines into chunks of at most `max` characters, never inside a line unless it alone is too long. */
function chunkLines(lines: string[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const raw of lines) {
    const line = raw.length > max ? truncate(raw, max) : raw;
    if (cur && cur.length + 1 + line.length > max) {
      out.push(cur);
      cur = line;
    } else cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur) out.push(cur);
  return out;
}

function section(text: string, type: 'plain_text' | 'mrkdwn'): KnownBlock {
  return { type: 'section', text: type === 'plain_text' ? { type, text, emoji: true } : { type, text } };
}

function button(action: ReplyAction, index: number): Extract<KnownBlock, { type: 'actions' }>['elements'][number] {
  return {
    type: 'button',
    action_id: `${ACTION_ID_PREFIX}${index}`,
    text: { type: 'plain_text', text: truncate(action.label, BUTTON_TEXT_MAX), emoji: true },
    value: action.command.slice(0, BUTTON_VALUE_MAX),
    ...(action.style ? { style: action.style } : {}),
  };
}

/** Whether a table fits one table block whole. */
export function fitsTableBlock(table: NonNullable<Reply['table']>): boolean {
  return table.rows.length + 1 <= TABLE_BLOCK_MAX_ROWS && table.columns.length <= TABLE_BLOCK_MAX_COLUMNS;
}

/** A table block: the header row, then as many rows as fit; numbers' columns aligned right. */
function tableBlock(table: NonNullable<Reply['table']>): KnownBlock {
  const cell = (text: string) => ({ type: 'raw_text' as const, text: text.trim() === '' ? '-' : text });
  const columns = table.columns.slice(0, TABLE_BLOCK_MAX_COLUMNS);
  const rows = [columns.map((c) => cell(c.header)), ...table.rows.slice(0, TABLE_BLOCK_MAX_ROWS - 1).map((r) => columns.map((_, i) => cell(r[i] ?? '')))];
  return { type: 'table', rows, column_settings: columns.map((c) => ({ align: c.align })) };
}

/** The body blocks (everything but the buttons). */
export function contentBlocks(reply: Reply, style: TableStyle = 'auto'): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (reply.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(reply.title, HEADER_TEXT_MAX), emoji: true } });
  if (reply.text) for (const chunk of chunkLines(reply.text.split('\n'), SECTION_TEXT_MAX)) blocks.push(section(chunk, 'plain_text'));
  if (reply.table && (style === 'block' || (style === 'auto' && fitsTableBlock(reply.table)))) {
    blocks.push(tableBlock(reply.table));
  } else if (reply.table) {
    // Room for the fences and their newlines inside each section.
    for (const chunk of chunkLines(escapeMrkdwn(renderTable(reply.table)).split('\n'), SECTION_TEXT_MAX - 8)) {
      blocks.push(section(`\`\`\`\n${chunk}\n\`\`\``, 'mrkdwn'));
    }
  }
  if (reply.footer) {
    for (const chunk of chunkLines(reply.footer.split('\n'), SECTION_TEXT_MAX)) {
      blocks.push({ type: 'context', elements: [{ type: 'plain_text', text: chunk, emoji: true }] });
    }
  }
  return blocks;
}

/** The buttons, 25 to an actions block. */
export function actionBlocks(reply: Reply): KnownBlock[] {
  const actions = reply.actions ?? [];
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < actions.length; i += BUTTONS_PER_ACTIONS) {
    blocks.push({ type: 'actions', elements: actions.slice(i, i + BUTTONS_PER_ACTIONS).map((a, j) => button(a, i + j)) });
  }
  return blocks;
}

/** The plain text Slack shows in notifications and where blocks cannot be drawn. */
export function fallbackText(reply: Reply): string {
  const first = [reply.title, reply.text].filter(Boolean).join('\n');
  return truncate(first || reply.footer || ' ', FALLBACK_TEXT_MAX);
}

/** Keeps a message within Slack's 50 blocks: buttons kept, the body cut with a note. */
function capBlocks(content: KnownBlock[], actions: KnownBlock[]): KnownBlock[] {
  if (content.length + actions.length <= MAX_BLOCKS) return [...content, ...actions];
  const room = MAX_BLOCKS - actions.length - 1;
  const cut: KnownBlock = { type: 'context', elements: [{ type: 'plain_text', text: '…' }] };
  return [...content.slice(0, Math.max(0, room)), cut, ...actions].slice(0, MAX_BLOCKS);
}

/** The whole reply as one message. */
export function renderSlackMessage(reply: Reply, style: TableStyle = 'auto'): SlackMessage {
  return { text: fallbackText(reply), blocks: capBlocks(contentBlocks(reply, style), actionBlocks(reply)) };
}
