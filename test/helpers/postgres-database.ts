import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { discoverMigrations } from '../../src/migrate/discover.js';
import { runMigrations } from '../../src/migrate/run.js';
import { openPostgresMigrationTarget } from '../../src/store/postgres/migration-target.js';

export interface TempDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export interface TempDatabaseOptions {
  /** name prefix, `pm_test` by default; a random suffix keeps parallel test files apart */
  prefix?: string;
  /** apply the shipped migrations/postgres files (default false: an empty database) */
  migrate?: boolean;
  /** server to create it on (default: the test run's server, see test/setup/global.ts) */
  adminUrl?: string;
}

/** A fresh database on the PostgreSQL server, for one test file or bench run. */
export async function createTempDatabase(options: TempDatabaseOptions = {}): Promise<TempDatabase> {
  // env.js reads vitest's provided context: loaded only inside tests (benches pass adminUrl)
  const adminUrl = options.adminUrl ?? (await import('./env.js')).postgresServerUrl();
  const name = `${options.prefix ?? 'pm_test'}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (options.migrate) {
    const target = await openPostgresMigrationTarget(url.toString());
    try {
      await runMigrations(target, await discoverMigrations('postgres'));
    } finally {
      await target.close();
    }
  }
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
