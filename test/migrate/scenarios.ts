import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadMigrations, migrationsDir } from '../../src/migrate/discover.js';
import { MigrationFailedError, MigrationRefusedError } from '../../src/migrate/errors.js';
import { runMigrations } from '../../src/migrate/run.js';
import type { MigrationTarget } from '../../src/migrate/types.js';
import type { SqlClient } from '../../src/store/postgres/client.js';

const SHIPPED = ['0001_seed_tables', '0002_job_attempts', '0003_hierarchy_retries_runner_managers', '0004_critical_path'];

const exists = async (client: SqlClient, table: string): Promise<boolean> =>
  (await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]))[0]!.ok;

const ledger = (client: SqlClient) =>
  client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM pipeline_metrics_migrations ORDER BY version');

/** A copy of the shipped postgres migrations that a test may edit. */
async function shippedCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-migrations-'));
  await cp(migrationsDir('postgres'), dir, { recursive: true });
  return dir;
}

/**
 * On an empty database: --status, apply, idempotent rerun, then the refusals (changed file,
 * missing file), a failing file rolled back, and a later file applied. `target` is reused.
 */
export async function checkMigrationLifecycle(target: MigrationTarget, client: SqlClient): Promise<void> {
  const shipped = await loadMigrations(migrationsDir('postgres'));

  const status = await runMigrations(target, shipped, { status: true });
  expect(status).toMatchObject({ dialect: 'postgres', applied: [], pending: SHIPPED, alreadyApplied: [] });
  expect(await exists(client, 'metrics_pipeline')).toBe(false);

  const first = await runMigrations(target, shipped);
  expect(first).toMatchObject({ applied: SHIPPED, pending: [], alreadyApplied: [] });
  expect(await ledger(client)).toEqual(shipped.map((f) => ({ name: f.name, checksum: f.checksum })));
  for (const table of [
    'metrics_pipeline',
    'metrics_build',
    'metrics_job',
    'metrics_job_failed',
    'metrics_job_attempt',
    'metrics_job_step',
    'metrics_job_section',
  ]) {
    expect(await exists(client, table)).toBe(true);
  }

  const again = await runMigrations(target, shipped);
  expect(again.applied).toEqual([]);
  expect(again.alreadyApplied.map((m) => m.name)).toEqual(SHIPPED);
  expect(again.alreadyApplied.every((m) => /^\d{4}-\d\d-\d\dT.*Z$/.test(m.appliedAt))).toBe(true);
  const after = await runMigrations(target, shipped, { status: true });
  expect({ pending: after.pending, applied: after.alreadyApplied.map((m) => m.name) }).toEqual({ pending: [], applied: SHIPPED });

  await checkRefusals(target, client);
  await checkFailureRollsBack(target, client);
}

async function checkRefusals(target: MigrationTarget, client: SqlClient): Promise<void> {
  const dir = await shippedCopy();
  try {
    await writeFile(join(dir, '0099_extra.sql'), 'CREATE TABLE extra_table (x int);');
    await appendFile(join(dir, '0001_seed_tables.sql'), '\n-- an edit after release\n');
    const changed = runMigrations(target, await loadMigrations(dir));
    await expect(changed).rejects.toThrow(MigrationRefusedError);
    await expect(runMigrations(target, await loadMigrations(dir))).rejects.toThrow(/0001_seed_tables\.sql changed after it was applied/);
    await rm(join(dir, '0001_seed_tables.sql'));
    await expect(runMigrations(target, await loadMigrations(dir))).rejects.toThrow(
      /0001_seed_tables\.sql was applied \(.*\) but is missing from the migrations shipped with this version/,
    );
    expect(await exists(client, 'extra_table')).toBe(false);
    expect((await ledger(client)).map((r) => r.name)).toEqual(SHIPPED);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkFailureRollsBack(target: MigrationTarget, client: SqlClient): Promise<void> {
  const dir = await shippedCopy();
  try {
    await writeFile(join(dir, '0099_broken.sql'), 'CREATE TABLE half_done (x int);\nSELECT * FROM no_such_table;');
    const error = await runMigrations(target, await loadMigrations(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toMatch(/^migration 0099_broken\.sql failed on .*: relation "no_such_table" does not exist/);
    expect(await exists(client, 'half_done')).toBe(false);
    expect((await ledger(client)).map((r) => r.name)).toEqual(SHIPPED);

    await writeFile(join(dir, '0099_broken.sql'), 'CREATE TABLE half_done (x int);');
    const fixed = await runMigrations(target, await loadMigrations(dir));
    expect(fixed.applied).toEqual(['0099_broken']);
    expect(await exists(client, 'half_done')).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
