import { afterAll, describe, expect, test } from 'vitest';
import { discoverMigrations } from '../../src/migrate/discover.js';
import { runMigrations } from '../../src/migrate/run.js';
import { openSqlClient, type SqlClient } from '../../src/store/postgres/client.js';
import { openPostgresMigrationTarget } from '../../src/store/postgres/migration-target.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';
import { checkMigrationLifecycle } from './scenarios.js';

const databases: TempDatabase[] = [];
const clients: SqlClient[] = [];

async function freshDatabase(): Promise<{ url: string; client: SqlClient }> {
  const db = await createTempDatabase();
  databases.push(db);
  const client = await openSqlClient(db.url);
  clients.push(client);
  return { url: db.url, client };
}

afterAll(async () => {
  for (const client of clients) await client.close();
  for (const db of databases) await db.drop();
});

describe('migrate on a Postgres server', () => {
  test('status, apply, rerun, refusals, failure rollback', async () => {
    const { url, client } = await freshDatabase();
    const target = await openPostgresMigrationTarget(url);
    try {
      await checkMigrationLifecycle(target, client);
    } finally {
      await target.close();
    }
  });

  test('two migrate runs at once (separate pools, like two CI jobs) both succeed, each file applied once', async () => {
    const { url, client } = await freshDatabase();
    const files = await discoverMigrations('postgres');
    const targets = await Promise.all([openPostgresMigrationTarget(url), openPostgresMigrationTarget(url)]);
    try {
      const reports = await Promise.all(targets.map((t) => runMigrations(t, files)));
      const counts = reports.map((r) => [r.applied.length, r.alreadyApplied.length]).sort();
      expect(counts).toEqual([
        [0, 4],
        [4, 0],
      ]);
      const ledger = await client.query('SELECT version FROM pipeline_metrics_migrations ORDER BY version');
      expect(ledger.map((r) => r.version)).toEqual([1, 2, 3, 4]);
      // advisory locks are per database; the other test files migrate their own databases on this server at the same time
      const locks = await client.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(locks).toEqual([{ n: 0 }]);
    } finally {
      for (const t of targets) await t.close();
    }
  });
});
