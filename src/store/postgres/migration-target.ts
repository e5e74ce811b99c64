import type { AppliedMigration, MigrationTarget } from '../../migrate/types.js';
import { openSqlClient, type SqlClient, type SqlClientOptions } from './client.js';
import type { PostgresSpec } from './spec.js';

export const LEDGER_TABLE = 'pipeline_metrics_migrations';
/** pg_advisory_lock key of `migrate` (arbitrary, fixed: every pipeline-metrics process uses it) */
export const MIGRATION_LOCK_KEY = '7318420586139521';

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface LedgerRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date | string;
}

/** In-process queue for PGlite, which has one session and no other process on its directory. */
const embeddedLocks = new WeakMap<SqlClient, Promise<void>>();

/**
 * Postgres as a MigrationTarget. The lock is `pg_advisory_lock` on a dedicated connection of a
 * server (two CI jobs running migrate at once: the second waits, then finds everything applied);
 * for PGlite an in-process queue. Each file runs in one transaction with its ledger row, without
 * statement timeout. `close` closes the client only when `ownsClient`.
 */
export function createPostgresMigrationTarget(client: SqlClient, options: { ownsClient?: boolean } = {}): MigrationTarget {
  return {
    dialect: 'postgres',
    description: client.description,
    lock: () => (client.kind === 'server' ? advisoryLock(client) : queueLock(client)),
    async ensureLedger() {
      await client.query(CREATE_LEDGER);
    },
    listApplied: () => listApplied(client),
    async apply(file) {
      await client.transaction(async (tx) => {
        if (client.kind === 'server') await tx.query('SET LOCAL statement_timeout = 0');
        await tx.exec(file.sql);
        await tx.query(`INSERT INTO ${LEDGER_TABLE} (version, name, checksum) VALUES ($1, $2, $3)`, [
          file.version,
          file.name,
          file.checksum,
        ]);
      });
    },
    close: async () => {
      if (options.ownsClient) await client.close();
    },
  };
}

/** Opens its own client (closed by the target's `close`). */
export async function openPostgresMigrationTarget(spec: PostgresSpec | string, options?: SqlClientOptions): Promise<MigrationTarget> {
  return createPostgresMigrationTarget(await openSqlClient(spec, options), { ownsClient: true });
}

/** Ledger rows in version order; none when the ledger table does not exist yet. */
export async function listApplied(client: SqlClient): Promise<AppliedMigration[]> {
  const [exists] = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [LEDGER_TABLE]);
  if (!exists?.ok) return [];
  const rows = await client.query<LedgerRow & Record<string, unknown>>(
    `SELECT version, name, checksum, applied_at FROM ${LEDGER_TABLE} ORDER BY version`,
  );
  return rows.map((r) => ({
    version: Number(r.version),
    name: r.name,
    checksum: r.checksum,
    appliedAt: new Date(r.applied_at).toISOString(),
  }));
}

async function advisoryLock(client: SqlClient): Promise<() => Promise<void>> {
  const session = await client.reserve();
  try {
    // waiting for another migrate may take longer than the statement timeout
    await session.query('SET statement_timeout = 0');
    await session.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    await session.release(error as Error);
    throw error;
  }
  return async () => {
    try {
      await session.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await session.query('RESET statement_timeout');
      await session.release();
    } catch (error) {
      await session.release(error as Error);
      throw error;
    }
  };
}

async function queueLock(client: SqlClient): Promise<() => Promise<void>> {
  const previous = embeddedLocks.get(client) ?? Promise.resolve();
  let unlock!: () => void;
  const mine = new Promise<void>((resolve) => (unlock = resolve));
  embeddedLocks.set(
    client,
    previous.then(() => mine),
  );
  await previous;
  return async () => unlock();
}
