import type { AddressInfo } from 'node:net';
import type { ServeConfig } from '../config/serve.js';
import { describeStoreSpec, type OpenOptions } from '../delivery/open-store.js';
import type { BackfillSink } from '../store/stored-state.js';
import type { LogWriter } from '../server/request-log.js';

export type SinkOpener = (spec: string, options: OpenOptions) => Promise<BackfillSink>;

export interface ServeDeps {
  /** one JSON line per request */
  logger?: LogWriter;
  /** called once the socket listens, with e.g. `http://0.0.0.0:8080` */
  onListening?: (url: string, stores: string[]) => void;
  /** called when shutdown starts, with its reason (e.g. `SIGTERM`) */
  onClosing?: (reason: string) => void;
  /** subscribes to shutdown requests (signals); returns the unsubscribe function */
  onShutdownRequest: (stop: (reason: string) => void) => () => void;
  openPostgres?: SinkOpener;
  openClickhouse?: SinkOpener;
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
    const sinks = await openSinks(config, deps);
    const { buildServer } = await import('../server/build-server.js');
    const app = buildServer({ sinks, tokens: config.tokens, bodyLimit: config.bodyLimit, logger: deps.logger, storeTimeoutMs: config.storeTimeoutMs });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await app.close();
      throw error;
    }
    const address = app.server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    deps.onListening?.(url, sinks.map((_, i) => describeStoreSpec(i === 0 ? config.postgres : config.clickhouse!)));
    const reason = early ?? (await stopped);
    deps.onClosing?.(reason);
    await app.close();
    return { url, reason };
  } finally {
    unsubscribe();
  }
}

async function openSinks(config: ServeConfig, deps: ServeDeps): Promise<BackfillSink[]> {
  const { openPostgresSink, openClickhouseSink } = await import('../delivery/open-store.js');
  const openPg = deps.openPostgres ?? openPostgresSink;
  const postgres = await openPg(config.postgres, { autoMigrate: true, poolSize: config.dbPoolSize });
  if (!config.clickhouse) return [postgres];
  try {
    const openCh = deps.openClickhouse ?? openClickhouseSink;
    return [postgres, await openCh(config.clickhouse, { autoMigrate: true })];
  } catch (error) {
    await postgres.close();
    throw error;
  }
}
