/** One figure of `npm run bench`, printed beside the reference measured in the same run. */
export interface Figure {
  name: string;
  value: string;
  reference: string;
  /** The target it is judged against (docs/figures.md). */
  target?: string;
  pass: boolean;
}

export interface BenchOptions {
  quick: boolean;
  /** Run on PostgreSQL instead of SQLite (`--pg`; see bench/db.ts). */
  pg?: boolean;
}
