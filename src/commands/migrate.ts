import type { MigrateConfig } from '../config/migrate.js';
import { discoverMigrations } from '../migrate/discover.js';
import { runMigrations, type MigrationReport } from '../migrate/run.js';
import type { Dialect, MigrationFile, MigrationTarget } from '../migrate/types.js';
import type { PostgresSpec } from '../store/postgres/spec.js';

export interface MigrateDeps {
  openPostgres(spec: PostgresSpec): Promise<MigrationTarget>;
  openClickhouse(spec: string, options: { cluster?: string }): Promise<MigrationTarget>;
  discover(dialect: Dialect): Promise<MigrationFile[]>;
}

/** Drivers load only for the targets asked for (ClickHouse's client is never loaded otherwise). */
export const defaultMigrateDeps: MigrateDeps = {
  async openPostgres(spec) {
    const { openPostgresMigrationTarget } = await import('../store/postgres/migration-target.js');
    return openPostgresMigrationTarget(spec);
  },
  async openClickhouse(spec, options) {
    const { openClickhouseMigrationTarget } = await import('../store/clickhouse/migration-target.js');
    return openClickhouseMigrationTarget(spec, options);
  },
  discover: discoverMigrations,
};

/**
 * Applies (or, with `status`, lists) the shipped migrations on each configured database:
 * Postgres first, then ClickHouse. One report per database; the first failure stops the run.
 */
export async function runMigrate(config: MigrateConfig, deps: MigrateDeps = defaultMigrateDeps): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = [];
  if (config.postgres) reports.push(await migrateOne(() => deps.openPostgres(config.postgres!), 'postgres', config, deps));
  if (config.clickhouse)
    reports.push(
      await migrateOne(() => deps.openClickhouse(config.clickhouse!, { cluster: config.clickhouseCluster }), 'clickhouse', config, deps),
    );
  return reports;
}

async function migrateOne(
  open: () => Promise<MigrationTarget>,
  dialect: Dialect,
  config: MigrateConfig,
  deps: MigrateDeps,
): Promise<MigrationReport> {
  const files = await deps.discover(dialect);
  const target = await open();
  try {
    return await runMigrations(target, files, { status: config.status });
  } finally {
    await target.close();
  }
}
