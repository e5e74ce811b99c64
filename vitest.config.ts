import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/worker.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // chDB allows one process per data directory and PGlite is heavy to start: files run in
    // forks. Three at a time on this 2-core machine: many files wait on child processes and
    // loopback latency (measured: 194 s for the suite with 3, 227 s with 2).
    pool: 'forks',
    maxWorkers: 3,
  },
});
