import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runMigrate } from '../../src/commands/migrate.js';
import { resolveMigrateConfig } from '../../src/config/migrate.js';
import { discoverMigrations } from '../../src/migrate/discover.js';
import { runMigrations, type MigrationReport } from '../../src/migrate/run.js';
import { PayloadSchema } from '../../src/payload/schema.js';
import { openSqlClient, type SqlClient } from '../../src/store/postgres/client.js';
import { createPostgresMigrationTarget } from '../../src/store/postgres/migration-target.js';
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres/store.js';
import { fillGrafana, percentileCont, PIPELINES_COUNT, TIME_TO_E2E, TOTAL_E2E } from '../store/postgres/grafana-queries.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';

const fixture = (name: string) => readFile(join(import.meta.dirname, '..', 'fixtures', 'alembic', name), 'utf8');

async function loadAlembicDatabase(client: SqlClient): Promise<void> {
  await client.exec(await fixture('schema.sql'));
  await client.exec(await fixture('rows.sql'));
}

const rows = (client: SqlClient, sql: string) => client.query(sql);

/** What the original service's database holds after `migrate`, and that it works as ours. */
async function checkAdopted(
  client: SqlClient,
  report: MigrationReport,
  store: PostgresStore,
  rerun: () => Promise<MigrationReport>,
): Promise<void> {
  expect(report.applied).toEqual(['0001_seed_tables', '0002_job_attempts', '0003_hierarchy_retries_runner_managers', '0004_critical_path']);
  const counts = await rows(
    client,
    `SELECT
    (SELECT count(*)::int FROM metrics_pipeline) AS pipelines, (SELECT count(*)::int FROM metrics_build) AS builds,
    (SELECT count(*)::int FROM metrics_job) AS jobs, (SELECT count(*)::int FROM metrics_job_failed) AS failed,
    (SELECT count(*)::int FROM project_job) AS project_jobs, (SELECT version_num FROM alembic_version) AS alembic`,
  );
  expect(counts).toEqual([{ pipelines: 5, builds: 6, jobs: 3, failed: 1, project_jobs: 1, alembic: 'f2bc6356ddbf' }]);

  const types = await rows(
    client,
    `SELECT table_name, column_name, data_type FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name IN ('id', 'pipeline_id', 'created_at', 'duration')
      AND table_name IN ('metrics_pipeline', 'metrics_build') ORDER BY table_name, column_name`,
  );
  expect(types).toEqual([
    { table_name: 'metrics_build', column_name: 'duration', data_type: 'double precision' },
    { table_name: 'metrics_build', column_name: 'id', data_type: 'bigint' },
    { table_name: 'metrics_build', column_name: 'pipeline_id', data_type: 'bigint' },
    { table_name: 'metrics_pipeline', column_name: 'created_at', data_type: 'timestamp with time zone' },
    { table_name: 'metrics_pipeline', column_name: 'duration', data_type: 'double precision' },
    { table_name: 'metrics_pipeline', column_name: 'id', data_type: 'bigint' },
    { table_name: 'metrics_pipeline', column_name: 'pipeline_id', data_type: 'bigint' },
  ]);
  // naive timestamps are read as UTC
  const [first] = await rows(client, 'SELECT created_at, duration, is_master, ref FROM metrics_pipeline WHERE pipeline_id = 101');
  expect({ ...first, created_at: (first!.created_at as Date).toISOString() }).toEqual({
    created_at: '2023-06-13T07:11:24.029Z',
    duration: 97,
    is_master: true,
    ref: null,
  });
  // the orphan build row (pipeline 999) is kept; its key is enforced for new rows only
  const fks = await rows(
    client,
    `SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f'
    AND conrelid::regclass::text IN ('metrics_build', 'metrics_job', 'metrics_job_failed') ORDER BY conname`,
  );
  expect(fks).toEqual([
    { conname: 'metrics_build_pipeline_id_fkey', convalidated: false },
    { conname: 'metrics_job_failed_pipeline_id_fkey', convalidated: true },
    { conname: 'metrics_job_pipeline_id_fkey', convalidated: true },
  ]);

  // the seed's queries answer from the old rows: master pipelines 101, 102, 103 of test/project
  const run = async (sql: string) =>
    (await client.query(fillGrafana(sql, 'test/project', '2023-06-01T00:00:00Z', '2023-06-30T00:00:00Z')))[0]!;
  expect(Number((await run(PIPELINES_COUNT)).count)).toBe(3);
  const toE2e = await run(TIME_TO_E2E);
  expect([toE2e.p50, toE2e.p80, toE2e.p95]).toEqual([0.5, 0.8, 0.95].map((f) => percentileCont([70, 80, 110], f)));
  const e2e = await run(TOTAL_E2E);
  expect([e2e.p50, e2e.p80, e2e.p95]).toEqual([0.5, 0.8, 0.95].map((f) => percentileCont([27, 40], f)));

  // our writes work next to the old rows: an old pipeline is a duplicate, a new one gets fresh ids
  const base = {
    project: 'test/project',
    ref: 'master',
    duration: 60,
    duration_e2e: 20,
    jobs: [],
    build: 9,
    jobs_failed: [],
    has_restarts: false,
  };
  expect(await store.save(PayloadSchema.parse({ ...base, pipeline_id: 101, created_at: '2023-06-13T07:11:24.029Z', builds: [] }))).toBe(
    'duplicate',
  );
  expect(
    await store.save(PayloadSchema.parse({ ...base, pipeline_id: 106, created_at: '2023-06-16T00:00:00Z', builds: [{ 'build-e2e': 9 }] })),
  ).toBe('created');
  expect(Number((await run(PIPELINES_COUNT)).count)).toBe(4);
  expect(await rows(client, 'SELECT id::int, name FROM metrics_build WHERE pipeline_id = 106')).toEqual([{ id: 7, name: 'build-e2e' }]);

  const again = await rerun();
  expect(again.applied).toEqual([]);
}

describe('migrate adopts a database of the original Flask service (Alembic)', () => {
  let db: TempDatabase;
  let client: SqlClient;
  beforeAll(async () => {
    db = await createTempDatabase();
    client = await openSqlClient(db.url);
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  test('on a server, through the migrate command: keeps every row and converts it', async () => {
    await loadAlembicDatabase(client);
    const config = resolveMigrateConfig({ db: db.url }, {});
    const [report] = await runMigrate(config);
    const store = createPostgresStore(client);
    await checkAdopted(client, report!, store, async () => (await runMigrate(config))[0]!);
  });
});

describe('migrate adopts an Alembic database on embedded PGlite', () => {
  let dir: string;
  let client: SqlClient;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-pglite-alembic-'));
    client = await openSqlClient({ kind: 'embedded', dir });
  });
  afterAll(async () => {
    await client?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('keeps every row and converts it', async () => {
    await loadAlembicDatabase(client);
    // the original service wrote naive timestamps through a UTC session; a session time zone
    // elsewhere must not shift them
    await client.exec(`SET TIME ZONE 'Asia/Bangkok'`);
    const files = await discoverMigrations('postgres');
    const migrate = () => runMigrations(createPostgresMigrationTarget(client), files);
    await checkAdopted(client, await migrate(), createPostgresStore(client), migrate);
  });
});
