import { describePostgresSpec, parsePostgresSpec, type PostgresSpec } from './spec.js';

/** Rows as plain objects. int8 comes back as a string from a server and a number from PGlite. */
export type Row = Record<string, unknown>;

export interface SqlQueryable {
  /**
   * One statement; values only as `$n` parameters. `prepare` names a server-side prepared
   * statement reused per connection (for hot, constant SQL); PGlite ignores it.
   */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[], options?: { prepare?: string }): Promise<R[]>;
  /** several statements, no parameters (migration files) */
  exec(sql: string): Promise<void>;
}

/** A connection held for session state (advisory locks); `release` returns it (discards it when given an error). */
export interface SqlSession extends SqlQueryable {
  release(error?: Error): Promise<void>;
}

/** The one interface over node-postgres (a server) and PGlite (embedded). */
export interface SqlClient extends SqlQueryable {
  readonly kind: PostgresSpec['kind'];
  /** no secrets, e.g. `postgres://user@host:5432/db` or `embedded Postgres at DIR` */
  readonly description: string;
  /** BEGIN … COMMIT around `fn`; ROLLBACK when it throws */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** a dedicated connection on a server; PGlite has a single session, returned as is */
  reserve(): Promise<SqlSession>;
  close(): Promise<void>;
}

export interface SqlClientOptions {
  /** server only: give up connecting after this long, ms (default 10 000) */
  connectTimeoutMs?: number;
  /** server only: cancel a statement running longer, ms (default 30 000) */
  statementTimeoutMs?: number;
  /** server only: pool size (default 10) */
  poolSize?: number;
  /** embedded only: how long to wait for another process to release the directory, ms (default 30 000) */
  lockWaitMs?: number;
}

/**
 * Opens a client for a spec. Drivers are imported lazily: `pg` for servers, PGlite (an optional
 * peer; MissingDependencyError when absent) for directories, which are created if missing.
 */
export async function openSqlClient(spec: PostgresSpec | string, options: SqlClientOptions = {}): Promise<SqlClient> {
  const parsed = typeof spec === 'string' ? parsePostgresSpec(spec) : spec;
  const description = describePostgresSpec(parsed);
  if (parsed.kind === 'server') {
    const { openPgClient } = await import('./pg-client.js');
    return openPgClient(parsed.url, description, options);
  }
  const { openPgliteClient } = await import('./pglite-client.js');
  return openPgliteClient(parsed.dir, description, options.lockWaitMs);
}
