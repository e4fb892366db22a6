import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Generous: the PostgreSQL run and a loaded two-core machine are slow, and a timed-out test leaves connections behind.
    testTimeout: 90_000,
    hookTimeout: 30_000,
    // Real SQLite files and sockets: two workers on a two-core machine.
    maxWorkers: 2,
  },
});
