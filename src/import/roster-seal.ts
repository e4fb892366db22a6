/**
 * A checked roster batch sealed: what runs on the import's sealing thread
 * (see `check-thread.ts`), between the checking thread (which hashed the
 * IDs) and the importing one, so that names and phones reach the importing
 * thread only sealed or masked, and the sealing (an HMAC and AES-GCM a row,
 * about as much work as the checks) runs beside both.
 */
import { contactText, piiSealer, type SealKeys } from '../domain/pii-seal.ts';
import { ROSTER_CHECKED_WIDTH, ROSTER_ROW_WIDTH } from './roster-check.ts';

/**
 * Turns a batch of `RosterRowValues` (as `rosterChecker` posts them: ID
 * hashed, name and phone in clear) into `RosterCheckedValues`: name and phone
 * sealed together (one call into the block cipher a batch), the rest as
 * checked. `keys` (copied to the thread) are never logged, never in a message.
 */
export function rosterSealer(keys: SealKeys): (values: unknown[], rows: number) => unknown[] {
  const sealer = piiSealer(keys);
  // Read once: a module's exports are getters once tsx has compiled it for a thread.
  const inWidth = ROSTER_ROW_WIDTH;
  const outWidth = ROSTER_CHECKED_WIDTH;
  return (values, rows) => {
    const out: unknown[] = new Array<unknown>(rows * outWidth);
    const items: { value: string; person: string }[] = new Array<{ value: string; person: string }>(rows);
    for (let r = 0, i = 0, o = 0; r < rows; r++, i += inWidth, o += outWidth) {
      const hash = values[i] as string;
      items[r] = { value: contactText(values[i + 2] as string, values[i + 3] as string | null), person: hash };
      out[o] = hash;
      out[o + 1] = values[i + 1];
      // The rest as checked, past the clear name and phone.
      for (let k = 3; k < outWidth; k++) out[o + k] = values[i + k + 1];
    }
    const sealed = sealer.sealMany(items, 'contact');
    for (let r = 0; r < rows; r++) out[r * outWidth + 2] = sealed[r];
    return out;
  };
}
