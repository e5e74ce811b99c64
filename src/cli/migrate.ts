import type { Command } from 'commander';
import { readEnv } from '../config/env.js';
import { resolveMigrateConfig, type MigrateFlags } from '../config/migrate.js';
import type { MigrationReport } from '../migrate/run.js';
import { envHint, type CliIO } from './output.js';

export function registerMigrate(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .summary('apply the shipped SQL migrations to Postgres and/or ClickHouse')
    .description(
      'Apply the SQL migrations shipped with pipeline-metrics (in order, once, under a lock). ' +
        'Without --db/--clickhouse: the databases set in the environment, else the embedded Postgres.',
    )
    .option(
      '--db [spec]',
      `Postgres: postgres:// URL or embedded data directory (default .pipeline-metrics/postgres)${envHint('DATABASE_URL')}`,
    )
    .option(
      '--clickhouse [spec]',
      `ClickHouse: http(s):// URL or embedded chDB directory (default .pipeline-metrics/clickhouse)${envHint('CLICKHOUSE_URL')}`,
    )
    .option('--cluster <name>', 'ClickHouse server only: create the tables ON CLUSTER <name> with Replicated engines (default: plain DDL)')
    .option('--status', 'list applied and pending migrations; apply nothing')
    .option('--json', 'print the result as JSON')
    .action(async (flags: MigrateFlags) => {
      const config = resolveMigrateConfig(flags, readEnv());
      const { runMigrate } = await import('../commands/migrate.js');
      const reports = await runMigrate(config);
      io.out(config.json ? JSON.stringify(reports, null, 2) : formatReports(reports, config.status));
    });
}

/** One line per file: `up to date`, `applied` (by this run) or `pending` (with --status). */
export function formatReports(reports: readonly MigrationReport[], status: boolean): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`${report.dialect}: ${report.target}`);
    for (const row of report.alreadyApplied) lines.push(`  up to date  ${row.name}  (applied ${row.appliedAt})`);
    for (const name of report.applied) lines.push(`  applied     ${name}`);
    for (const name of report.pending) lines.push(`  pending     ${name}`);
    const summary = status
      ? `${report.alreadyApplied.length} applied, ${report.pending.length} pending`
      : `${report.applied.length} applied now, ${report.alreadyApplied.length} already applied`;
    lines.push(`  ${summary}`);
  }
  return lines.join('\n');
}
