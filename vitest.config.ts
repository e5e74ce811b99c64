import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/worker.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // chDB allows one process per data directory and PGlite is heavy to start:
    // files run in forks, two at a time (the machine has 2 cores).
    pool: 'forks',
    maxWorkers: 2,
  },
});
