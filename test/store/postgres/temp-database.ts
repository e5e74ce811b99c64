import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresServerUrl } from '../../helpers/env.js';

export interface TempDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh `pm_test_<random>` database on the test server, so parallel test files never collide. */
export async function createTempDatabase(): Promise<TempDatabase> {
  const adminUrl = postgresServerUrl();
  const name = `pm_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
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
