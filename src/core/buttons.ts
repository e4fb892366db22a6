/**
 * What a pressed button may run. A button carries its command line in its
 * value (Slack) or custom id (Discord), and whoever presses it runs that line
 * as themselves; the platform only vouches that the press is genuine, not
 * that the value is one the bot wrote. So a value is run only when it has the
 * exact shape of a button the bot makes; anything else is refused unrun.
 */

/** The follow-up outcomes the bot's lapse buttons carry (see `caseActions`). */
const BUTTON_OUTCOMES = ['paid', 'promised', 'refused', 'moved', 'unreachable', 'resident', 'retired', 'deceased', 'elsewhere'] as const;

/** `lapse done L<n> <outcome>`: the only command line the bot puts on a button. */
const BUTTON_LINE = new RegExp(`^lapse done L[1-9]\\d{0,11} (?:${BUTTON_OUTCOMES.join('|')})$`);

/**
 * `share <line>`: a "share in channel" button under a private answer; it runs
 * a read-only command anyone may run (`board`, `progress [<area>]`, in any of
 * their words) again and posts the answer publicly.
 */
const SHARE_LINE = /^share (?:board|排行|进度|通报|progress|查询)(?: [^\s\p{Cc}][^\p{Cc}]{0,60})?$/u;

/** The prefix of a share button's line. */
export const SHARE_PREFIX = 'share ';

/** The command line a button value carries, when it is one the bot makes; null otherwise. */
export function buttonCommand(value: string): string | null {
  return BUTTON_LINE.test(value) || SHARE_LINE.test(value) ? value : null;
}

/** The line a share button carries for a private answer to `line`, or null when that answer is not one to share. */
export function shareLine(line: string): string | null {
  const value = `${SHARE_PREFIX}${line.trim().replace(/\s+/g, ' ')}`;
  return SHARE_LINE.test(value) ? value : null;
}

/**
 * Commands answered privately on Slack and Discord even in a channel: what
 * one person asks to see need not fill everyone's screen. The scheduled
 * posts stay public. `shareable`: the answer gets a "share in channel" button.
 */
export const PRIVATE_BY_DEFAULT: ReadonlyMap<string, { shareable: boolean }> = new Map([
  ['board', { shareable: true }],
  ['progress', { shareable: true }],
  ['lapse', { shareable: false }],
]);

/** `lapse done L12 paid` → `L12`, for a follow-up button's line; null for any other line. */
export function followUpCase(line: string): string | null {
  const m = /^lapse done (L\d+) \w+$/.exec(line);
  return m ? m[1]! : null;
}
