/**
 * knip, run by `npm run lint`: fails on files nothing imports, exports no
 * other file uses, and dependencies that are unused or missing from
 * package.json. Entry points it finds by itself: `src/main.ts` and
 * `src/cli.ts` and `bench/run.ts` (package.json scripts), the test files and
 * `vitest.config.ts` (vitest), `eslint.config.js` (eslint). Listed here: what
 * starts by path, not by import.
 */
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  entry: [
    // Run by the bench as child processes.
    'bench/*-child.ts',
    // Measuring aids run by hand (docs/figures.md, the PostgreSQL pay path).
    'bench/pay-trace.ts',
    'bench/pay-replicas-probe.ts',
    // Loaded by the migrator from migrations/index.ts and by file name.
    'migrations/*.ts',
    // Started as worker threads by their URLs.
    'src/import/check-worker.ts',
    'src/import/seal-worker.ts',
  ],
  project: ['src/**/*.ts', 'commands/**/*.ts', 'bench/**/*.ts', 'migrations/**/*.ts', 'test/**/*.ts'],
  // An export its own file uses is a public name worth keeping (a limit, a table type).
  ignoreExportsUsedInFile: true,
};

export default config;
