/** Splitting a chat message into words. */

/**
 * NFKC folds full-width digits, letters and punctuation (`１２`, `，`) into
 * their ASCII forms, so `０.４８万` reads as `0.48万`. ￥ stays as is and the
 * amount parser takes both yen signs.
 */
export function normalize(text: string): string {
  return text.normalize('NFKC').replace(/[\u200b-\u200d\ufeff]/g, '').trim();
}

/**
 * Words separated by any white space, the ideographic space included. Words
 * keep their original form (a name or note with full-width brackets stays as
 * written); numbers and keywords are normalized where they are read.
 */
export function tokenize(text: string): string[] {
  const t = text.replace(/[\u200b-\u200d\ufeff]/g, '').trim();
  return t ? t.split(/[\s\u3000]+/u) : [];
}
