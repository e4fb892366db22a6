/**
 * App instances that share one database, as replicas do, each closed (and
 * the database's folder removed) after every test of the file that calls
 * `sharedDatabase()` at its top.
 */
import { afterEach } from 'vitest';
import { rmSync } from 'node:fs';
import { makeDir, openTestApp, type TestApp } from './app.ts';
import { testDialect } from './database.ts';

export interface SharedDatabase {
  /** One more instance on the test's database (the first call makes the database). */
  open(): Promise<TestApp>;
  /**
   * Two replicas: two instances on PostgreSQL, whose transactions really
   * overlap; on SQLite one instance twice. better-sqlite3 waits for the
   * file's write lock synchronously, so two writing connections in one test
   * process would stall each other's event loop: there the writes race in
   * the one instance's group commit instead.
   */
  replicas(): Promise<[TestApp, TestApp]>;
  /** An app of its own database, closed after the test like the others. */
  own(app: TestApp): TestApp;
}

export function sharedDatabase(): SharedDatabase {
  const apps: TestApp[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const open = async () => {
    dir ??= await makeDir();
    const app = await openTestApp({ dir });
    apps.push(app);
    return app;
  };
  return {
    open,
    async replicas() {
      const a = await open();
      return [a, testDialect === 'postgres' ? await open() : a];
    },
    own(app) {
      apps.push(app);
      return app;
    },
  };
}
