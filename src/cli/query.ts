import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { CLICKHOUSE_ENV, DEFAULT_CLICKHOUSE_DIR } from '../config/clickhouse.js';
import { readEnv, type Env } from '../config/env.js';
import { QUERY_FORMATS, resolveQueryConfig, type QueryFlags, type QueryRemote } from '../config/query.js';
import type { GraphqlSender, RemoteAnswer } from '../commands/query-remote.js';
import { queryFileTooLarge, QUERY_FILE_LIMIT_BYTES, runQuery, type QueryCommandDeps, type QueryRunner } from '../commands/query.js';
import { UsageError, ValidationError } from '../errors.js';
import { formatResult, formatSql } from './format-result.js';
import { envHint, type CliIO } from './output.js';
import { withSpinner } from './spinner.js';
import { exampleQueryPath, EXAMPLE_QUERIES_NOTE } from './example-queries.js';
import { querySummary } from './query-summary.js';
import { parseClickhouseSpec } from '../store/clickhouse/spec.js';
import { readStdin } from './stdin.js';
import { redactUrl } from '../redact-url.js';

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
        "With --url (or PIPELINE_METRICS_URL) it runs through a server's /graphql and prints the same output.\n" +
        'Exit codes: 0 ok, 2 bad options, 3 invalid query file, query refused, or token refused (401), 4 ClickHouse or server unreachable.',
    )
    .argument('<file>', `query file, JSON or YAML; "-" = stdin; or the name of a shipped example (${EXAMPLE_QUERIES_NOTE})`)
    .option('--format <format>', `${QUERY_FORMATS.join(' | ')} (default: table on a terminal, else json)`)
    .option('--sql', 'print the compiled SQL and its parameters without running it (needs no engine)')
    .option('--project <path|id>', 'only builds of this project: full path (group/app) or numeric id')
    .option('--from <time>', 'pipelines started at or after: ISO 8601 or relative (30m, 24h, 7d, 2w) (default: 7d)')
    .option('--to <time>', 'pipelines started before (exclusive): ISO 8601, relative or now (default: now)')
    .option('--source <source>', 'only pipelines of this source, e.g. push, schedule, merge_request_event')
    .option('--ref <ref>', 'only pipelines of this branch or tag')
    .option('--limit <n>', "maximum rows; replaces the file's limit")
    .option(
      '--url <url>',
      "run through a pipeline-metrics server's /graphql instead of ClickHouse (needs no database credentials)" +
        envHint('PIPELINE_METRICS_URL'),
    )
    .option('--token <token>', 'read token for --url' + envHint('PIPELINE_METRICS_TOKEN'))
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
  const options = {
    text,
    source: file,
    context: config.context,
    sqlOnly: config.sqlOnly,
    clickhouse: config.clickhouse,
    ...(config.project !== undefined && { project: config.project }),
    ...(config.limit !== undefined && { limit: config.limit }),
    remote: config.remote !== undefined,
  };
  const started = performance.now();
  const sendGraphql = config.remote ? graphqlSender(config.remote) : undefined;
  const result = await withSpinner(io, config.sqlOnly ? undefined : 'running query', () =>
    runQuery(options, { openRunner, ...(sendGraphql && { sendGraphql }) }),
  );
  if (result.kind === 'sql') return io.out(formatSql(result.sql, result.params, config.format));
  io.out(formatResult(result, config.format));
  // for people (a table, or a terminal): one closing line saying what was asked of which store,
  // on stderr so that stdout stays the data (the same locally and through --url)
  const store = config.remote ? redactUrl(config.remote.url) : describeClickhouse(config.clickhouse);
  const summary = querySummary(result, config.context, store, performance.now() - started);
  if (config.format === 'table' || io.isTTY) io.err(summary);
}

/** Reads at most QUERY_FILE_LIMIT_BYTES (+1, to tell a larger file): a 50 MB file is refused unread. */
async function readQueryFile(file: string, deps: QueryCliDeps): Promise<string> {
  try {
    if (file === '-') return await deps.readStdin();
    const handle = await open(exampleQueryPath(file) ?? file, 'r');
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
    const examples = /^[\w-]+$/.test(file) ? `; shipped examples, run by name: ${EXAMPLE_QUERIES_NOTE}` : '';
    throw new UsageError(`cannot read query file ${file}: ${reason}${examples}`, { cause });
  }
}

/**
 * Opens the ClickHouse store lazily (only when a query runs); an embedded directory migrates
 * itself, then is opened read-only: no background merge starts in this process, none is waited for.
 */
export const openRunner: QueryCommandDeps['openRunner'] = async (spec): Promise<QueryRunner> => {
  const parsed = parseClickhouseSpec(spec);
  // reading never creates a store: a directory that is not there holds no data
  if (parsed.kind === 'embedded' && !existsSync(parsed.path)) {
    throw new UsageError(
      `no data at ${parsed.path}: nothing was stored there yet. Store pipelines with \`collect --push --clickhouse ${parsed.path}\`, ` +
        'or point --clickhouse (or CLICKHOUSE_URL) at a ClickHouse server or another directory',
    );
  }
  const { openClickhouseStore } = await import('../store/clickhouse/index.js');
  return openClickhouseStore(spec, { autoMigrate: parsed.kind === 'embedded', readOnly: true });
};

function describeClickhouse(spec: string): string {
  const parsed = parseClickhouseSpec(spec);
  return parsed.kind === 'embedded' ? `chDB ${relative(process.cwd(), parsed.path) || '.'}` : parsed.description;
}

/** `--url`: graphql-request (src/graphql-client), loaded only when a server is asked. */
function graphqlSender(remote: QueryRemote): GraphqlSender {
  return async (document, variables) => {
    const { requestGraphql } = await import('../graphql-client/request.js');
    return requestGraphql<RemoteAnswer>(remote, document, variables);
  };
}
