/**
 * Thrown by a command, a service or an argument parser to refuse with a
 * localized message. Inside a write transaction it rolls everything back, so
 * a refused command writes nothing.
 */

/**
 * Why a command was refused, for callers to switch on (the reply carries it
 * as `code`); the message is for the user and may change wording any time.
 * - `invalid_input`: a word missing, extra or unreadable; a bad name or value.
 * - `not_permitted`: the speaker's roles or scope do not allow it.
 * - `not_found`: no such area, entry, case or binding.
 * - `ambiguous`: a name that several areas answer to.
 * - `conflict`: already done (reversed, granted, posted, exists, closed), or the last admin.
 * - `campaign_closed`: outside the campaign's dates.
 * - `over_limit`: an amount or a count outside what the campaign allows.
 * - `wrong_place`: asked in a channel where the answer may not be shown or makes no sense.
 * - `scan_month_refused`: a lapse scan of a month that cannot be judged.
 * - `unavailable`: the bot is shutting down; ask again shortly.
 */
export type RefusalCode =
  | 'invalid_input'
  | 'not_permitted'
  | 'not_found'
  | 'ambiguous'
  | 'conflict'
  | 'campaign_closed'
  | 'over_limit'
  | 'wrong_place'
  | 'scan_month_refused'
  | 'unavailable';

export class Refusal extends Error {
  readonly code: RefusalCode;
  /**
   * The command was written wrong (a word missing or too many): the reply
   * adds the command's usage line, as it does when the arguments do not parse.
   */
  readonly showUsage: boolean;

  constructor(message: string, options: { code: RefusalCode; usage?: boolean }) {
    super(message);
    this.name = 'Refusal';
    this.code = options.code;
    this.showUsage = options.usage ?? false;
  }
}
