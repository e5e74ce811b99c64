import { ValidationError } from '../../errors.js';
import type { Payload } from '../../payload/schema.js';
import type { SaveOutcome } from '../types.js';
import type { BackfillSink } from '../stored-state.js';
import { refreshPipeline, storedStates } from './backfill.js';
import { openSqlClient, type SqlClient, type SqlClientOptions } from './client.js';
import { saveParams } from './save-params.js';
import { SAVE_PIPELINE_SQL } from './save-sql.js';
import { ensureSchema } from './schema-check.js';
import type { PostgresSpec } from './spec.js';

/** A PayloadSink writing the seed tables (+ attempts, steps, sections) of one Postgres. */
export interface PostgresStore extends BackfillSink {
  /** no secrets: `postgres://user@host/db` or `embedded Postgres at DIR` */
  readonly description: string;
}

export interface OpenPostgresStoreOptions extends SqlClientOptions {
  /** embedded directories only: apply pending migrations on open (default true) */
  autoMigrate?: boolean;
}

/**
 * Opens the store for a spec (`postgres://…` URL or a PGlite directory) and checks its schema:
 * see ensureSchema. `close` closes the connection pool / PGlite instance.
 */
export async function openPostgresStore(spec: PostgresSpec | string, options: OpenPostgresStoreOptions = {}): Promise<PostgresStore> {
  const client = await openSqlClient(spec, options);
  try {
    await ensureSchema(client, options.autoMigrate ?? true);
  } catch (error) {
    await client.close();
    throw error;
  }
  return createPostgresStore(client, { ownsClient: true });
}

/** A store over an open client whose schema is already migrated. */
export function createPostgresStore(client: SqlClient, options: { ownsClient?: boolean } = {}): PostgresStore {
  return {
    description: client.description,
    save: (payload) => savePipeline(client, payload),
    storedStates: (ids) => storedStates(client, ids),
    refresh: (payload) => refreshPipeline(client, payload),
    async ping() {
      await client.query('SELECT 1');
    },
    async close() {
      if (options.ownsClient) await client.close();
    },
  };
}

/** Writes one pipeline all-or-nothing: `created`, or `duplicate` with nothing written. */
export async function savePipeline(client: SqlClient, payload: Payload): Promise<SaveOutcome> {
  const params = saveParams(payload);
  try {
    const [row] = await client.query<{ created: number }>(SAVE_PIPELINE_SQL, params, { prepare: 'pipeline_metrics_save' });
    return row?.created === 1 ? 'created' : 'duplicate';
  } catch (error) {
    throw conflictToValidation(error) ?? error;
  }
}

/**
 * A job id already stored under another pipeline (or repeated in this payload) cannot be a
 * duplicate of this pipeline: it is a payload problem, reported as such (nothing was written).
 * Steps and sections are keyed by (job id, name) and names are unique per job, so a conflict
 * there also means a repeated job id; which constraint fires first is up to the engine.
 */
const JOB_ID_CONSTRAINTS = new Set(['metrics_job_attempt_pkey', 'metrics_job_step_pkey', 'metrics_job_section_pkey']);

export function conflictToValidation(error: unknown): ValidationError | undefined {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code !== '23505' || typeof constraint !== 'string' || !JOB_ID_CONSTRAINTS.has(constraint)) return undefined;
  return new ValidationError('payload', ['attempts: a job id is repeated, or already stored under another pipeline'], { cause: error });
}
