import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { discoverMigrations } from '../../src/migrate/discover.js';
import { runMigrations } from '../../src/migrate/run.js';
import { openSqlClient, type SqlClient } from '../../src/store/postgres/client.js';
import { createPostgresMigrationTarget } from '../../src/store/postgres/migration-target.js';
import { checkMigrationLifecycle } from './scenarios.js';

let dir: string;
let client: SqlClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pm-pglite-migrate-'));
  client = await openSqlClient({ kind: 'embedded', dir });
});

afterAll(async () => {
  await client?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('migrate on embedded PGlite', () => {
  test('status, apply, rerun, refusals, failure rollback', () => checkMigrationLifecycle(createPostgresMigrationTarget(client), client));

  test('concurrent runs in one process queue on the lock: each file applied once', async () => {
    // a fresh, empty schema on the same instance (PGlite is one session, so search_path sticks)
    await client.exec('CREATE SCHEMA fresh; SET search_path TO fresh');
    const files = await discoverMigrations('postgres');
    const targets = [createPostgresMigrationTarget(client), createPostgresMigrationTarget(client)];
    const reports = await Promise.all(targets.map((t) => runMigrations(t, files)));
    expect(reports.map((r) => r.applied)).toEqual([
      ['0001_seed_tables', '0002_job_attempts', '0003_hierarchy_retries_runner_managers', '0004_critical_path'],
      [],
    ]);
    expect(reports[1]!.alreadyApplied.map((m) => m.name)).toEqual([
      '0001_seed_tables',
      '0002_job_attempts',
      '0003_hierarchy_retries_runner_managers',
      '0004_critical_path',
    ]);
    const tables = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'fresh'`);
    expect(tables).toEqual([{ n: 8 }]);
  });
});
