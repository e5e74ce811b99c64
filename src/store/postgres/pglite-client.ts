import { mkdir } from 'node:fs/promises';
import { MissingDependencyError } from '../../errors.js';
import type { SqlClient, SqlQueryable, SqlSession } from './client.js';

type PGliteModule = typeof import('@electric-sql/pglite');
type PGliteInstance = InstanceType<PGliteModule['PGlite']>;
type PGliteQueryer = Pick<PGliteInstance, 'query' | 'exec'>;

/**
 * Embedded Postgres (PGlite) in a data directory, created if missing. One process per directory:
 * PGlite is a single session, so `reserve` hands out the instance itself.
 */
export async function openPgliteClient(dir: string, description: string): Promise<SqlClient> {
  const { PGlite } = await loadPglite();
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const self = queryable(db);
  const session: SqlSession = { ...self, release: async () => undefined };
  return {
    kind: 'embedded',
    description,
    ...self,
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    reserve: async () => session,
    close: () => db.close(),
  };
}

async function loadPglite(): Promise<PGliteModule> {
  try {
    return await import('@electric-sql/pglite');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingDependencyError('@electric-sql/pglite', 'The embedded Postgres (--db <directory>)', '--db postgres://user:password@host:5432/db (or DATABASE_URL)', { cause: error });
    }
    throw error;
  }
}

function queryable(db: PGliteQueryer): SqlQueryable {
  return {
    async query(sql, params) {
      const result = await db.query(sql, params as unknown[] | undefined);
      return result.rows as never;
    },
    async exec(sql) {
      await db.exec(sql);
    },
  };
}
