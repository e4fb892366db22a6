/**
 * A neutral `Reply` as a Discord message: one embed (title, text, the table
 * as a code block aligned for CJK double width, footer), the chart as an
 * attachment shown in the embed, actions as buttons.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord.js';
import type { Reply, ReplyAction } from '../../core/reply.ts';
import { renderTable } from '../../render/text.ts';

/** Prefix of a button's custom_id; the rest is the command line it runs. */
export const BUTTON_PREFIX = 'enroll:';
const MAX_CUSTOM_ID = 100;
const MAX_BUTTONS_PER_ROW = 5;
const MAX_ROWS = 5;
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 4096;
const MAX_FOOTER = 2048;
/** Discord's limit on all text of all embeds of one message. */
const MAX_EMBED_TOTAL = 6000;

const COLOURS = { ok: 0x2e7d32, refused: 0xef6c00, error: 0xc62828 } as const;

/** A file to upload with the message. */
export interface DiscordFile {
  name: string;
  data: Buffer;
  /** Alt text, read out by screen readers. */
  description?: string;
}

/** A rendered message, in API shape; the adapter hands it to discord.js or REST. */
export interface DiscordMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files: DiscordFile[];
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The button's custom_id for an action, or null when its command line is too long for one. */
export function buttonId(action: ReplyAction): string | null {
  const id = `${BUTTON_PREFIX}${action.command}`;
  return id.length <= MAX_CUSTOM_ID ? id : null;
}

/** The command line a pressed button carries, or null when it is not one of ours. */
export function commandOfButton(customId: string): string | null {
  return customId.startsWith(BUTTON_PREFIX) ? customId.slice(BUTTON_PREFIX.length) : null;
}

function buttons(actions: readonly ReplyAction[]): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const all: APIButtonComponent[] = [];
  for (const action of actions) {
    const id = buttonId(action);
    if (!id) continue; // too long to carry; the text still says what to type
    all.push({
      type: ComponentType.Button,
      custom_id: id,
      label: cut(action.label, 80),
      style: action.style === 'danger' ? ButtonStyle.Danger : action.style === 'primary' ? ButtonStyle.Primary : ButtonStyle.Secondary,
    });
  }
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (let i = 0; i < all.length && rows.length < MAX_ROWS; i += MAX_BUTTONS_PER_ROW) {
    rows.push({ type: ComponentType.ActionRow, components: all.slice(i, i + MAX_BUTTONS_PER_ROW) });
  }
  return rows;
}

/** The table as a code block within `budget` characters; rows that do not fit go to a file. */
function tableBlock(reply: Reply, budget: number): { block: string; overflow: string | null } {
  if (!reply.table) return { block: '', overflow: null };
  const full = renderTable(reply.table);
  const fence = (s: string) => `\`\`\`\n${s}\n\`\`\``;
  if (fence(full).length <= budget) return { block: fence(full), overflow: null };
  const lines = full.split('\n');
  let kept = lines.length;
  const shown = (k: number) => fence([...lines.slice(0, k), `… (+${lines.length - k})`].join('\n'));
  while (kept > 2 && shown(kept).length > budget) kept--;
  return { block: shown(kept), overflow: full };
}

/** Renders a reply as one Discord message. */
export function renderDiscordMessage(reply: Reply): DiscordMessage {
  const files: DiscordFile[] = [];
  const title = reply.title ? cut(reply.title, MAX_TITLE) : undefined;
  const footer = reply.footer ? cut(reply.footer, MAX_FOOTER) : undefined;
  const budget = Math.min(MAX_DESCRIPTION, MAX_EMBED_TOTAL - (title?.length ?? 0) - (footer?.length ?? 0));
  const text = cut(reply.text, budget);
  const { block, overflow } = tableBlock(reply, budget - text.length - 2);
  const description = [text, block].filter(Boolean).join('\n\n');
  const embed: APIEmbed = { color: COLOURS[reply.status] };
  if (title) embed.title = title;
  if (description) embed.description = description;
  if (footer) embed.footer = { text: footer };
  if (!title && !description && !footer) embed.description = '-';
  if (overflow) files.push({ name: 'table.txt', data: Buffer.from(overflow, 'utf8') });
  if (reply.image) {
    files.push({ name: reply.image.filename, data: Buffer.from(reply.image.png), description: cut(reply.image.alt, 1024) });
    embed.image = { url: `attachment://${reply.image.filename}` };
  }
  return { embeds: [embed], components: reply.actions?.length ? buttons(reply.actions) : [], files };
}
