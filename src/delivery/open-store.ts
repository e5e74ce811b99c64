import type { BackfillSink } from '../store/stored-state.js';
import { redactUrl } from '../redact-url.js';

/**
 * `autoMigrate`: apply pending migrations on open. Only embedded stores honour it; a server
 * database is migrated with `pipeline-metrics migrate`, and a store on an unmigrated one says so.
 */
export interface OpenOptions {
  autoMigrate: boolean;
  /** Postgres server only: connection pool size */
  poolSize?: number;
  /** embedded only: how long to wait for another process to release the directory, ms */
  lockWaitMs?: number;
  /** embedded ClickHouse only: the process is a long-running sole writer (see OpenClickhouseStoreOptions.keepStoredIndex) */
  keepStoredIndex?: boolean;
}

/**
 * Opens stores lazily: the store modules (and with them pg, PGlite, chDB, @clickhouse/client)
 * are imported only when a database target is actually used, so `push --url` loads none of them.
 */
export async function openPostgresSink(spec: string, options: OpenOptions = { autoMigrate: true }): Promise<BackfillSink> {
  const { openPostgresStore } = await import('../store/postgres/index.js');
  return openPostgresStore(spec, options);
}

/** The ClickHouse store: a PayloadSink that also runs analytics queries (serve's /graphql). */
export async function openClickhouseSink(
  spec: string,
  options: OpenOptions = { autoMigrate: true },
): Promise<import('../store/clickhouse/index.js').ClickhouseStore> {
  const { openClickhouseStore } = await import('../store/clickhouse/index.js');
  // like Postgres: only the embedded engine migrates itself; a server is migrated with `migrate`
  const autoMigrate = options.autoMigrate && !/^https?:\/\//i.test(spec.trim());
  return openClickhouseStore(spec, { autoMigrate, lockWaitMs: options.lockWaitMs, keepStoredIndex: options.keepStoredIndex });
}

/** `postgres://host/db` without credentials, or `embedded at DIR`. */
export function describeStoreSpec(spec: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) ? redactUrl(spec) : `embedded at ${spec}`;
}
