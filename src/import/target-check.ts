/**
 * Checking the rows of a targets file: pure, so it runs in the import's
 * checking thread. Each row names an area and its target; it is matched to an
 * existing area (its target is then set) or to the parent it will be created
 * under, which may be an area created by an earlier row of the same file.
 */
import type { AreaKind } from '../db/schema.ts';
import { isValidAreaName } from '../domain/area-name.ts';
import { MAX_WHOLE_NUMBER, parseWholeNumber } from '../domain/whole-number.ts';
import { normalize } from '../core/tokens.ts';
import { childKind } from '../domain/area-name.ts';
import { cellText, type RowChecker, type RowView } from './check-table.ts';
import { TARGET_COLUMNS, type TargetColumn } from './columns.ts';
import type { ImportRefusalReason, RefusalTally } from './report.ts';
import type { Cell } from './table-source.ts';

/** An area as the check needs it. */
export interface TargetCheckArea {
  id: number;
  name: string;
  parentId: number | null;
  kind: AreaKind;
}

/** What checking a targets file needs from the importing thread (all of it can be copied to another thread). */
export interface TargetCheckContext {
  /** Every area, the root included. */
  areas: TargetCheckArea[];
  rootId: number;
}

/**
 * Values per accepted row: its line, the name, the existing area to set
 * (null: create one), the parent to create it under (an existing area's id,
 * or the line of the earlier row that creates it) and the target.
 */
export const TARGET_ROW_WIDTH = 6;

/** The values of one accepted row, as `TARGET_ROW_WIDTH` flat values hold them. */
export interface TargetRowValues {
  line: number;
  name: string;
  areaId: number | null;
  parentId: number | null;
  parentLine: number | null;
  people: number;
}

/** Reads row `i` (0-based) of a batch of flat values. */
export function targetRowAt(values: unknown[], i: number): TargetRowValues {
  const at = i * TARGET_ROW_WIDTH;
  return {
    line: values[at] as number,
    name: values[at + 1] as string,
    areaId: values[at + 2] as number | null,
    parentId: values[at + 3] as number | null,
    parentLine: values[at + 4] as number | null,
    people: values[at + 5] as number,
  };
}

/** A target cell: a whole number of people ≥ 0, as a sheet number or as text (`28,000`, `２８０００`, `28000人`). */
export function targetOfCell(cell: Cell): { ok: true; people: number } | { ok: false; reason: ImportRefusalReason } {
  if (typeof cell === 'number') {
    return Number.isInteger(cell) && cell >= 0 && cell <= MAX_WHOLE_NUMBER ? { ok: true, people: cell } : { ok: false, reason: 'target_invalid' };
  }
  const text = normalize(cellText(cell));
  if (!text) return { ok: false, reason: 'target_missing' };
  const people = cell instanceof Date || typeof cell === 'boolean' ? null : parseWholeNumber(text);
  return people === null ? { ok: false, reason: 'target_invalid' } : { ok: true, people };
}

/** Where a new area goes: under an existing area, or under one an earlier row creates. */
type Parent = { kind: AreaKind; id: number; line: null } | { kind: AreaKind; id: null; line: number };

/** The targets' checks; an accepted row adds `TARGET_ROW_WIDTH` values. */
export function targetChecker(ctx: TargetCheckContext): RowChecker<TargetColumn> {
  const byName = new Map<string, TargetCheckArea[]>();
  for (const a of ctx.areas) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  const root = ctx.areas.find((a) => a.id === ctx.rootId)!;
  /** Areas earlier rows create, by name: later rows may name them as their parent. */
  const planned = new Map<string, Parent[]>();
  /** The parents (as written, '' when none) each name was given with so far. */
  const seen = new Map<string, string[]>();
  const refuse = (tally: RefusalTally, row: RowView<TargetColumn>, reason: ImportRefusalReason, col: TargetColumn) => tally.add(reason, row.ref(col));

  return {
    columns: TARGET_COLUMNS,
    check(row, tally, out) {
      const before = tally.total;
      const name = cellText(row.get('township'));
      const nameOk = name !== '' && isValidAreaName(name);
      if (!name) refuse(tally, row, 'township_missing', 'township');
      else if (!nameOk) refuse(tally, row, 'township_name_invalid', 'township');
      const parentText = cellText(row.get('parent'));
      let existing: TargetCheckArea | undefined;
      let parent: Parent | undefined;
      let several = false;
      if (parentText) {
        const found: Parent[] = [
          ...(byName.get(parentText) ?? []).map((a): Parent => ({ kind: a.kind, id: a.id, line: null })),
          ...(planned.get(parentText) ?? []),
        ];
        if (found.length === 0) refuse(tally, row, 'parent_unknown', 'parent');
        else if (found.length > 1) refuse(tally, row, 'parent_ambiguous', 'parent');
        else if (found[0]!.kind === 'village') refuse(tally, row, 'parent_village', 'parent');
        else {
          parent = found[0]!;
          const p = parent;
          if (p.id !== null) existing = byName.get(name)?.find((a) => a.parentId === p.id);
        }
      } else if (nameOk) {
        const found = byName.get(name) ?? [];
        several = found.length > 1;
        if (several) refuse(tally, row, 'township_several', 'township');
        else if (found.length === 1) existing = found[0];
        else parent = { kind: root.kind, id: root.id, line: null };
      }
      // A row that cannot tell which area it means is not taken to mean any other row's.
      if (nameOk && !several) {
        // Rows name the same area when they name it alike and either leaves the parent out or both give the same one.
        const parents = seen.get(name) ?? [];
        if (parents.some((p) => p === '' || parentText === '' || p === parentText)) refuse(tally, row, 'township_repeated', 'township');
        parents.push(parentText);
        seen.set(name, parents);
        if (!existing && parent) {
          // Planned even when this row is refused for its target: later rows then are not refused for their parent too.
          planned.set(name, [...(planned.get(name) ?? []), { kind: childKind(parent.kind), id: null, line: row.line }]);
        }
      }
      const target = targetOfCell(row.get('target'));
      if (!target.ok) refuse(tally, row, target.reason, 'target');
      if (tally.total !== before || !target.ok) return false;
      out.push(
        row.line,
        name,
        existing?.id ?? null,
        existing ? null : parent!.id,
        existing ? null : parent!.line,
        target.people,
      );
      return true;
    },
  };
}
