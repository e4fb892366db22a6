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
  const sorted = [...rows].sort(
    (a, b) =>
      compareRatio(b.enrolled, b.target, a.enrolled, a.target) ||
      b.enrolled - a.enrolled ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const out: Standing[] = new Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const row = sorted[i]!;
    const prev = i > 0 ? out[i - 1] : undefined;
    const tied = prev !== undefined && compareRatio(row.enrolled, row.target, prev.enrolled, prev.target) === 0;
    // Field by field, not spread: a province's board ranks 2,000 lines.
    out[i] = {
      areaId: row.areaId,
      name: row.name,
      enrolled: row.enrolled,
      target: row.target,
      today: row.today,
      amountFen: row.amountFen,
      rank: tied ? prev.rank : i + 1,
      rateBp: rateBasisPoints(row.enrolled, row.target),
    };
  }
  return out;
}
