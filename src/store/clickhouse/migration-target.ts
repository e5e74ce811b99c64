import type { AppliedMigration, MigrationFile, MigrationTarget } from '../../migrate/types.js';
import { openClickhouseClient, type ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { ddlForCluster } from './cluster-ddl.js';
import { splitStatements } from './statements.js';
import { toClickhouseDateTime, toIsoUtc } from './values.js';

/** The ledger of applied migration files, in the target database. */
export const LEDGER_TABLE = 'pipeline_metrics_migrations';

export const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE}
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`;

/**
 * Migration target for ClickHouse (server URL or chDB directory; see parseClickhouseSpec).
 *
 * Locking: ClickHouse has neither transactions nor advisory locks.
 * - chDB: one process owns a data directory (the engine refuses a second), so the lock is only
 *   needed, and taken, within this process.
 * - server: the lock is also in-process only. Correctness across processes rests on the files:
 *   every statement is idempotent (`CREATE … IF NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`), and
 *   the ledger is a ReplacingMergeTree keyed by version, so two runners racing apply the same
 *   statements twice harmlessly and leave one ledger row per version.
 * `apply` is not atomic: statements run one by one and the ledger row is written last, so an
 * interrupted file is re-run from its start next time.
 */
export async function openClickhouseMigrationTarget(spec: string, options: { cluster?: string } = {}): Promise<MigrationTarget> {
  return clickhouseMigrationTarget(await openClickhouseClient(spec), { closeHandle: true, cluster: options.cluster });
}

/**
 * A target over an open handle; `close()` closes the handle only when `closeHandle`. With
 * `cluster`, every statement (the ledger's too) runs ON CLUSTER with Replicated engines
 * (cluster-ddl.ts); the ledger records the shipped files' checksums either way.
 */
export function clickhouseMigrationTarget(handle: ClickhouseHandle, options: { closeHandle: boolean; cluster?: string }): MigrationTarget {
  const ddl = (statement: string) => ddlForCluster(statement, options.cluster);
  let queue: Promise<void> = Promise.resolve();
  return {
    dialect: 'clickhouse',
    description: options.cluster === undefined ? handle.description : `${handle.description} (cluster ${options.cluster})`,
    async lock() {
      let release!: () => void;
      const previous = queue;
      queue = new Promise<void>((resolve) => (release = resolve));
      await previous;
      return async () => release();
    },
    ensureLedger: () => command(handle, ddl(LEDGER_DDL), 'creating the migration ledger'),
    listApplied: () => listApplied(handle),
    apply: (file) => applyFile(handle, file, ddl),
    close: async () => {
      if (options.closeHandle) await handle.close();
    },
  };
}

async function command(handle: ClickhouseHandle, query: string, action: string): Promise<void> {
  try {
    await handle.client.command({ query });
  } catch (error) {
    throw wrapClickhouseError(error, action, handle.description);
  }
}

interface LedgerRow {
  version: number | string;
  name: string;
  checksum: string;
  applied_at: string;
}

async function listApplied(handle: ClickhouseHandle): Promise<AppliedMigration[]> {
  try {
    const result = await handle.client.query({
      query: `SELECT version, name, checksum, applied_at FROM ${LEDGER_TABLE} FINAL ORDER BY version`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<LedgerRow>();
    return rows.map((row) => ({
      version: Number(row.version),
      name: row.name,
      checksum: row.checksum,
      appliedAt: toIsoUtc(row.applied_at),
    }));
  } catch (error) {
    throw wrapClickhouseError(error, 'reading the migration ledger', handle.description);
  }
}

async function applyFile(handle: ClickhouseHandle, file: MigrationFile, ddl: (statement: string) => string): Promise<void> {
  const statements = splitStatements(file.sql).map(ddl);
  for (const [index, statement] of statements.entries()) {
    await command(handle, statement, `migration ${file.name} (statement ${index + 1} of ${statements.length})`);
  }
  try {
    await handle.client.insert({
      table: LEDGER_TABLE,
      values: [{ version: file.version, name: file.name, checksum: file.checksum, applied_at: toClickhouseDateTime(new Date()) }],
      format: 'JSONEachRow',
    });
  } catch (error) {
    throw wrapClickhouseError(error, `recording migration ${file.name} in ${LEDGER_TABLE}`, handle.description);
  }
}
