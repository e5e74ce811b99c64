import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT, UpstreamError, UsageError, ValidationError } from '../../../src/errors.js';
import { discoverMigrations } from '../../../src/migrate/discover.js';
import { runMigrations } from '../../../src/migrate/run.js';
import { PayloadSchema } from '../../../src/payload/schema.js';
import { openSqlClient, type SqlClient } from '../../../src/store/postgres/client.js';
import { openPostgresMigrationTarget } from '../../../src/store/postgres/migration-target.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/store.js';
import { checkFullRoundTrip, checkGrafanaQueries, checkRace, checkRefreshLikeSave, checkSeedExample, count } from './cases.js';
import { FULL_INPUT } from './payloads.js';
import { createTempDatabase, type TempDatabase } from '../../helpers/postgres-database.js';

let db: TempDatabase;
let store: PostgresStore;
let client: SqlClient;

beforeAll(async () => {
  db = await createTempDatabase();
  const target = await openPostgresMigrationTarget(db.url);
  await runMigrations(target, await discoverMigrations('postgres'));
  await target.close();
  store = await openPostgresStore(db.url, { poolSize: 20 });
  client = await openSqlClient(db.url);
});

afterAll(async () => {
  await store?.close();
  await client?.close();
  await db?.drop();
});

describe('Postgres store on a server', () => {
  test('the seed example is created, then reported duplicate', () => checkSeedExample(store, client));
  test('50 concurrent copies of a new pipeline: one created, 49 duplicate, one set of rows', () => checkRace(store, client));
  test('a payload with every extension round-trips into the tables', () => checkFullRoundTrip(store, client));
  test("backfill's refresh writes every column a save writes (the critical path too)", async () => {
    await checkFullRoundTripOnce();
    await checkRefreshLikeSave(store, client);
  });
  test("the seed's Grafana queries answer from saved payloads", () => checkGrafanaQueries(store, client));

  test('ping answers; description has no password', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    const server = new URL(db.url);
    expect(db.name).toMatch(/^pm_test_[0-9a-f]{12}$/);
    expect(store.description).toBe(`postgres://${server.username}@${server.host}/${db.name}`);
  });

  test('seed and extension fields that disagree are rejected, nothing written', async () => {
    const payload = PayloadSchema.parse({
      ...FULL_INPUT,
      pipeline_id: 31,
      pipeline: { ...FULL_INPUT.pipeline!, id: 32, ref: 'other' },
      attempts: [],
    });
    const error = await store.save(payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      'pipeline.id: must equal pipeline_id (31), got 32',
      'pipeline.ref: must equal ref ("main"), got "other"',
    ]);
    expect(await count(client, 'metrics_pipeline', 'pipeline_id = 31')).toBe(0);
  });

  test('a job id stored under another pipeline is a ValidationError and writes nothing', async () => {
    const payload = PayloadSchema.parse({ ...FULL_INPUT, pipeline_id: 41, pipeline: { ...FULL_INPUT.pipeline!, id: 41 } });
    await checkFullRoundTripOnce();
    const error = await store.save(payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual(['attempts: a job id is repeated, or already stored under another pipeline']);
    for (const table of ['metrics_pipeline', 'metrics_build', 'metrics_job', 'metrics_job_failed']) {
      expect(await count(client, table, 'pipeline_id = 41')).toBe(0);
    }
  });

  test('a database without the migrations is refused with the command to run', async () => {
    const empty = await createTempDatabase();
    try {
      const error = await openPostgresStore(empty.url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(
        '4 migration(s) not applied (0001_seed_tables, 0002_job_attempts, 0003_hierarchy_retries_runner_managers, 0004_critical_path)',
      );
      expect((error as Error).message).toContain(`pipeline-metrics migrate --db ${empty.url.replace(':postgres@', '@')}`);
    } finally {
      await empty.drop();
    }
  });

  test('an unreachable server is an UpstreamError naming the host, not the password', async () => {
    const error = await openPostgresStore('postgres://postgres:s3cret@127.0.0.1:1/nowhere', { connectTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).exitCode).toBe(EXIT.unreachable);
    expect((error as Error).message).toContain('postgres://postgres@127.0.0.1:1/nowhere');
    expect((error as Error).message).not.toContain('s3cret');
  });

  test('a statement running past the timeout is an UpstreamError, not a hang', async () => {
    const slow = await openSqlClient(db.url, { statementTimeoutMs: 200 });
    try {
      const started = Date.now();
      await expect(slow.query('SELECT pg_sleep(5)')).rejects.toThrow(/did not answer in time/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await slow.close();
    }
  });
});

/** FULL_INPUT (job ids 5001/5002) is stored by the round-trip test; store it if this test runs alone. */
async function checkFullRoundTripOnce(): Promise<void> {
  if ((await count(client, 'metrics_job_attempt', 'job_id = 5001')) === 0) await checkFullRoundTrip(store, client);
}
