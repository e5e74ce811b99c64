/**
 * Postgres storage: the PayloadSink (`openPostgresStore`), the migration target, and the client
 * interface over node-postgres / PGlite. Importing this loads neither driver; they load on open.
 */
export { openPostgresStore, createPostgresStore, savePipeline } from './store.js';
export type { PostgresStore, OpenPostgresStoreOptions } from './store.js';
export { openPostgresMigrationTarget, createPostgresMigrationTarget, LEDGER_TABLE } from './migration-target.js';
export { openSqlClient } from './client.js';
export type { SqlClient, SqlClientOptions, SqlQueryable, SqlSession, Row } from './client.js';
export { parsePostgresSpec, describePostgresSpec, DEFAULT_EMBEDDED_POSTGRES_DIR } from './spec.js';
export type { PostgresSpec } from './spec.js';
export { isDefaultBranch } from './save-params.js';
