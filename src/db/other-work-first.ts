/**
 * Lets the event loop run before going on. better-sqlite3 answers
 * synchronously and a chain of awaits on it resolves as microtasks, so a
 * long job (a province's board, a retention sweep) run in steps on the bot's
 * thread would otherwise hold every payment and acknowledgement waiting
 * behind it until the whole job is done. Await this between the steps.
 */
export const otherWorkFirst = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
