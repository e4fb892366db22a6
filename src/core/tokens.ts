/** Splitting a chat message into words, and folding the forms people type. */

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;

/**
 * Folds full-width ASCII forms (`１２`, `，`, `ｐａｙ`, `：`) and the
 * ideographic space into their ASCII forms, and drops zero-width characters,
 * so `０.４８万` reads as `0.48万`. Nothing else is folded: a circled ⑫, a
 * superscript ² or another script's digits stay what they are and are not
 * read as numbers (NFKC would turn `⑫` into `12`). ￥ stays as is; the amount
 * parser takes both yen signs.
 */
export function normalize(text: string): string {
  return text
    .replace(ZERO_WIDTH, '')
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
}

/** Quote pairs that make a span of words one word of text: `“城北街道 转来”`, `'cash'`. */
const QUOTES: Record<string, string> = { '"': '"', '＂': '＂', '“': '”', '「': '」', '『': '』', "'": "'", '‘': '’' };

/** Whether a word is wholly quoted (`“现金”`): text, never a number, keyword or name. */
export function isQuoted(word: string): boolean {
  const close = QUOTES[word[0] ?? ''];
  return close !== undefined && word.length >= 2 && word.endsWith(close);
}

/** A text that is one quoted word (`“城北街道 转来”`) without its quotes; any other text as it is. */
export function unquoteWhole(text: string): string {
  const words = tokenize(text);
  return words.length === 1 && isQuoted(words[0]!) ? words[0]!.slice(1, -1) : text;
}

/**
 * Words separated by any white space, the ideographic space included. A span
 * that opens with a quote (`"`, `“`, `「`, `『`, `'`, `‘`) and is closed later is one word,
 * spaces and all. Words keep their original form (a name or note with
 * full-width brackets stays as written); numbers and keywords are normalized
 * where they are read.
 */
export function tokenize(text: string): string[] {
  const t = text.replace(ZERO_WIDTH, '');
  const words: string[] = [];
  const space = /[\s\u3000]/u;
  let i = 0;
  while (i < t.length) {
    while (i < t.length && space.test(t[i]!)) i++;
    if (i >= t.length) break;
    let end = i;
    const close = QUOTES[t[i]!];
    const closeAt = close === undefined ? -1 : t.indexOf(close, i + 1);
    if (closeAt > i) end = closeAt + 1;
    while (end < t.length && !space.test(t[end]!)) end++;
    words.push(t.slice(i, end));
    i = end;
  }
  return words;
}
