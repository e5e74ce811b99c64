import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickhouseSink } from '../../src/delivery/open-store.js';
import { EXIT } from '../../src/errors.js';
import { openClickhouseClient } from '../../src/store/clickhouse/client.js';
import { BUILDS_TABLE } from '../../src/store/clickhouse/tables.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';
import { backfill, startHistory, type BackfillFixture } from './backfill-harness.js';

/**
 * A store that is not set up gives backfill the exit code `push` gives (README's table):
 * 2 naming `migrate` — not 4 ("try again"), which a rerun cannot fix.
 */
let fixture: BackfillFixture;
let db: TempDatabase;
let dir: string;

beforeAll(async () => {
  fixture = await startHistory();
  db = await createTempDatabase({ prefix: 'pm_backfill_unmigrated' });
  dir = await mkdtemp(join(tmpdir(), 'pm-backfill-unset-'));
});
afterAll(async () => {
  await fixture?.close();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('backfill into a store that is not set up', () => {
  it('an unmigrated PostgreSQL server database: exit 2 naming migrate, before any pipeline is collected', async () => {
    const before = fixture.server.requests.length;
    const error = await backfill(fixture, { db: db.url }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ exitCode: EXIT.usage });
    expect((error as Error).message).toMatch(/not ready: \d+ migration\(s\) not applied[\s\S]*pipeline-metrics migrate --db/);
    expect(fixture.server.requests.length).toBe(before);
  });

  it('a ClickHouse whose builds table is missing: every pipeline fails with exit 2 naming migrate, as push says', async () => {
    // migrated (the ledger is complete), then a table dropped: the store opens and answers which
    // pipelines it holds, and each write finds the table missing
    await (await openClickhouseSink(dir)).close();
    const handle = await openClickhouseClient(dir);
    try {
      await handle.client.command({ query: `DROP TABLE ${BUILDS_TABLE}` });
    } finally {
      await handle.close();
    }
    const result = await backfill(fixture, { clickhouse: dir }, { parallel: '2' });
    expect(result.failed).toBe(result.listed);
    expect(result.failed).toBeGreaterThan(0);
    expect(result.failures.map((f) => f.exitCode)).toEqual(result.failures.map(() => EXIT.usage));
    expect(result.failures[0]!.reason).toMatch(/pipeline-metrics migrate/);
    expect(result.exitCode).toBe(EXIT.usage);
  });
});
