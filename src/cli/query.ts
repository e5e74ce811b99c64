import { open } from 'node:fs/promises';
import type { Command } from 'commander';
import { CLICKHOUSE_ENV, DEFAULT_CLICKHOUSE_DIR } from '../config/clickhouse.js';
import { readEnv, type Env } from '../config/env.js';
import { QUERY_FORMATS, resolveQueryConfig, type QueryFlags } from '../config/query.js';
import { queryFileTooLarge, QUERY_FILE_LIMIT_BYTES, runQuery, type QueryCommandDeps, type QueryRunner } from '../commands/query.js';
import { UsageError, ValidationError } from '../errors.js';
import { formatResult, formatSql } from './format-result.js';
import { envHint, type CliIO } from './output.js';

/** Injected edges of `query` (tests pass their own env, clock and stdin). */
export interface QueryCliDeps {
  env: () => Env;
  now: () => Date;
  readStdin: () => Promise<string>;
}

const defaultDeps: QueryCliDeps = { env: readEnv, now: () => new Date(), readStdin };

export function registerQuery(program: Command, io: CliIO, deps: QueryCliDeps = defaultDeps): void {
  program
    .command('query')
    .summary('run a jobAnalytics query file against ClickHouse and print the result')
    .description(
      'Run a jobAnalytics query (dimensions + metrics, JSON or YAML) against ClickHouse and print the result.\n' +
        'Exit codes: 0 ok, 2 bad options, 3 invalid query file or query refused by ClickHouse, 4 ClickHouse unreachable.',
    )
    .argument('<file>', 'query file, JSON or YAML; "-" = stdin')
    .option('--format <format>', `${QUERY_FORMATS.join(' | ')} (default: table on a terminal, else json)`)
    .option('--sql', 'print the compiled SQL and its parameters without running it (needs no engine)')
    .option('--project <id>', 'only builds of this project id')
    .option('--from <time>', 'pipelines started at or after: ISO 8601 or relative (30m, 24h, 7d, 2w) (default: 7d)')
    .option('--to <time>', 'pipelines started before (exclusive): ISO 8601, relative or now (default: now)')
    .option('--source <source>', 'only pipelines of this source, e.g. push, schedule, merge_request_event')
    .option('--ref <ref>', 'only pipelines of this branch or tag')
    .option('--limit <n>', "maximum rows; replaces the file's limit")
    .option(
      '--clickhouse [spec]',
      `ClickHouse: http(s)://user:password@host:port/database, or an embedded (chDB) directory (default ${DEFAULT_CLICKHOUSE_DIR})` +
        envHint(CLICKHOUSE_ENV),
    )
    .action(async (file: string, flags: QueryFlags) => {
      await queryAction(io, deps, file, flags);
    });
}

async function queryAction(io: CliIO, deps: QueryCliDeps, file: string, flags: QueryFlags): Promise<void> {
  const config = resolveQueryConfig(file, flags, deps.env(), { now: deps.now(), stdoutIsTTY: io.outIsTTY ?? false });
  const text = await readQueryFile(file, deps);
  const options = { text, source: file, context: config.context, sqlOnly: config.sqlOnly, clickhouse: config.clickhouse };
  const result = await withSpinner(io, config.sqlOnly ? undefined : 'running query', () =>
    runQuery(config.limit === undefined ? options : { ...options, limit: config.limit }, { openRunner }),
  );
  if (result.kind === 'sql') io.out(formatSql(result.sql, result.params, config.format));
  else io.out(formatResult(result, config.format));
}

/** Reads at most QUERY_FILE_LIMIT_BYTES (+1, to tell a larger file): a 50 MB file is refused unread. */
async function readQueryFile(file: string, deps: QueryCliDeps): Promise<string> {
  try {
    if (file === '-') return await deps.readStdin();
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > QUERY_FILE_LIMIT_BYTES) throw queryFileTooLarge(file, size);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (cause) {
    if (cause instanceof ValidationError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new UsageError(`cannot read query file ${file}: ${reason}`, { cause });
  }
}

/** Opens the ClickHouse store lazily (only when a query runs); an embedded directory migrates itself. */
const openRunner: QueryCommandDeps['openRunner'] = async (spec): Promise<QueryRunner> => {
  const { openClickhouseStore, parseClickhouseSpec } = await import('../store/clickhouse/index.js');
  return openClickhouseStore(spec, { autoMigrate: parseClickhouseSpec(spec).kind === 'embedded' });
};

/** A spinner on stderr, only on a terminal; stdout stays data only. */
async function withSpinner<T>(io: CliIO, text: string | undefined, task: () => Promise<T>): Promise<T> {
  if (!io.isTTY || text === undefined) return task();
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  try {
    return await task();
  } finally {
    spinner.stop();
  }
}

/** Stdin up to QUERY_FILE_LIMIT_BYTES; more is refused as soon as it arrives. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > QUERY_FILE_LIMIT_BYTES) throw queryFileTooLarge('-', size);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
