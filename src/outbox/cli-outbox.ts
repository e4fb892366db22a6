/**
 * `npm run cli -- outbox`: the posts the outbox gave up on (dead letters),
 * and `outbox resend <id>… | all` to queue them again once the cause is
 * fixed. A running bot's worker picks resent posts up at its next poll.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { deadLetters, resendDeadLetters } from '../store/outbox.ts';
import { redact } from '../domain/mask.ts';

export const OUTBOX_USAGE = 'usage: npm run cli -- outbox            list the posts given up on\n       npm run cli -- outbox resend <id>… | all\n';

/** Runs the subcommand; returns the exit code. `write` takes standard output, `fail` standard error. */
export async function cliOutbox(db: Kysely<Database>, args: readonly string[], io: { write(s: string): void; fail(s: string): void; now: Date }): Promise<number> {
  if (args.length === 0 || (args.length === 1 && args[0] === 'list')) {
    const dead = await deadLetters(db);
    if (dead.length === 0) {
      io.write('no dead letters: every post was delivered or is still being tried\n');
      return 0;
    }
    for (const d of dead) {
      io.write(`#${d.id}  ${d.platform}  ${d.channelId}  ${d.what}  attempts ${d.attempts}  dead since ${d.deadAt}\n      ${redact(d.lastError ?? '')}\n`);
    }
    io.write(`${dead.length} dead letter${dead.length === 1 ? '' : 's'}; resend with: npm run cli -- outbox resend <id>… | all\n`);
    return 0;
  }
  if (args[0] === 'resend' && args.length > 1) {
    const all = args.length === 2 && args[1] === 'all';
    const ids = all ? undefined : args.slice(1).map((a) => (/^#?\d{1,12}$/.test(a) ? Number(a.replace('#', '')) : NaN));
    if (ids?.some((n) => Number.isNaN(n))) {
      io.fail(`outbox resend: name posts by their number (#12 or 12) or write all\n${OUTBOX_USAGE}`);
      return 2;
    }
    const n = await resendDeadLetters(db, io.now, ids);
    io.write(n ? `queued ${n} post${n === 1 ? '' : 's'} again; a running bot sends ${n === 1 ? 'it' : 'them'} within seconds\n` : 'no such dead letter: nothing queued (npm run cli -- outbox lists them)\n');
    return n || all ? 0 : 1;
  }
  io.fail(OUTBOX_USAGE);
  return 2;
}
