import type { Payload } from '../../payload/schema.js';
import type { PayloadSink, SaveOutcome } from '../types.js';
import { openClickhouseClient, type ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { migrateClickhouse } from './migrate.js';
import { runQuery, type QueryResult, type RunnableQuery } from './query.js';
import { payloadRows, type Row } from './rows.js';

export const BUILDS_TABLE = 'ci_finished_builds';
export const PIPELINES_TABLE = 'ci_finished_pipelines';
export const SECTIONS_TABLE = 'ci_finished_build_sections';

export interface ClickhouseStore extends PayloadSink {
  /** the store, for messages (no secrets) */
  readonly description: string;
  /** runs a compiled analytics query (see src/analytics) */
  runQuery(query: RunnableQuery): Promise<QueryResult>;
}

export interface OpenClickhouseStoreOptions {
  /** apply pending migrations/clickhouse files first (default false) */
  autoMigrate?: boolean;
}

/**
 * A PayloadSink writing to ClickHouse (server URL or chDB directory).
 *
 * `save` writes every finished job attempt to ci_finished_builds, their log sections and steps
 * to ci_finished_build_sections, then the pipeline to ci_finished_pipelines — last, so its row
 * marks a complete write. A pipeline already present is reported `duplicate` and nothing is
 * written. ClickHouse has no transactions: if a write fails half-way the pipeline row is absent
 * and a retry writes everything again; the tables are ReplacingMergeTrees keyed by build id
 * (and build/kind/name for sections), and queries read them with FINAL, so rows written twice
 * — by such a retry, or by two processes racing on one pipeline — are counted once.
 * Within one process, saves of the same pipeline are serialized, so the second reports `duplicate`.
 */
export async function openClickhouseStore(spec: string, options: OpenClickhouseStoreOptions = {}): Promise<ClickhouseStore> {
  const handle = await openClickhouseClient(spec);
  try {
    if (options.autoMigrate) await migrateClickhouse(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const inFlight = new Map<number, Promise<unknown>>();
  return {
    description: handle.description,
    save: (payload) => serialized(inFlight, payload.pipeline_id, () => savePayload(handle, payload)),
    ping: () => ping(handle),
    runQuery: (query) => runQuery(handle, query),
    close: () => handle.close(),
  };
}

async function serialized<T>(inFlight: Map<number, Promise<unknown>>, key: number, task: () => Promise<T>): Promise<T> {
  const previous = inFlight.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(task);
  inFlight.set(key, next);
  try {
    return await next;
  } finally {
    if (inFlight.get(key) === next) inFlight.delete(key);
  }
}

async function savePayload(handle: ClickhouseHandle, payload: Payload): Promise<SaveOutcome> {
  const rows = payloadRows(payload);
  if (await pipelineExists(handle, Number(rows.pipeline.id))) return 'duplicate';
  await insert(handle, BUILDS_TABLE, rows.builds);
  await insert(handle, SECTIONS_TABLE, rows.sections);
  await insert(handle, PIPELINES_TABLE, [rows.pipeline]);
  return 'created';
}

async function pipelineExists(handle: ClickhouseHandle, id: number): Promise<boolean> {
  try {
    const result = await handle.client.query({
      query: `SELECT 1 FROM ${PIPELINES_TABLE} WHERE id = {id:UInt64} LIMIT 1`,
      query_params: { id },
      format: 'JSONCompact',
    });
    const body = await result.json<unknown[]>();
    return body.data.length > 0;
  } catch (error) {
    throw wrapClickhouseError(error, `checking whether pipeline ${id} is stored`, handle.description);
  }
}

async function insert(handle: ClickhouseHandle, table: string, values: Row[]): Promise<void> {
  if (values.length === 0) return;
  try {
    await handle.client.insert({ table, values, format: 'JSONEachRow' });
  } catch (error) {
    throw wrapClickhouseError(error, `writing ${values.length} row(s) to ${table}`, handle.description);
  }
}

async function ping(handle: ClickhouseHandle): Promise<void> {
  let result: Awaited<ReturnType<ClickhouseHandle['client']['ping']>>;
  try {
    result = await handle.client.ping();
  } catch (error) {
    throw wrapClickhouseError(error, 'pinging', handle.description);
  }
  if (!result.success) throw wrapClickhouseError(result.error, 'pinging', handle.description);
}
