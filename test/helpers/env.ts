import { inject } from 'vitest';

/**
 * Connection of the real PostgreSQL server used by integration tests: TEST_DATABASE_URL when set,
 * else the embedded server the global setup (test/setup/global.ts) started for this run.
 */
export function postgresServerUrl(): string {
  return inject('postgresUrl');
}
