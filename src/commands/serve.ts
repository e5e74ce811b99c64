import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import { SERVE_DEFAULTS, type ServeConfig } from '../config/serve.js';
import type { AnalyticsSource } from '../server/graphql/context.js';
import { describeStoreSpec, type OpenOptions } from '../delivery/open-store.js';
import type { BackfillSink } from '../store/stored-state.js';
import type { LogWriter } from '../server/request-log.js';

export type SinkOpener = (spec: string, options: OpenOptions) => Promise<BackfillSink>;
/** Opens ClickHouse as a sink that also answers /graphql (one handle: chDB binds a directory per process). */
export type AnalyticsSinkOpener = (spec: string, options: OpenOptions) => Promise<BackfillSink & AnalyticsSource>;

export interface ServeDeps {
  /** one JSON line per request */
  logger?: LogWriter;
  /** called once the socket listens, with e.g. `http://0.0.0.0:8080` */
  onListening?: (url: string, stores: string[]) => void;
  /** called when shutdown starts, with its reason (e.g. `SIGTERM`) */
  onClosing?: (reason: string) => void;
  /** subscribes to shutdown requests (signals); returns the unsubscribe function */
  onShutdownRequest: (stop: (reason: string) => void) => () => void;
  /** start-up warnings, e.g. that /graphql is open to anyone */
  onWarning?: (message: string) => void;
  openPostgres?: SinkOpener;
  openClickhouse?: AnalyticsSinkOpener;
}

export interface ServeResult {
  url: string;
  /** what ended the service, e.g. `SIGTERM` */
  reason: string;
}

/**
 * `pipeline-metrics serve`: opens the stores, listens, and resolves only after a shutdown
 * request, once in-flight requests finished and the stores are closed. Never exits the process.
 */
export async function runServe(config: ServeConfig, deps: ServeDeps): Promise<ServeResult> {
  let requested: ((reason: string) => void) | undefined;
  let early: string | undefined;
  const stopped = new Promise<string>((resolve) => (requested = resolve));
  const unsubscribe = deps.onShutdownRequest((reason) => {
    early ??= reason;
    requested?.(reason);
  });
  try {
    const { sinks, analytics } = await openSinks(config, deps);
    const { buildServer } = await import('../server/build-server.js');
    const graphql = analytics ? await graphqlFor(config, analytics, deps) : undefined;
    const app = buildServer({
      sinks,
      tokens: config.tokens,
      bodyLimit: config.bodyLimit,
      logger: deps.logger,
      storeTimeoutMs: config.storeTimeoutMs,
      graphql,
    });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await app.close();
      throw error;
    }
    const address = app.server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    deps.onListening?.(
      url,
      sinks.map((_, i) => describeStoreSpec(i === 0 ? config.postgres : config.clickhouse!)),
    );
    const reason = early ?? (await stopped);
    deps.onClosing?.(reason);
    await app.close();
    return { url, reason };
  } finally {
    unsubscribe();
  }
}

async function openSinks(config: ServeConfig, deps: ServeDeps): Promise<{ sinks: BackfillSink[]; analytics?: AnalyticsSource }> {
  const { openPostgresSink, openClickhouseSink } = await import('../delivery/open-store.js');
  const openPg = deps.openPostgres ?? openPostgresSink;
  const postgres = await openPg(config.postgres, { autoMigrate: true, poolSize: config.dbPoolSize });
  if (!config.clickhouse) return { sinks: [postgres] };
  try {
    const openCh = deps.openClickhouse ?? openClickhouseSink;
    // serve is the directory's only writer while it runs (an embedded directory is locked)
    const clickhouse = await openCh(config.clickhouse, { autoMigrate: true, keepStoredIndex: true });
    return { sinks: [postgres, clickhouse], analytics: clickhouse };
  } catch (error) {
    await postgres.close();
    throw error;
  }
}

/**
 * /graphql over the ClickHouse store. Read tokens only; with no token of any kind configured it
 * is open (warned at start-up); with push tokens but no read token it refuses every request.
 */
async function graphqlFor(config: ServeConfig, source: AnalyticsSource, deps: ServeDeps): Promise<FastifyPluginAsync> {
  const [{ graphqlPlugin }, { createReadAuth }, { resolveLimits }] = await Promise.all([
    import('../server/graphql/mount.js'),
    import('../server/graphql/access.js'),
    import('../analytics/index.js'),
  ]);
  const readTokens = config.readTokens ?? [];
  const open = readTokens.length === 0 && config.tokens.length === 0;
  if (open)
    deps.onWarning?.(
      'no token configured: /graphql and /save_metrics are open to anyone who can reach this port (use --read-token and --token)',
    );
  else if (readTokens.length === 0)
    deps.onWarning?.('no --read-token configured: /graphql refuses every request (push tokens cannot read)');
  return graphqlPlugin({
    source,
    authenticate: createReadAuth(readTokens, open),
    guards: { budgetSeconds: config.queryTimeoutS ?? SERVE_DEFAULTS.queryTimeoutS, limits: resolveLimits() },
  });
}
