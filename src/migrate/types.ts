/** One SQL file shipped in `migrations/<dialect>/NNNN_name.sql`. */
export interface MigrationFile {
  /** NNNN prefix of the file name */
  version: number;
  /** file name without extension, e.g. `0001_initial` */
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes */
  checksum: string;
}

/** A row of a target's ledger. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  /** ISO 8601, UTC */
  appliedAt: string;
}

export type Dialect = 'postgres' | 'clickhouse';

/**
 * A database migrations are applied to. The runner (src/migrate) owns ordering, checksums and
 * refusal rules; a target only knows its engine.
 */
export interface MigrationTarget {
  readonly dialect: Dialect;
  /** human description for messages, e.g. `postgres://…@host/db` or `embedded Postgres at DIR` (no secrets) */
  readonly description: string;
  /** takes an exclusive lock across processes (waits for it); returns the release function */
  lock(): Promise<() => Promise<void>>;
  /** creates the ledger table if missing */
  ensureLedger(): Promise<void>;
  listApplied(): Promise<AppliedMigration[]>;
  /** runs the file's statements and records it in the ledger (atomically where the engine allows) */
  apply(file: MigrationFile): Promise<void>;
  close(): Promise<void>;
}
