/**
 * Checking the rows of an official-figures file: pure, so it runs in the
 * import's checking thread. Each row names an existing area (a township,
 * its village in a column of its own, or a path `城南街道/和平村`), the
 * people paid, and optionally the amount (元, or 万元 when the header says
 * so) and the as-of date. A name that matches no area is refused with the
 * nearest names there are, so the file can be put right in one pass.
 */
import type { AreaKind } from '../db/schema.ts';
import { parseAmount } from '../domain/money.ts';
import { parseWholeNumber, MAX_WHOLE_NUMBER } from '../domain/whole-number.ts';
import { parseDate } from '../domain/calendar.ts';
import { normalize } from '../core/tokens.ts';
import { cellText, type RowChecker, type RowView } from './check-table.ts';
import { OFFICIAL_COLUMNS, type OfficialColumn } from './columns.ts';
import type { ImportRefusalReason, RefusalTally } from './report.ts';
import type { Cell } from './table-source.ts';

/** An area as the check needs it. */
export interface OfficialCheckArea {
  id: number;
  name: string;
  parentId: number | null;
  kind: AreaKind;
}

/** What checking an official file needs from the importing thread (all of it can be copied to another thread). */
export interface OfficialCheckContext {
  areas: OfficialCheckArea[];
  /** The date of rows without one (`--as-of`, else the business date of the import). */
  asOf: string;
  /** The business date: a figure as of a later date is refused. */
  today: string;
  /** The campaign's first day: a figure before it belongs to another campaign. */
  start: string;
}

/** Values per accepted row: line, area id (0: a total line passed over), as-of date, people, amount in fen or null. */
export const OFFICIAL_ROW_WIDTH = 5;

/** The values of one accepted row. */
export interface OfficialRowValues {
  line: number;
  /** 0 for a total line of the whole file (合计), which is passed over. */
  areaId: number;
  asOf: string;
  people: number;
  amountFen: number | null;
}

/** Reads row `i` (0-based) of a batch of flat values. */
export function officialRowAt(values: unknown[], i: number): OfficialRowValues {
  const at = i * OFFICIAL_ROW_WIDTH;
  return {
    line: values[at] as number,
    areaId: values[at + 1] as number,
    asOf: values[at + 2] as string,
    people: values[at + 3] as number,
    amountFen: values[at + 4] as number | null,
  };
}

/** Words of a total line: the whole file's (passed over) or, in a village column, the township's own figure. */
const TOTAL_WORDS = new Set(['合计', '总计', '小计', '汇总', '全区合计', '全县合计', '全市合计', 'total', 'subtotal']);

/** A date cell: a sheet date, `2026-12-01`, `2026/12/1`, `2026.12.01`, `20261201`, `2026年12月1日`. */
export function dateOfCell(cell: Cell): string | null {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return Number.isInteger(cell) ? dateOfText(String(cell)) : null;
  return dateOfText(normalize(cellText(cell)));
}

function dateOfText(text: string): string | null {
  const m = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/.exec(text);
  if (!m) return null;
  const [month, day] = m[2] !== undefined ? [m[2], m[3]!] : [m[4]!, m[5]!];
  return parseDate(`${m[1]}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`);
}

/** A people cell: a whole number ≥ 0, as a sheet number or as text (`1,234`, `１２３４`, `1234人`). */
function peopleOfCell(cell: Cell): { ok: true; people: number } | { ok: false; reason: ImportRefusalReason } {
  if (typeof cell === 'number') {
    return Number.isInteger(cell) && cell >= 0 && cell <= MAX_WHOLE_NUMBER ? { ok: true, people: cell } : { ok: false, reason: 'people_invalid' };
  }
  const text = normalize(cellText(cell));
  if (!text) return { ok: false, reason: 'people_missing' };
  const people = cell instanceof Date || typeof cell === 'boolean' ? null : parseWholeNumber(text);
  return people === null ? { ok: false, reason: 'people_invalid' } : { ok: true, people };
}

/** An amount cell, in 元 (or 万元 when `wan`); zero is an amount here (a village where nobody paid yet). */
function amountOfCell(cell: Cell, wan: boolean): { ok: true; fen: number | null } | { ok: false; reason: ImportRefusalReason } {
  let text = typeof cell === 'number' ? String(cell) : normalize(cellText(cell));
  if (text === '') return { ok: true, fen: null };
  if (/^0+(\.0+)?$/.test(text)) return { ok: true, fen: 0 };
  if (wan && /^[\d,.]+$/.test(text)) text = `${text}万`;
  const r = parseAmount(text);
  if (r.ok) return { ok: true, fen: r.fen };
  return { ok: false, reason: r.problem === 'negative' ? 'amount_negative' : 'amount_invalid' };
}

/** Edit distance of two short names (by code point). */
function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

/** The names in `pool` nearest to `name` (at most three, none that differs in most of its characters). */
export function nearestNames(name: string, pool: Iterable<string>): string[] {
  const len = [...name].length;
  const scored: { name: string; d: number }[] = [];
  for (const candidate of pool) {
    const d = distance(name, candidate);
    if (d <= Math.max(2, Math.floor(len / 2))) scored.push({ name: candidate, d });
  }
  return scored
    .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, 3)
    .map((s) => s.name);
}

/** How many unknown names get their nearest names looked up: the report lists no more lines than that. */
const NEAREST_LOOKUPS = 200;

/** The official figures' checks; an accepted row adds `OFFICIAL_ROW_WIDTH` values. */
export function officialChecker(ctx: OfficialCheckContext): RowChecker<OfficialColumn> {
  const byId = new Map(ctx.areas.map((a) => [a.id, a]));
  const byName = new Map<string, OfficialCheckArea[]>();
  const children = new Map<number, string[]>();
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const a of ctx.areas) {
    push(byName, a.name, a);
    if (a.parentId !== null) push(children, a.parentId, a.name);
  }
  const townshipNames = [...new Set(ctx.areas.filter((a) => a.kind !== 'village').map((a) => a.name))];
  /** Children by parent and name: a path is followed down from its first name, one lookup a level. */
  const childByName = new Map<string, OfficialCheckArea[]>();
  for (const a of ctx.areas) if (a.parentId !== null) push(childByName, `${a.parentId}/${a.name}`, a);
  const resolve = (parts: readonly string[]): OfficialCheckArea[] => {
    let found = byName.get(parts[0]!) ?? [];
    for (const part of parts.slice(1)) found = found.flatMap((a) => childByName.get(`${a.id}/${part}`) ?? []);
    return found;
  };
  const nearestCache = new Map<string, string[]>();
  const nearest = (parts: readonly string[]): string[] => {
    const key = parts.join('/');
    let found = nearestCache.get(key);
    if (found) return found;
    if (nearestCache.size >= NEAREST_LOOKUPS) return [];
    // A village is looked for among its township's villages when the township is known.
    const parents = parts.length > 1 ? resolve(parts.slice(0, -1)) : [];
    const pool = parents.length === 1 ? (children.get(parents[0]!.id) ?? []) : townshipNames;
    // With its township unknown, the township is what to put right first.
    const target = parents.length === 1 || parts.length === 1 ? parts.at(-1)! : parts.at(-2)!;
    found = nearestNames(target, pool);
    if (parents.length === 1) found = found.map((n) => `${parts.slice(0, -1).join('/')}/${n}`);
    nearestCache.set(key, found);
    return found;
  };
  /** The (area, date) pairs of earlier rows: a second figure for one is refused. */
  const seen = new Set<string>();
  const refuse = (tally: RefusalTally, row: RowView<OfficialColumn>, reason: ImportRefusalReason, col: OfficialColumn) => tally.add(reason, row.ref(col));
  let wan: boolean | undefined;

  return {
    columns: OFFICIAL_COLUMNS,
    check(row, tally, out) {
      const before = tally.total;
      wan ??= /万/.test(row.ref('amount').header ?? '');
      const township = normalize(cellText(row.get('township')));
      const village = normalize(cellText(row.get('village')));
      let area: OfficialCheckArea | undefined;
      let skip = false;
      if (!township) {
        refuse(tally, row, 'township_missing', 'township');
      } else if (TOTAL_WORDS.has(township.toLowerCase())) {
        skip = true;
      } else {
        const parts = township.split('/').map((p) => p.trim());
        if (village && !TOTAL_WORDS.has(village.toLowerCase())) parts.push(village);
        const found = parts.some((p) => p === '') ? [] : resolve(parts);
        const written = parts.join('/');
        const col: OfficialColumn = village && parts.length > township.split('/').length ? 'village' : 'township';
        if (found.length === 1) area = found[0];
        else if (found.length === 0) tally.add('area_unknown', { ...row.ref(col), written, nearest: nearest(parts) });
        else {
          const options = found.map((a) => {
            const up = a.parentId === null ? undefined : byId.get(a.parentId);
            return up ? `${up.name}/${a.name}` : a.name;
          });
          tally.add('area_ambiguous', { ...row.ref(col), written, nearest: options });
        }
      }
      const people = peopleOfCell(row.get('people'));
      if (!people.ok) refuse(tally, row, people.reason, 'people');
      const amount = amountOfCell(row.get('amount'), wan);
      if (!amount.ok) refuse(tally, row, amount.reason, 'amount');
      let asOf = ctx.asOf;
      const dateCell = row.get('as_of');
      if (cellText(dateCell) !== '') {
        const d = dateOfCell(dateCell);
        if (d === null) refuse(tally, row, 'as_of_invalid', 'as_of');
        else asOf = d;
      }
      if (asOf > ctx.today) refuse(tally, row, 'as_of_future', 'as_of');
      else if (asOf < ctx.start) refuse(tally, row, 'as_of_before_start', 'as_of');
      if (area && tally.total === before) {
        const key = `${area.id}@${asOf}`;
        if (seen.has(key)) refuse(tally, row, 'official_repeated', 'township');
        seen.add(key);
      }
      if (tally.total !== before || !people.ok || !amount.ok) return false;
      out.push(row.line, skip ? 0 : area!.id, asOf, people.people, amount.fen);
      return true;
    },
  };
}
