import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { PayloadSchema } from '../../../src/payload/schema.js';
import { openSqlClient, type SqlClient } from '../../../src/store/postgres/client.js';
import { listApplied } from '../../../src/store/postgres/migration-target.js';
import { createPostgresStore, openPostgresStore, type PostgresStore } from '../../../src/store/postgres/store.js';
import {
  checkDerivedFlaky,
  checkFullRoundTrip,
  checkGrafanaQueries,
  checkRace,
  checkRefreshLikeSave,
  checkSeedExample,
  count,
} from './cases.js';
import { FULL_INPUT } from './payloads.js';

// PGlite takes seconds to start: the file opens it once through openPostgresStore (which migrates
// the new directory) and once more at the end to check that the data persisted on disk.
let parent: string;
let dir: string;
let store: PostgresStore;
let client: SqlClient;

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'pm-pglite-store-'));
  dir = join(parent, 'not', 'yet', 'there');
  store = await openPostgresStore(dir);
});

afterAll(async () => {
  await store?.close();
  await client?.close();
  await rm(parent, { recursive: true, force: true });
});

describe('Postgres store on embedded PGlite', () => {
  test('opening a missing directory creates and migrates it', async () => {
    expect(store.description).toBe(`embedded Postgres at ${dir}`);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test('seed example, race, round trip, refresh, Grafana queries, job id clash', async () => {
    // one PGlite per directory: reopen it as a client, which also reads from the client interface
    await store.close();
    client = await openSqlClient({ kind: 'embedded', dir });
    expect((await listApplied(client)).map((m) => m.name)).toEqual([
      '0001_seed_tables',
      '0002_job_attempts',
      '0003_hierarchy_retries_runner_managers',
      '0004_critical_path',
    ]);
    store = createPostgresStore(client);
    await checkSeedExample(store, client);
    await checkRace(store, client);
    await checkFullRoundTrip(store, client);
    await checkRefreshLikeSave(store, client);
    await checkDerivedFlaky(store, client);
    await checkGrafanaQueries(store, client);
    const clash = PayloadSchema.parse({ ...FULL_INPUT, pipeline_id: 41, pipeline: { ...FULL_INPUT.pipeline!, id: 41 } });
    const error = await store.save(clash).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(await count(client, 'metrics_pipeline', 'pipeline_id = 41')).toBe(0);
  });
});
