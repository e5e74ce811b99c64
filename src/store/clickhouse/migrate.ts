import { discoverMigrations } from '../../migrate/discover.js';
import { runMigrations, type MigrationReport } from '../../migrate/run.js';
import type { ClickhouseHandle } from './client.js';
import { clickhouseMigrationTarget } from './migration-target.js';

/** Applies the package's pending migrations/clickhouse files through an open handle (left open). */
export async function migrateClickhouse(handle: ClickhouseHandle): Promise<MigrationReport> {
  const target = clickhouseMigrationTarget(handle, { closeHandle: false });
  return runMigrations(target, await discoverMigrations('clickhouse'));
}

/** Whether a shipped migrations/clickhouse file is not in the target's ledger yet (a read). */
export async function hasPendingClickhouseMigrations(handle: ClickhouseHandle): Promise<boolean> {
  const target = clickhouseMigrationTarget(handle, { closeHandle: false });
  await target.ensureLedger();
  const applied = new Set((await target.listApplied()).map((m) => m.version));
  return (await discoverMigrations('clickhouse')).some((file) => !applied.has(file.version));
}
