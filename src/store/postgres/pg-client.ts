import pg from 'pg';
import type { SqlClient, SqlClientOptions, SqlQueryable, SqlSession } from './client.js';
import { toUpstream } from './pg-errors.js';

type Queryer = Pick<pg.PoolClient, 'query'>;

/** A pooled node-postgres client; outages surface as UpstreamError, never as a hang. */
export function openPgClient(url: string, description: string, options: SqlClientOptions): SqlClient {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idleTimeoutMillis: 30_000,
    application_name: 'pipeline-metrics',
  });
  // an idle client losing its connection must not crash the process; the next query reports it
  pool.on('error', () => undefined);
  const fail = (error: unknown): never => {
    throw toUpstream(error, description);
  };
  const connect = (): Promise<pg.PoolClient> => pool.connect().catch(fail);

  return {
    kind: 'server',
    description,
    ...queryable(pool, fail),
    async transaction(fn) {
      const client = await connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client, fail));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        return fail(error);
      } finally {
        client.release(broken);
      }
    },
    async reserve(): Promise<SqlSession> {
      const client = await connect();
      return { ...queryable(client, fail), release: async (error) => client.release(error) };
    },
    close: () => pool.end(),
  };
}

function queryable(target: Queryer, fail: (error: unknown) => never): SqlQueryable {
  return {
    async query(sql, params, options) {
      const values = params as unknown[] | undefined;
      const query = options?.prepare ? { name: options.prepare, text: sql, values } : { text: sql, values };
      const result = await target.query(query).catch(fail);
      return result.rows;
    },
    async exec(sql) {
      await target.query(sql).catch(fail);
    },
  };
}
