import type { BackfillSink } from '../stored-state.js';
import { refreshPipeline, storedStates } from './backfill.js';
import { openClickhouseClient, type ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { ensureEmbeddedTableSettings } from './embedded-table-settings.js';
import { createGroupWriter, type GroupWriterOptions } from './group-writer.js';
import { hasPendingClickhouseMigrations, migrateClickhouse } from './migrate.js';
import { findProject, type StoredProject } from './projects.js';
import { runQuery, type QueryGuard, type QueryResult, type RunnableQuery } from './query.js';
import { payloadRows, type PayloadRows } from './rows.js';
import { loadStoredIndex, type StoredIndex } from './stored-index.js';
import { pipelineId, writeBatch } from './write-rows.js';

export interface ClickhouseStore extends BackfillSink {
  /** the store, for messages (no secrets) */
  readonly description: string;
  /** runs a compiled analytics query (see src/analytics), bounded by `guard` when given */
  runQuery(query: RunnableQuery, guard?: QueryGuard): Promise<QueryResult>;
  /** the project stored under a full path or numeric id, undefined when no pipeline of it is stored */
  findProject(pathOrId: string | number): Promise<StoredProject | undefined>;
}

export interface OpenClickhouseStoreOptions {
  /** apply pending migrations/clickhouse files first (default false) */
  autoMigrate?: boolean;
  /**
   * The process only reads (`query`, `report`): on the embedded engine, an engine this open
   * starts schedules no merge while its tables load (see OpenClickhouseClientOptions.readOnly),
   * and background merges are stopped in this process once migrations are applied, so a query
   * never competes with a merge it did not ask for and closing never waits for one. Never for a
   * process that also writes.
   */
  readOnly?: boolean;
  /** batching of concurrent saves (default: {@link DEFAULT_BATCHING}) */
  batching?: GroupWriterOptions;
  /** embedded only: how long to wait for another process to release the directory, ms */
  lockWaitMs?: number;
  /**
   * Embedded only, for a long-running process that is the directory's only writer (serve): keep
   * which pipelines are stored in memory (see stored-index.ts), loaded once at open, so a batch of
   * saves needs no existence query. Not for one-shot writers (`push`): the load reads every
   * pipeline id. Nothing else may write the directory while the store is open, also not
   * another store in this process. Ignored for a server URL (other writers may share it).
   */
  keepStoredIndex?: boolean;
}

/**
 * Saves arriving together are written together (one insert per table), bounded by rows: a write
 * waits 5 ms for more saves after the first (a batch costs about as much as a single save, so
 * without the wait a wave of resubmissions splits into a batch of one and a batch of the rest),
 * then up to 120 ms more for saves announced by the server (requests whose Postgres write is in
 * progress; see GroupWriterOptions.announcedWaitMs). Two writes may run at once, never with the
 * same pipeline: the next batch forms and is written while the previous one is still being
 * written. Measured in bench/serve.bench.ts (50 connections, same machine, alternating runs):
 * one write at a time with a 50 ms wait gave 0.51 and 0.56 of Postgres alone's req/s, p99 269 and
 * 262 ms; two at a time with 120 ms, 0.62 and 0.61, p99 186 and 218 ms (fuller batches: 46 pipelines
 * a write instead of 38, and less CPU per request). 20,000 rows is ~100 pipelines of 200 builds.
 */
export const DEFAULT_BATCHING: GroupWriterOptions = { maxRows: 20_000, lingerMs: 5, announcedWaitMs: 120, concurrency: 2 };

/**
 * A PayloadSink writing to ClickHouse (server URL or chDB directory).
 *
 * Writes are idempotent (see writeBatch): a pipeline already stored is reported `duplicate` and
 * nothing is written; a write that failed half-way is completed by the retry; an insert repeated
 * by a retry or a racing writer is dropped by the engine (deduplication tokens). Queries
 * therefore read the tables without FINAL. Saves of one store are written by one group writer,
 * so concurrent saves of the same pipeline in one process give one `created`.
 */
export async function openClickhouseStore(spec: string, options: OpenClickhouseStoreOptions = {}): Promise<ClickhouseStore> {
  const handle = await openClickhouseClient(spec, { lockWaitMs: options.lockWaitMs, readOnly: options.readOnly ?? false });
  let index: StoredIndex | undefined;
  try {
    if (options.readOnly && handle.spec.kind === 'embedded') await openReadOnly(handle, options.autoMigrate ?? false);
    else if (options.autoMigrate) await migrateClickhouse(handle);
    if (!options.readOnly && handle.spec.kind === 'embedded') await ensureEmbeddedTableSettings(handle);
    index = options.keepStoredIndex && !options.readOnly && handle.spec.kind === 'embedded' ? await loadStoredIndex(handle) : undefined;
  } catch (error) {
    await handle.close();
    throw error;
  }
  const writer = createGroupWriter(
    (batch: PayloadRows[]) => writeBatch(handle, batch, index),
    (rows) => 1 + rows.builds.length + rows.sections.length,
    options.batching ?? DEFAULT_BATCHING,
    pipelineId,
  );
  return {
    description: handle.description,
    save: async (payload) => writer.submit(payloadRows(payload)),
    announceSave: () => writer.announce(),
    storedStates: (ids) => storedStates(handle, ids),
    refresh: (payload) => refreshPipeline(handle, payload, (task) => writer.exclusive(task), index),
    ping: () => ping(handle),
    runQuery: (query, guard) => runQuery(handle, query, guard),
    findProject: (pathOrId) => findProject(handle, pathOrId),
    close: () => handle.close(),
  };
}

/**
 * Stops (and cancels) merges and mutations in this process (chDB's engine lives in it) as its
 * first statement, before anything else runs. Pending migrations, which may need mutations
 * (e.g. dropping a projection), are applied with merges allowed for that moment only.
 */
async function openReadOnly(handle: ClickhouseHandle, autoMigrate: boolean): Promise<void> {
  await setMerges(handle, 'STOP');
  if (!autoMigrate || !(await hasPendingClickhouseMigrations(handle))) return;
  await setMerges(handle, 'START');
  await migrateClickhouse(handle);
  await setMerges(handle, 'STOP');
}

async function setMerges(handle: ClickhouseHandle, action: 'START' | 'STOP'): Promise<void> {
  try {
    await handle.client.command({ query: `SYSTEM ${action} MERGES` });
  } catch (error) {
    throw wrapClickhouseError(
      error,
      `${action === 'STOP' ? 'stopping' : 'starting'} background merges for a read-only open`,
      handle.description,
    );
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
