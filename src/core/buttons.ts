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

/** The command line a button value carries, when it is one the bot makes; null otherwise. */
export function buttonCommand(value: string): string | null {
  return BUTTON_LINE.test(value) ? value : null;
}
