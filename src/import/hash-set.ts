/**
 * A set of 128-bit ID hashes (22-character base64url) in one typed array:
 * 16 bytes a person instead of a string and a Set entry (~80 bytes), so
 * finding an ID twice in a million-row roster costs 32 MB, not 80.
 */
/** base64url character code → 6-bit value (-1: not base64url). */
const B64 = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) B64[c.charCodeAt(0)] = i;
const WORDS = new Int32Array(4);

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
    // The first 128 bits of the base64url text, decoded by hand: a Buffer per row costs more than the rest of the set.
    const w = WORDS;
    w[0] = w[1] = w[2] = w[3] = 0;
    let acc = 0;
    let bits = 0;
    let byte = 0;
    for (let i = 0; i < hash.length && byte < 16; i++) {
      const v = B64[hash.charCodeAt(i) & 127]!;
      if (v < 0) throw new Error('HashSet128: not a base64url hash');
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        w[byte >> 2]! |= ((acc >> bits) & 0xff) << ((byte & 3) * 8);
        byte++;
      }
    }
    const w0 = w[0]! >>> 0;
    const w1 = w[1]! >>> 0;
    const w2 = w[2]! >>> 0;
    // An all-zero hash would read as an empty slot; 2^-128 odds, but keep it exact.
    const w3 = w[3]! >>> 0 || (w0 | w1 | w2 ? 0 : 1);
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
