/**
 * A set of resident ID numbers in one typed array, to find an ID twice in a
 * million-row roster: 8 bytes a person instead of a string and a Set entry
 * (~80 bytes). A valid ID is fixed by its first 17 digits (the 18th is their
 * check digit), kept as two numbers: digits 1–8 and 9–17. Exact, no hashing
 * of the ID needed.
 */
import { EnrollbotError } from '../core/errors.ts';

export class IdNumberSet {
  private table: Uint32Array;
  private mask: number;
  size = 0;

  /** `expected`: roughly how many IDs will come, so the table need not grow (and briefly double) on the way. */
  constructor(expected = 0) {
    let slots = 1 << 16;
    while (slots < expected * 2) slots *= 2;
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  /** Adds an ID that passed `parseIdNumber`; false when it was there already. */
  add(id: string): boolean {
    let hi = 0;
    let lo = 0;
    let bad = id.length !== 18;
    for (let i = 0; i < 17; i++) {
      const d = id.charCodeAt(i) - 48;
      if (d < 0 || d > 9) bad = true;
      if (i < 8) hi = hi * 10 + d;
      else lo = lo * 10 + d;
    }
    // A valid ID's first digit is 1–9, so `hi` is never 0: 0 marks an empty slot.
    if (bad || hi < 10_000_000) throw new EnrollbotError('internal', 'IdNumberSet: not a checked ID number');
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    return this.put(hi, lo);
  }

  private put(hi: number, lo: number): boolean {
    const t = this.table;
    // IDs share region codes and birth dates: mix both halves before taking a slot.
    let h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const i = slot * 2;
      if (t[i] === 0) {
        t[i] = hi;
        t[i + 1] = lo;
        this.size++;
        return true;
      }
      if (t[i] === hi && t[i + 1] === lo) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i]) this.put(old[i]!, old[i + 1]!);
  }
}
