/**
 * Thrown by a command (or an argument parser) to refuse with a localized
 * message. Inside a write transaction it rolls everything back, so a refused
 * command writes nothing.
 */
export class Refusal extends Error {
  /**
   * The command was written wrong (a word missing or too many): the reply
   * adds the command's usage line, as it does when the arguments do not parse.
   */
  readonly showUsage: boolean;

  constructor(message: string, options: { usage?: boolean } = {}) {
    super(message);
    this.name = 'Refusal';
    this.showUsage = options.usage ?? false;
  }
}
