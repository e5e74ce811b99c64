import { discoverMigrations } from '../../migrate/discover.js';
import { runMigrations, type MigrationReport } from '../../migrate/run.js';
import type { ClickhouseHandle } from './client.js';
import { clickhouseMigrationTarget } from './migration-target.js';

/** Applies the package's pending migrations/clickhouse files through an open handle (left open). */
export async function migrateClickhouse(handle: ClickhouseHandle): Promise<MigrationReport> {
  const target = clickhouseMigrationTarget(handle, { closeHandle: false });
  return runMigrations(target, await discoverMigrations('clickhouse'));
}
