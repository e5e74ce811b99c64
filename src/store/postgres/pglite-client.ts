import { resolve } from 'node:path';
import { MissingDependencyError } from '../../errors.js';
import { acquireDirectoryLock } from '../directory-lock.js';
import type { SqlClient, SqlQueryable, SqlSession } from './client.js';
import { createWalSyncer, syncChangedFiles } from './sync-changed-files.js';

type PGliteModule = typeof import('@electric-sql/pglite');
type PGliteInstance = InstanceType<PGliteModule['PGlite']>;
type PGliteQueryer = Pick<PGliteInstance, 'query' | 'exec'>;

/**
 * Embedded Postgres (PGlite) in a data directory, created if missing. One process per directory:
 * the directory lock is taken first (waiting up to `lockWaitMs`, see directory-lock) and released
 * only after PGlite has closed, so a second process never writes the same files. PGlite is a
 * single session, so `reserve` hands out the instance itself. PGlite never fsyncs: every
 * statement (a transaction: its commit) returns only after its WAL is fsynced (createWalSyncer),
 * and `close` resolves once PGlite has shut down and every file it changed is fsynced
 * (syncChangedFiles). It rejects if either failed.
 */
export async function openPgliteClient(dir: string, description: string, lockWaitMs?: number): Promise<SqlClient> {
  const { PGlite } = await loadPglite();
  const lock = await acquireDirectoryLock(dir, { waitMs: lockWaitMs });
  const openedAt = Date.now();
  let db: PGliteInstance;
  try {
    db = await PGlite.create(dir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  // what the open wrote (a new directory's catalog, a recovery's checkpoint) is made durable
  // before the first statement: the WAL syncer only watches what changes after it
  const syncedAt = Date.now();
  let wal: Awaited<ReturnType<typeof createWalSyncer>>;
  try {
    await syncChangedFiles(resolve(dir), openedAt);
    wal = await createWalSyncer(resolve(dir), syncedAt);
  } catch (error) {
    try {
      await db.close();
    } finally {
      await lock.release();
    }
    throw error;
  }
  const self = queryable(db, () => wal.afterStatement());
  const session: SqlSession = { ...self, release: async () => undefined };
  return {
    kind: 'embedded',
    description,
    ...self,
    transaction: async (fn) => {
      const result = await db.transaction((tx) => fn(queryable(tx)));
      await wal.afterStatement();
      return result;
    },
    reserve: async () => session,
    close: async () => {
      try {
        await db.close();
        await syncChangedFiles(resolve(dir), openedAt);
      } finally {
        await lock.release();
      }
    },
  };
}

async function loadPglite(): Promise<PGliteModule> {
  try {
    return await import('@electric-sql/pglite');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingDependencyError(
        '@electric-sql/pglite',
        'The embedded Postgres (--db <directory>)',
        '--db postgres://user:password@host:5432/db (or DATABASE_URL)',
        { cause: error },
      );
    }
    throw error;
  }
}

/** `afterStatement`, when given, runs after each statement (outside a transaction: after its commit). */
function queryable(db: PGliteQueryer, afterStatement?: () => Promise<unknown>): SqlQueryable {
  return {
    async query(sql, params) {
      const result = await db.query(sql, params as unknown[] | undefined);
      await afterStatement?.();
      return result.rows as never;
    },
    async exec(sql) {
      await db.exec(sql);
      await afterStatement?.();
    },
  };
}
