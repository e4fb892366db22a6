/**
 * The platform-neutral reply a command returns. Each platform adapter renders
 * it (console text, Slack Block Kit, Discord embeds); commands never know which.
 */

/** A column's alignment in a rendered table. */
export type Align = 'left' | 'right';

/** A table of already-formatted cells. */
export interface ReplyTable {
  columns: { header: string; align: Align }[];
  rows: string[][];
  /**
   * The columns a narrow screen (a phone, a group robot's message) shows, one
   * row a line, in this order; every column when absent.
   */
  brief?: number[];
  /** A ranking's first and last rows to call out (the top and bottom three). */
  highlight?: { top: number; bottom: number };
}

/** An image attached to a reply (the board's chart). */
export interface ReplyImage {
  png: Uint8Array;
  filename: string;
  alt: string;
}

/** A button that runs a command line as the user who presses it. */
export interface ReplyAction {
  label: string;
  command: string;
  style?: 'primary' | 'danger';
}

import type { RefusalCode } from './refusal.ts';

export type ReplyStatus = 'ok' | 'refused' | 'error';

/** What a command answers. */
export interface Reply {
  status: ReplyStatus;
  /** A heading, rendered bold or as an embed title. */
  title?: string;
  /** The body: plain text, lines separated by `\n`. */
  text: string;
  table?: ReplyTable;
  /** Lines after the table (totals, call-outs). */
  footer?: string;
  image?: ReplyImage;
  actions?: ReplyAction[];
  /**
   * For the person who asked alone (it lists named people): Slack and
   * Discord show it ephemerally, the console labels it. Never posted to a channel.
   */
  private?: boolean;
  /**
   * A private answer that deliberately carries one full phone number (the
   * audited `lapse call`): the last redaction passes over its text, and it
   * is stored masked. Honoured only with `private` in a direct conversation.
   */
  reveal?: boolean;
  /** True when this is the stored answer to a message handled before. */
  duplicate?: boolean;
  /** Why it was refused (with status `refused`): what callers switch on, never the text. */
  code?: RefusalCode;
  /**
   * The command that answered, by its path (`board`, `lapse done`), set by
   * the dispatcher: what a platform adapter decides its own presentation by
   * (answering `board` privately with a "share" button, joining a channel
   * after `bind`); absent when no command was recognised.
   */
  command?: string;
  /**
   * A chart still to draw (SVG text) for this reply: drawing takes a few
   * hundred milliseconds, so an adapter does it after acknowledging the
   * user (Discord's deferral, Slack's 200) and attaches it; platforms that
   * cannot show an image leave it.
   */
  chart?: { svg: string; filename: string; alt: string };
}

export function ok(text: string, extra: Omit<Reply, 'status' | 'text'> = {}): Reply {
  return { status: 'ok', text, ...extra };
}

/** A reply without its image bytes, for storing as the answer to a message id. */
export function storableReply(reply: Reply): Reply {
  const { image, chart, ...rest } = reply;
  void image;
  void chart;
  return rest;
}
