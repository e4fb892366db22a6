/** Ranking areas by completion rate: pure, exact, and stable. */
import { compareRatio, rateBasisPoints } from './rates.ts';

export interface StandingInput {
  areaId: number;
  name: string;
  enrolled: number;
  target: number;
  today: number;
  amountFen: number;
}

export interface Standing extends StandingInput {
  /** 1-based; areas with exactly the same rate share a rank (1, 2, 2, 4). */
  rank: number;
  rateBp: number | null;
}

/** Orders by completion rate (exact ratio), then enrolled, then name; assigns competition ranks. */
export function rankStandings(rows: readonly StandingInput[]): Standing[] {
  return rankInPlace(
    rows.map((row) => ({
      areaId: row.areaId,
      name: row.name,
      enrolled: row.enrolled,
      target: row.target,
      today: row.today,
      amountFen: row.amountFen,
      rank: 0,
      rateBp: null,
    })),
  );
}

/**
 * `rankStandings` on the caller's own objects: sorts them and sets their
 * rank and rate, allocating nothing per row (a province's board ranks 2,000
 * lines that it builds whole anyway).
 */
export function rankInPlace<S extends StandingInput & { rank: number; rateBp: number | null }>(rows: S[]): S[] {
  rows.sort(
    (a, b) =>
      compareRatio(b.enrolled, b.target, a.enrolled, a.target) ||
      b.enrolled - a.enrolled ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const prev = i > 0 ? rows[i - 1] : undefined;
    const tied = prev !== undefined && compareRatio(row.enrolled, row.target, prev.enrolled, prev.target) === 0;
    row.rank = tied ? prev.rank : i + 1;
    row.rateBp = rateBasisPoints(row.enrolled, row.target);
  }
  return rows;
}
