/**
 * Thrown by a command (or an argument parser) to refuse with a localized
 * message. Inside a write transaction it rolls everything back, so a refused
 * command writes nothing.
 */
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refusal';
  }
}
