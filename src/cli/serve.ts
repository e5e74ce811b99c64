import type { Command } from 'commander';
import { readEnv } from '../config/env.js';
import { resolveServeConfig, SERVE_DEFAULTS, type ServeFlags } from '../config/serve.js';
import { runServe } from '../commands/serve.js';
import { assertPortFree } from '../server/port-check.js';
import { envHint, type CliIO } from './output.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function registerServe(program: Command, io: CliIO): void {
  program
    .command('serve')
    .summary('run the HTTP service (POST /save_metrics, GET /healthz, /graphql)')
    .description(
      'Run the HTTP service: POST /save_metrics (200 new, 208 already stored), GET /healthz,\n' +
        '/graphql (analytics over ClickHouse: needs --clickhouse; read tokens only).\n' +
        'A server database must be migrated first (pipeline-metrics migrate); the embedded one migrates itself.\n' +
        'One JSON log line per request on stdout. SIGTERM/SIGINT: stop accepting, finish in-flight requests, close the stores.',
    )
    .option('--port <port>', `port to listen on (default ${SERVE_DEFAULTS.port}; 0 = any free port)` + envHint('PORT'))
    .option('--host <host>', `interface to bind (default ${SERVE_DEFAULTS.host}, all interfaces)` + envHint('HOST'))
    .option(
      '--db <spec>',
      'Postgres: postgres:// URL or embedded data directory (default .pipeline-metrics/postgres)' + envHint('DATABASE_URL'),
    )
    .option(
      '--clickhouse [spec]',
      'also write every payload to ClickHouse: http(s):// URL or embedded directory' + envHint('CLICKHOUSE_URL'),
    )
    .option(
      '--token <token>',
      'push token for /save_metrics; repeat for several (no token at all = no authentication)' +
        envHint('PIPELINE_METRICS_TOKENS (comma-separated)'),
      collect,
    )
    .option(
      '--read-token <token[=patterns]>',
      'read token for /graphql, optionally limited to project paths (TOKEN=group/*,other/app; * = one path segment, ** = any); repeat for several. A push token cannot read, a read token cannot push' +
        envHint('PIPELINE_METRICS_READ_TOKENS (separated by spaces or ;)'),
      collect,
    )
    .option(
      '--query-timeout <seconds>',
      `budget of one /graphql request; its ClickHouse queries are cancelled then (default ${SERVE_DEFAULTS.queryTimeoutS})`,
    )
    .option(
      '--body-limit <size>',
      'largest accepted body, e.g. 1048576, 512KiB, 4MiB (default 4MiB)' + envHint('PIPELINE_METRICS_BODY_LIMIT'),
    )
    .option(
      '--store-timeout <seconds>',
      `answer 503 when the database takes longer per request, 0.001-3600 (default ${SERVE_DEFAULTS.storeTimeoutS})`,
    )
    .option(
      '--db-pool-size <n>',
      `connections to a Postgres server (default ${SERVE_DEFAULTS.dbPoolSize})` + envHint('PIPELINE_METRICS_DB_POOL_SIZE'),
    )
    .action(async (flags: ServeFlags) => {
      const config = resolveServeConfig(flags, readEnv());
      // before the databases open (an embedded one takes seconds): a taken port fails at once
      await assertPortFree(config.host, config.port);
      await runServe(config, {
        logger: (line) => io.out(line),
        onListening: (url, stores) => io.err(`listening on ${url} (stores: ${stores.join(', ')})`),
        onClosing: (reason) => io.err(`${reason}: shutting down, finishing in-flight requests`),
        onWarning: (message) => io.err(`warning: ${message}`),
        onShutdownRequest: subscribeToSignals,
      });
      io.err('stopped');
    });
}

/** Each signal once: a second SIGTERM/SIGINT during shutdown falls back to Node's default (terminate). */
export function subscribeToSignals(stop: (reason: string) => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    unsubscribe();
    stop(signal);
  };
  const unsubscribe = (): void => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return unsubscribe;
}

/** Repeated `--token`: no commander default, so `--help` shows none (`(default: [])`). */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
