/**
 * A checked roster batch hashed and sealed: what runs on the import's sealing
 * thread (see `check-thread.ts`), between the checking thread and the
 * importing one, so that names, phones and ID numbers reach the importing
 * thread only hashed, sealed or masked, and the hashing and sealing (about
 * as much work as reading and checking) run beside both.
 */
import { piiHasher } from '../domain/pii-hash.ts';
import { contactText, piiSealer, type SealKeys } from '../domain/pii-seal.ts';
import { ROSTER_CHECKED_WIDTH, ROSTER_ROW_WIDTH } from './roster-check.ts';

/**
 * The keys a roster's IDs are hashed and its names and phones sealed under,
 * copied to the sealing thread. Never logged, never in a message.
 */
export interface RosterKeys {
  /** The ID hash's key (`piiHasher`). */
  id: Uint8Array;
  /** The sealing keys (`piiSealer`). */
  seal: SealKeys;
}

/**
 * Turns a batch of `RosterRowValues` (as `rosterChecker` adds them, name and
 * phone in clear) into `RosterCheckedValues`: the ID hashed, name and phone
 * sealed together (one call into the block cipher a batch), the rest as checked.
 */
export function rosterSealer(keys: RosterKeys): (values: unknown[], rows: number) => unknown[] {
  const hasher = piiHasher(keys.id);
  const sealer = piiSealer(keys.seal);
  return (values, rows) => {
    const out: unknown[] = new Array<unknown>(rows * ROSTER_CHECKED_WIDTH);
    const items: { value: string; person: string }[] = new Array<{ value: string; person: string }>(rows);
    for (let r = 0, i = 0, o = 0; r < rows; r++, i += ROSTER_ROW_WIDTH, o += ROSTER_CHECKED_WIDTH) {
      const hash = hasher.hashId(values[i] as string);
      items[r] = { value: contactText(values[i + 2] as string, values[i + 3] as string | null), person: hash };
      out[o] = hash;
      out[o + 1] = values[i + 1];
      // The rest as checked, past the clear name and phone.
      for (let k = 3; k < ROSTER_CHECKED_WIDTH; k++) out[o + k] = values[i + k + 1];
    }
    const sealed = sealer.sealMany(items, 'contact');
    for (let r = 0; r < rows; r++) out[r * ROSTER_CHECKED_WIDTH + 2] = sealed[r];
    return out;
  };
}
