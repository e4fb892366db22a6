/**
 * How a neutral reply reads in each app's group, within each app's limits.
 *
 * A reply becomes one or more *parts*, each exactly one webhook message, and
 * each part is queued as its own outbox row: a restart in the middle of a
 * long board then resumes at the next part instead of sending the first
 * again. A part is stored as a reply whose `text` is already the app's
 * markup (and, for WeCom's chart, whose `image` is the picture), so sending
 * it needs no catalogue and no database.
 *
 * - WeCom: the chart as an `image` (at most 2 MB before base64; scaled down
 *   when larger), then `markdown` of at most 4096 bytes (the board's bottom
 *   three in `<font color="warning">`).
 * - DingTalk: `markdown` with a title; a custom robot cannot upload an image.
 * - Feishu: an `interactive` card; a request body of at most 20 KB.
 *
 * Lines are never cut: a long reply is split between lines, and every part
 * after the first repeats the title with its number (`(2/3)`). A table is
 * one row a line (rank, name, done/target, rate, today for the board), with
 * its headers once as a legend: no space-aligned columns, which a phone
 * cannot show.
 */
import { createHash } from 'node:crypto';
import { Resvg } from '@resvg/resvg-js';
import type { RobotApp } from '../db/schema.ts';
import type { Reply, ReplyImage, ReplyTable } from '../core/reply.ts';

/** WeCom: the markdown `content`, in bytes (UTF-8). */
export const WECOM_MARKDOWN_MAX_BYTES = 4096;
/** WeCom: an image before base64. */
export const WECOM_IMAGE_MAX_BYTES = 2 * 1024 * 1024;
/** DingTalk: a whole request body (the app refuses a message over 20,000 bytes). */
export const DINGTALK_BODY_MAX_BYTES = 20_000;
/** Feishu: a whole request body is at most 20 KB; room is left for the signature fields. */
export const FEISHU_BODY_MAX_BYTES = 20 * 1024 - 200;

/** What one webhook message carries, before it is signed. */
export type RobotBody = Record<string, unknown>;

interface Markup {
  bold(s: string): string;
  /** The bottom of a ranking. */
  warn(s: string): string;
  /** The top of a ranking. */
  good(s: string): string;
  /** A legend or a note. */
  quiet(s: string): string;
  /** Between lines. */
  newline: string;
}

const MARKUP: Record<RobotApp, Markup> = {
  wecom: {
    bold: (s) => `**${s}**`,
    warn: (s) => `<font color="warning">${s}</font>`,
    good: (s) => `<font color="info">${s}</font>`,
    quiet: (s) => `<font color="comment">${s}</font>`,
    newline: '\n',
  },
  // DingTalk's markdown joins single line breaks into one paragraph.
  dingtalk: {
    bold: (s) => `**${s}**`,
    warn: (s) => `<font color=#FF6600>${s}</font>`,
    good: (s) => `<font color=#2E8B57>${s}</font>`,
    quiet: (s) => `<font color=#888888>${s}</font>`,
    newline: '\n\n',
  },
  feishu: {
    bold: (s) => `**${s}**`,
    warn: (s) => `<font color='red'>${s}</font>`,
    good: (s) => `<font color='green'>${s}</font>`,
    quiet: (s) => `<font color='grey'>${s}</font>`,
    newline: '\n',
  },
};

/** Text from the bot's own replies may hold `<`, `*` or `_`, which the apps' markup would read as tags or emphasis. */
function plain(s: string): string {
  return s.replace(/[<>*_`]/g, (c) => ({ '<': '＜', '>': '＞', '*': '＊', _: '＿', '`': '｀' })[c]!);
}

/** One table row as a line: `1. 白石乡 33,700/37,258 90.45% +118`. */
function rowLine(table: ReplyTable, row: string[]): string {
  const cols = table.brief ?? row.map((_, i) => i);
  const cells = cols.map((i) => plain(row[i] ?? '')).filter((c) => c !== '');
  if (cells.length >= 2 && /^\d+$/.test(cells[0]!)) return `${cells[0]}. ${cells.slice(1).join(' ')}`;
  return cells.join(' ');
}

/** The headers once, laid out as the rows are: `排名. 名称 已缴/任务(人) 完成率 今日新增`. */
function legendLine(table: ReplyTable): string {
  const cols = table.brief ?? table.columns.map((_, i) => i);
  const heads = cols.map((i) => plain(table.columns[i]?.header ?? '')).filter((h) => h !== '');
  const ranked = /^\d+$/.test(table.rows[0]?.[cols[0] ?? 0] ?? '');
  return ranked && heads.length >= 2 ? `${heads[0]}. ${heads.slice(1).join(' ')}` : heads.join(' ');
}

/** The lines of a reply: before the table rows, the rows, after them. */
function replyLines(reply: Reply, m: Markup): { head: string[]; rows: string[]; tail: string[] } {
  const head: string[] = [];
  if (reply.text) head.push(...reply.text.split('\n').map(plain));
  const rows: string[] = [];
  const table = reply.table;
  if (table && table.rows.length) {
    head.push(m.quiet(legendLine(table)));
    const n = table.rows.length;
    const hl = table.highlight;
    table.rows.forEach((r, i) => {
      const line = rowLine(table, r);
      if (hl && i < hl.top) rows.push(m.good(line));
      else if (hl && i >= n - hl.bottom) rows.push(m.warn(line));
      else rows.push(line);
    });
  }
  const tail = reply.footer ? reply.footer.split('\n').map(plain) : [];
  return { head: head.filter((l) => l !== ''), rows, tail: tail.filter((l) => l !== '') };
}

/** The body of one part, as the app takes it (unsigned). */
export function robotBody(app: RobotApp, part: Reply): RobotBody {
  if (app === 'wecom') {
    if (part.image) {
      const png = Buffer.from(part.image.png);
      return { msgtype: 'image', image: { base64: png.toString('base64'), md5: md5(png) } };
    }
    const content = part.title ? `${MARKUP.wecom.bold(plain(part.title))}\n${part.text}` : part.text;
    return { msgtype: 'markdown', markdown: { content } };
  }
  if (app === 'dingtalk') {
    const title = plain(part.title ?? firstWords(part.text));
    const text = part.title ? `#### ${title}\n\n${part.text}` : part.text;
    return { msgtype: 'markdown', markdown: { title, text } };
  }
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      ...(part.title ? { header: { title: { tag: 'plain_text', content: part.title }, template: 'blue' } } : {}),
      elements: [{ tag: 'div', text: { tag: 'lark_md', content: part.text } }],
    },
  };
}

function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** DingTalk needs a title (shown in the notification): the first words of a message without one. */
function firstWords(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'enrollbot';
  const bare = line.replace(/<[^>]*>|\*\*/g, '').trim();
  return bare.length > 30 ? `${bare.slice(0, 29)}…` : bare || 'enrollbot';
}

/** What an app's limit counts of a part: WeCom its markdown's bytes, the others the whole body's. */
function partBytes(app: RobotApp, part: Reply): number {
  const body = robotBody(app, part);
  if (app === 'wecom') return Buffer.byteLength((body.markdown as { content: string }).content, 'utf8');
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

const LIMIT: Record<RobotApp, number> = { wecom: WECOM_MARKDOWN_MAX_BYTES, dingtalk: DINGTALK_BODY_MAX_BYTES, feishu: FEISHU_BODY_MAX_BYTES };

/** Whether a part's body is within its app's limit. */
export function fits(app: RobotApp, part: Reply): boolean {
  return partBytes(app, part) <= LIMIT[app];
}

/** Cuts a single line that alone exceeds the limit (never a board line; a pathological note) at a character boundary. */
function shorten(app: RobotApp, title: string | undefined, line: string): string {
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(app, { status: 'ok', title, text: `${line.slice(0, mid)}…` })) lo = mid;
    else hi = mid - 1;
  }
  return `${line.slice(0, lo)}…`;
}

/**
 * A reply as the parts an app's group gets, each one webhook message within
 * the app's limits, in the order they are to be sent.
 */
export function robotParts(app: RobotApp, reply: Reply): Reply[] {
  const m = MARKUP[app];
  const { head, rows, tail } = replyLines(reply, m);
  const title = reply.title ? plain(reply.title) : undefined;
  // Room for the part number added to the title afterwards.
  const numbered = (k: number, n: number) => (title ? `${title} (${k}/${n})` : undefined);
  const probeTitle = title ? `${title} (99/99)` : undefined;
  const chunks: string[][] = [];
  let current: string[] = [];
  const textOf = (lines: string[]) => lines.join(m.newline);
  // A part's size is its size without text plus each line's and each line
  // break's own: every app's body holds the text as it is, and UTF-8 bytes
  // and JSON escapes are counted a character at a time. So a line is
  // weighed once: weighing the whole part again at each line took 22–106 ms
  // for a 2,000-row board, a robot at a time, in the post's write
  // transaction. DingTalk without a title takes its title from the text:
  // weighed whole there, as such a reply is short.
  const additive = probeTitle !== undefined || app !== 'dingtalk';
  const empty = partBytes(app, { status: 'ok', title: probeTitle, text: '' });
  const cost = app === 'wecom' ? (text: string) => Buffer.byteLength(text, 'utf8') : (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
  const newline = cost(m.newline);
  let size = empty;
  const push = (line: string) => {
    if (!additive) {
      const candidate = [...current, line];
      if (current.length === 0 || fits(app, { status: 'ok', title: probeTitle, text: textOf(candidate) })) current = candidate;
      else {
        chunks.push(current);
        current = [line];
      }
      return;
    }
    const added = cost(line) + (current.length ? newline : 0);
    if (current.length === 0 || size + added <= LIMIT[app]) {
      current.push(line);
      size += added;
      return;
    }
    chunks.push(current);
    current = [line];
    size = empty + cost(line);
  };
  for (const raw of [...head, ...rows, ...tail]) {
    const alone = additive ? empty + cost(raw) <= LIMIT[app] : fits(app, { status: 'ok', title: probeTitle, text: raw });
    const line = alone ? raw : shorten(app, probeTitle, raw);
    push(line);
  }
  if (current.length || chunks.length === 0) chunks.push(current);
  const n = chunks.length;
  const parts: Reply[] = chunks.map((lines, i) => ({
    status: 'ok',
    ...(title ? { title: n > 1 ? numbered(i + 1, n) : title } : {}),
    text: textOf(lines),
  }));
  // The chart first: the group sees the picture, then the figures; and a
  // board to many robots sends its heaviest message while the text waits for its pacing.
  if (app === 'wecom' && reply.image) parts.unshift({ status: 'ok', text: '', image: fitImage(reply.image, WECOM_IMAGE_MAX_BYTES) });
  return parts;
}

/** A PNG's width and height, from its header. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/**
 * The image, scaled down until it is at most `maxBytes` (WeCom takes 2 MB
 * before base64); as it is when it fits already.
 */
export function fitImage(image: ReplyImage, maxBytes: number): ReplyImage {
  let png = Buffer.from(image.png);
  if (png.length <= maxBytes) return image;
  const { width, height } = pngSize(png);
  let scale = Math.sqrt(maxBytes / png.length) * 0.95;
  const source = `data:image/png;base64,${png.toString('base64')}`;
  for (let i = 0; i < 8 && png.length > maxBytes; i++) {
    const w = Math.max(1, Math.floor(width * scale));
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><image width="${width}" height="${height}" xlink:href="${source}"/></svg>`;
    png = Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: w }, font: { loadSystemFonts: false } }).render().asPng());
    scale *= 0.8;
  }
  return { ...image, png: new Uint8Array(png) };
}
