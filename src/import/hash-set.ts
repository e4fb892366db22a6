/** base64url character code → 6-bit value (-1: not base64url). */
const B64 = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) B64[c.charCodeAt(0)] = i;
const BYTES = new Uint8Array(16);
const BYTE_WORDS = new Uint32Array(BYTES.buffer);

/**
 * A set of 128-bit ID hashes (22-character base64url) in one typed array:
 * 16 bytes a person instead of a string and a Set entry (~80 bytes), so
 * finding an ID twice in a million-row roster costs 32 MB, not 80.
 */
export class HashSet128 {
  private table: Uint32Array;
  private mask: number;
  size = 0;

  /** `expected`: roughly how many hashes will come, so the table need not grow (and briefly double) on the way. */
  constructor(expected = 0) {
    let slots = 1 << 16;
    while (slots < expected * 2) slots *= 2;
    this.table = new Uint32Array(slots * 4);
    this.mask = slots - 1;
  }

  /** Adds a hash; false when it was there already. */
  add(hash: string): boolean {
    // The 128 bits of the base64url text, decoded by hand: a Buffer per row costs more than the rest of the set.
    if (hash.length !== 22) throw new Error('HashSet128: not a 128-bit base64url hash');
    const by = BYTES;
    let bad = 0;
    for (let g = 0; g < 5; g++) {
      const i = g * 4;
      const v = (B64[hash.charCodeAt(i) & 127]! << 18) | (B64[hash.charCodeAt(i + 1) & 127]! << 12) | (B64[hash.charCodeAt(i + 2) & 127]! << 6) | B64[hash.charCodeAt(i + 3) & 127]!;
      bad |= v;
      by[g * 3] = v >> 16;
      by[g * 3 + 1] = v >> 8;
      by[g * 3 + 2] = v;
    }
    const last = (B64[hash.charCodeAt(20) & 127]! << 2) | (B64[hash.charCodeAt(21) & 127]! >> 4);
    if (bad < 0 || last < 0) throw new Error('HashSet128: not a 128-bit base64url hash');
    by[15] = last;
    const w = BYTE_WORDS;
    const w0 = w[0]!;
    const w1 = w[1]!;
    const w2 = w[2]!;
    // An all-zero hash would read as an empty slot; 2^-128 odds, but keep it exact.
    const w3 = w[3]! || (w0 | w1 | w2 ? 0 : 1);
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    return this.put(w0, w1, w2, w3);
  }

  private put(w0: number, w1: number, w2: number, w3: number): boolean {
    const t = this.table;
    for (let slot = w0 & this.mask; ; slot = (slot + 1) & this.mask) {
      const i = slot * 4;
      if (t[i] === 0 && t[i + 1] === 0 && t[i + 2] === 0 && t[i + 3] === 0) {
        t[i] = w0;
        t[i + 1] = w1;
        t[i + 2] = w2;
        t[i + 3] = w3;
        this.size++;
        return true;
      }
      if (t[i] === w0 && t[i + 1] === w1 && t[i + 2] === w2 && t[i + 3] === w3) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i] || old[i + 1] || old[i + 2] || old[i + 3]) this.put(old[i]!, old[i + 1]!, old[i + 2]!, old[i + 3]!);
    }
  }
}
