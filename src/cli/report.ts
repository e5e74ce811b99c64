import type { Command } from 'commander';
import { CLICKHOUSE_ENV, DEFAULT_CLICKHOUSE_DIR } from '../config/clickhouse.js';
import { readEnv } from '../config/env.js';
import { DEFAULT_REPORT_FILE, resolveReportConfig, type ReportFlags } from '../config/report.js';
import { envHint, type CliIO } from './output.js';
import { openRunner } from './query.js';

/** `report`: one self-contained HTML file with charts, from ClickHouse. */
export function registerReport(program: Command, io: CliIO): void {
  program
    .command('report')
    .summary('write a self-contained HTML report (charts, job table, critical paths) from ClickHouse')
    .description(
      'Write one self-contained HTML file: pipeline duration per day, time to e2e per ref, the job table, ' +
        'critical paths of the slowest root pipelines (through their child pipelines), queue vs run time by runner type, slowest log sections and ' +
        'the jobs to fix first. Everything is aggregated in ClickHouse; the page loads nothing from the network.\n' +
        'Exit codes: 0 ok, 2 bad options, 3 query refused by ClickHouse, 4 ClickHouse unreachable.',
    )
    .option('--project <id>', 'only pipelines of this project id')
    .option('--from <time>', 'pipelines started at or after: ISO 8601 or relative (30m, 24h, 7d, 2w) (default: 7d)')
    .option('--to <time>', 'pipelines started before (exclusive): ISO 8601, relative or now (default: now)')
    .option('--out <file>', `the HTML file to write (default: ${DEFAULT_REPORT_FILE})`)
    .option(
      '--clickhouse [spec]',
      `ClickHouse: http(s)://user:password@host:port/database, or an embedded (chDB) directory (default ${DEFAULT_CLICKHOUSE_DIR})` +
        envHint(CLICKHOUSE_ENV),
    )
    .action(async (flags: ReportFlags) => {
      const config = resolveReportConfig(flags, readEnv(), { now: new Date() });
      const result = await (await import('../commands/report.js')).runReport(config, { openRunner });
      io.err(
        `wrote ${result.out}: ${(result.bytes / 1024).toFixed(0)} KiB, ${result.pipelines} pipelines, ` +
          `${result.jobs} jobs in ${(result.elapsedMs / 1000).toFixed(1)} s`,
      );
    });
}
