/**
 * Generated `pay` lines for the round-trip properties: what a coordinator
 * means (people, amount, township, note) and the many ways they may write it,
 * in Chinese and English. A line built here is accepted, and what it records
 * must equal what it means.
 */
import fc from 'fast-check';

const DIGITS = '零一二三四五六七八九';
const FINANCIAL: Record<string, string> = {
  一: '壹', 二: '贰', 三: '叁', 四: '肆', 五: '伍', 六: '陆', 七: '柒', 八: '捌', 九: '玖', 十: '拾', 百: '佰', 千: '仟',
};

/** 0 < n < 10,000 in Chinese numerals; `leading`: 10–19 may drop the 一 (十二). */
function section(n: number, leading: boolean): string {
  const places = ['千', '百', '十', ''];
  const digits = String(n).padStart(4, '0').split('').map(Number);
  let out = '';
  let zero = false;
  let started = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      if (started) zero = true;
      return;
    }
    if (zero) out += '零';
    zero = false;
    out += leading && !started && i === 2 && d === 1 ? '十' : `${DIGITS[d]}${places[i]}`;
    started = true;
  });
  return out;
}

/** A whole number below 10^8 as a bureau writes it in Chinese numerals: 4800 → 四千八百, 10050 → 一万零五十. */
export function toChinese(n: number, financial = false): string {
  if (n === 0) return '零';
  const hi = Math.floor(n / 10_000);
  const lo = n % 10_000;
  let s = hi > 0 ? `${section(hi, true)}万` : '';
  if (lo > 0) s += hi > 0 ? `${lo < 1000 ? '零' : ''}${section(lo, false)}` : section(lo, true);
  return financial ? [...s].map((c) => FINANCIAL[c] ?? c).join('') : s;
}

const fullWidth = (s: string) => s.replace(/[0-9,.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const thousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `fen` as decimal 元 text: `480050` → `4800.5`. */
function yuanText(fen: number): string {
  const yuan = Math.floor(fen / 100);
  const rest = fen % 100;
  return rest ? `${yuan}.${String(rest).padStart(2, '0').replace(/0$/, '')}` : String(yuan);
}

/** Every spelling of an amount in fen that must read back as exactly that amount. */
export function amountSpellings(fen: number): string[] {
  const yuan = yuanText(fen);
  const [whole, frac] = yuan.split('.');
  const grouped = `${thousands(whole!)}${frac ? `.${frac}` : ''}`;
  const wan = (fen / 1_000_000).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  const forms = [yuan, `${yuan}元`, grouped, `¥${yuan}`, `￥${grouped}`, `${wan}万`, `${wan}万元`, fullWidth(yuan), `RMB${yuan}`, `${yuan}块`, `金额${yuan}`];
  if (fen % 100 === 0 && fen / 100 < 100_000_000) {
    const y = fen / 100;
    forms.push(`${toChinese(y)}元`, toChinese(y), `${toChinese(y, true)}元整`);
  } else if (fen % 10 === 0 && fen > 100 && fen / 100 < 100_000_000) {
    forms.push(`${toChinese(Math.floor(fen / 100), true)}元${toChinese((fen % 100) / 10, true)}角`);
  }
  return forms;
}

/** What a coordinator means by a line. */
export interface Meant {
  people: number;
  /** Undefined: the standard premium for each person. */
  amountFen?: number;
  /** As written after `in`; undefined: the channel's township. */
  township?: string;
  note?: string;
}

/** Notes that need no quotes: they start with neither a number nor an area's name. */
const PLAIN_WORDS = ['现金', '收讫', '上午', '第一批', '张家', '补缴', 'cash', 'batch', '微信', '转账'];
/** Notes that must be quoted: they start with a number or hold the grammar's own words. */
const QUOTED_NOTES = ['800 户', 'in 城北街道', '4800', '3月补缴', '城北街道转来', '在 青山镇 收', '十户', '¥20 找零'];

export interface PayCase {
  meant: Meant;
  line: string;
}

/**
 * A generated accepted line. `townships` are the names (or paths) the user
 * may log to; `floorFen`/`premiumFen` bound the amount a person.
 */
export function payLines(opts: { townships: readonly string[]; floorFen: number; premiumFen: number }): fc.Arbitrary<PayCase> {
  return fc
    .record({
      people: fc.integer({ min: 1, max: 300 }),
      amountShare: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
      township: fc.option(fc.constantFrom(...opts.townships), { nil: undefined }),
      noteKind: fc.constantFrom('none', 'plain', 'quoted'),
      plain: fc.array(fc.constantFrom(...PLAIN_WORDS), { minLength: 1, maxLength: 3 }),
      quoted: fc.constantFrom(...QUOTED_NOTES),
      quotes: fc.constantFrom(['“', '”'], ['"', '"'], ['「', '」']),
      word: fc.constantFrom('pay', 'PAY', '缴费', '收缴', '登记'),
      glue: fc.boolean(),
      peopleForm: fc.constantFrom('digits', 'ren', 'renci', 'full', 'chinese'),
      amountForm: fc.nat(),
      inAt: fc.constantFrom(0, 1, 2, 3),
      inWord: fc.constantFrom('in', '在', 'IN'),
      glueAmount: fc.boolean(),
    })
    .map((r): PayCase => {
      const amountFen =
        r.amountShare === undefined
          ? undefined
          : r.people * opts.floorFen + Math.floor(((r.people * (opts.premiumFen - opts.floorFen)) * r.amountShare) / 1_000_000);
      const note = r.noteKind === 'plain' ? r.plain.join(' ') : r.noteKind === 'quoted' ? r.quoted : undefined;
      const meant: Meant = { people: r.people, amountFen, township: r.township, note };

      const peopleText = {
        digits: String(r.people),
        ren: `${r.people}人`,
        renci: `${r.people}人次`,
        full: fullWidth(String(r.people)),
        chinese: `${toChinese(r.people)}人`,
      }[r.peopleForm];
      const amountText = amountFen === undefined ? undefined : amountSpellings(amountFen)[r.amountForm % amountSpellings(amountFen).length]!;
      // Without an amount, a word after the count would stand in the amount's place: a note is then quoted.
      const quoted = r.noteKind === 'quoted' || (r.noteKind === 'plain' && amountFen === undefined);
      const noteText = note === undefined ? undefined : quoted ? `${r.quotes[0]}${note}${r.quotes[1]}` : note;
      const inClause = r.township === undefined ? [] : [r.inWord, r.township];

      const chineseWord = /[^\x00-\x7f]/.test(r.word);
      // 12人4800元: a count with 人 glued to the amount, as Chinese is typed.
      const numbers =
        amountText !== undefined && r.glueAmount && /人$/.test(peopleText) && r.inAt !== 1 ? [`${peopleText}${amountText}`] : [peopleText, ...(amountText === undefined ? [] : [amountText])];
      const parts: string[][] = [numbers, noteText === undefined ? [] : [noteText]];
      // `in <township>` before the numbers, between them and the note, or last.
      const at = Math.min(r.inAt, 2);
      const body: string[] = [];
      if (at === 0) body.push(...inClause, ...parts[0]!, ...parts[1]!);
      else if (at === 1) body.push(...parts[0]!, ...inClause, ...parts[1]!);
      else body.push(...parts[0]!, ...parts[1]!, ...inClause);
      const first = body[0]!;
      const line =
        chineseWord && r.glue && at !== 0 && /^[0-9０-９零一二两三四五六七八九十]/.test(first)
          ? [`${r.word}${first}`, ...body.slice(1)].join(' ')
          : [r.word, ...body].join(' ');
      return { meant, line };
    });
}
