/**
 * Real Postgres engines for server tests: a fresh, migrated database on the PostgreSQL server
 * (rows counted with pg directly), or a PGlite directory (counted through the store's own client).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';
import { openPostgresStore, createPostgresStore } from '../../src/store/postgres/index.js';
import { openSqlClient } from '../../src/store/postgres/client.js';
import { ensureSchema } from '../../src/store/postgres/schema-check.js';
import type { BackfillSink } from '../../src/store/stored-state.js';

export interface TestEngine {
  name: string;
  /** the `--db` spec of this engine */
  spec: string;
  sink: BackfillSink;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** A fresh database `pm_test_<label>_<random>` on the server, migrated with the shipped files. */
export function createServerDatabase(label: string): Promise<TempDatabase> {
  return createTempDatabase({ prefix: `pm_test_${label}`, migrate: true });
}

export async function openServerEngine(label: string): Promise<TestEngine> {
  const db = await createServerDatabase(label);
  const sink = await openPostgresStore(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  return {
    name: 'postgres server',
    spec: db.url,
    sink,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async close() {
      await sink.close().catch(() => undefined); // the server may have closed it already
      await pool.end();
      await db.drop();
    },
  };
}

export async function openPgliteEngine(): Promise<TestEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-pglite-'));
  const client = await openSqlClient(dir);
  await ensureSchema(client, true);
  return {
    name: 'pglite',
    spec: dir,
    sink: createPostgresStore(client),
    query: (sql, params) => client.query(sql, params) as never,
    async close() {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Row count of every metrics_* table, e.g. `{ metrics_pipeline: 3, metrics_job: 2, … }`. */
export async function countRows(engine: TestEngine): Promise<Record<string, number>> {
  const tables = await engine.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'metrics\\_%' ORDER BY 1",
  );
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [row] = await engine.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM ${tablename}`);
    counts[tablename] = Number(row!.n);
  }
  return counts;
}
