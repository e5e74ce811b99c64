/** Public surface of the ClickHouse store; the only modules that load @clickhouse/client and chDB. */
export { openClickhouseStore, DEFAULT_BATCHING, type ClickhouseStore, type OpenClickhouseStoreOptions } from './store.js';
export { openClickhouseClient, type ClickhouseHandle } from './client.js';
export { openClickhouseMigrationTarget } from './migration-target.js';
export { runQuery, type QueryResult, type CellValue, type RunnableQuery } from './query.js';
export { parseClickhouseSpec, DEFAULT_CHDB_DIR, type ClickhouseSpec } from './spec.js';
export { ClickhouseServerError } from './errors.js';
