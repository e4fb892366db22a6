/** Slack's user mention syntax: `<@U123>`, and `<@U123|name>` in escaped slash-command text. */

/** A user named by a mention. */
export interface SlackMention {
  id: string;
  /** The name Slack put after `|`, when it did. */
  name: string | null;
}

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$/;
const MENTIONS = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** The user a whole token mentions; null when the token is not a mention. */
export function parseUserMention(token: string): SlackMention | null {
  const m = MENTION.exec(token.trim());
  return m ? { id: m[1]!, name: m[2] ? m[2] : null } : null;
}

/** Every user id mentioned in a text, once each, in order. */
export function mentionedUserIds(text: string): string[] {
  return [...new Set([...text.matchAll(MENTIONS)].map((m) => m[1]!))];
}

/** A mention's text without the leading `@bot` that addressed it. */
export function stripLeadingMention(text: string, botUserId: string | undefined): string {
  const t = text.trim();
  if (botUserId) {
    const re = new RegExp(`^<@${botUserId}(?:\\|[^>]*)?>[\\s:：,，]*`);
    if (re.test(t)) return t.replace(re, '').trim();
  }
  // Without a known bot id, the first mention is the one that addressed the bot.
  return t.replace(/^<@[UWB][A-Z0-9]+(?:\|[^>]*)?>[\s:：,，]*/, '').trim();
}
