/**
 * The named lists' lines on `progress` and the board: the special groups'
 * enrolment against their 100 % floor, and who still holds a township's
 * named unpaid residents. Counts and cadre names only, never the people.
 */
import type { Catalogue } from '../i18n/index.ts';
import { formatRate, rateBasisPoints } from '../domain/rates.ts';
import type { SpecialFigures } from '../store/named-people.ts';

const n = (x: number) => x.toLocaleString('en');

/** A rate against a 100 % floor: never shown as 100.00% while someone is still unpaid. */
function floorRate(paid: number, due: number): string {
  const bp = rateBasisPoints(paid, due);
  return formatRate(bp !== null && paid < due ? Math.min(bp, 9_999) : bp);
}

/** One area's special-group line (the sum of its townships), or null when no list was imported there. */
export function specialProgressLine(t: Catalogue, figures: readonly SpecialFigures[]): string | null {
  const due = figures.reduce((s, f) => s + f.due, 0);
  if (due === 0) return null;
  const paid = figures.reduce((s, f) => s + f.paid, 0);
  return t.progressSpecial({ paid: n(paid), due: n(due), rate: floorRate(paid, due), short: due > paid ? n(due - paid) : '' });
}

/** The board's special-group line: the area's total, and the townships below the floor, lowest first. */
export function specialBoardLine(t: Catalogue, figures: readonly SpecialFigures[], maxNamed = 10): string | null {
  const due = figures.reduce((s, f) => s + f.due, 0);
  if (due === 0) return null;
  const paid = figures.reduce((s, f) => s + f.paid, 0);
  const below = figures
    .filter((f) => f.paid < f.due)
    .sort((a, b) => a.paid * b.due - b.paid * a.due || a.areaId - b.areaId)
    .slice(0, maxNamed)
    .map((f) => t.boardSpecialItem({ area: f.areaName, rate: floorRate(f.paid, f.due) }));
  return t.boardSpecialLine({ paid: n(paid), due: n(due), rate: floorRate(paid, due), below: t.list({ items: below }) });
}

/** A township's named unpaid residents left, and who holds them; null when none are left. */
export function unpaidLeftLine(t: Catalogue, holders: readonly { name: string | null; count: number }[]): string | null {
  const left = holders.reduce((s, h) => s + h.count, 0);
  if (left === 0) return null;
  const items = holders.map((h) => t.progressHolder({ name: h.name ?? t.progressUnassigned(), count: n(h.count) }));
  return t.progressNamedLeft({ left: n(left), holders: t.list({ items }) });
}
