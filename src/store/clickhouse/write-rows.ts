import { Readable } from 'node:stream';
import type { SaveOutcome } from '../types.js';
import type { ClickhouseHandle } from './client.js';
import { dedupTokenOfText, jsonEachRow } from './dedup-token.js';
import { wrapClickhouseError } from './errors.js';
import type { PayloadRows, Row } from './rows.js';
import type { StoredIndex } from './stored-index.js';
import { BUILDS_TABLE, PIPELINES_TABLE, REFRESHES_TABLE, SECTIONS_TABLE } from './tables.js';

/**
 * Writes pipelines so that every write is idempotent and reads need no FINAL:
 * - within a batch, a pipeline id seen earlier in the batch is a `duplicate`;
 * - one existence check per batch: a pipeline whose ci_finished_pipelines row exists is a
 *   `duplicate`; for the others, a table that already holds rows of that pipeline (left by a
 *   write that failed half-way) gets none again — a pipeline's rows of one table are always
 *   written by one insert, so present means complete;
 * - one insert per table, builds and sections first and the pipeline row last (its presence
 *   marks a complete write), each with a deterministic insert_deduplication_token (see
 *   dedup-token.ts), so an insert repeated by a retry or a racing writer is dropped by the engine;
 *   the token is salted with the refresh count of the pipelines it writes (see refreshSalt), so
 *   a save after a refresh that failed half-way is not dropped as a repeat of an earlier save.
 * Callers keep the batches of one store apart (see group-writer.ts): batches may be written at
 * the same time, but a pipeline in a batch being written is in no other batch until it is written.
 * With an `index` (a sole writer's memory of what is stored, see stored-index.ts) the existence
 * check asks the tables only about pipelines the index cannot answer.
 */
export async function writeBatch(handle: ClickhouseHandle, batch: readonly PayloadRows[], index?: StoredIndex): Promise<SaveOutcome[]> {
  const first = new Map<number, PayloadRows>();
  for (const rows of batch) if (!first.has(pipelineId(rows))) first.set(pipelineId(rows), rows);
  const stored = await (index ? storedRowsIndexed(handle, index, [...first.keys()]) : storedRows(handle, [...first.keys()]));
  const fresh = [...first.values()].filter((rows) => !stored.pipelines.has(pipelineId(rows)));
  await tracked(index, fresh.map(pipelineId), () => writeFresh(handle, fresh, stored));
  const created = new Set(fresh);
  return batch.map((rows) => (created.has(rows) ? 'created' : 'duplicate'));
}

/** Builds and sections first, the pipeline row last (see writeBatch). */
async function writeFresh(handle: ClickhouseHandle, fresh: PayloadRows[], stored: StoredRows): Promise<void> {
  const missing = (have: Set<number>) => fresh.filter((rows) => !have.has(pipelineId(rows)));
  const insert = (table: string, pipelines: PayloadRows[], rowsOf: (rows: PayloadRows) => Row[]) =>
    insertRows(handle, table, pipelines.flatMap(rowsOf), refreshSalt(pipelines, stored.refreshes));
  await Promise.all([
    insert(BUILDS_TABLE, missing(stored.builds), (rows) => rows.builds),
    insert(SECTIONS_TABLE, missing(stored.sections), (rows) => rows.sections),
  ]);
  await insert(PIPELINES_TABLE, fresh, (rows) => [rows.pipeline]);
}

/**
 * The deduplication salt of an insert of `pipelines`: `id:count` of those refreshed before (see
 * migration 0005), '' when none was. A refresh deletes a pipeline's rows, but the engine's
 * deduplication log remembers the tokens of the inserts that wrote them: after a refresh that
 * failed half-way, a save of the same rows needs new tokens to be stored. Two writers that see the
 * same refreshes still give equal tokens, so a race between them is still dropped once.
 */
function refreshSalt(pipelines: readonly PayloadRows[], refreshes: ReadonlyMap<number, number>): string {
  const counted = pipelines.map(pipelineId).filter((id) => refreshes.has(id));
  return counted.map((id) => `${id}:${refreshes.get(id)}`).join(',');
}

/**
 * Runs a write of pipelines `ids` and keeps `index` right: unknown while it runs and if it fails
 * (its rows may be half-written), written once it has committed.
 */
async function tracked(index: StoredIndex | undefined, ids: number[], write: () => Promise<void>): Promise<void> {
  if (!index || ids.length === 0) return write();
  index.markUnknown(ids);
  await write();
  index.markWritten(ids);
}

/**
 * Replaces a stored pipeline (the refresh path, e.g. one stored while still running): deletes its
 * rows from the three tables — the pipeline row first, so the pipeline is absent rather than
 * doubled while this runs — then inserts the new rows with tokens salted by `version`, so the
 * engine does not drop them as repeats of what was deleted. Interrupted at any point, a later
 * save or replace of the pipeline completes it without duplicates.
 */
export async function replacePipeline(handle: ClickhouseHandle, rows: PayloadRows, version: string, index?: StoredIndex): Promise<void> {
  const id = pipelineId(rows);
  await tracked(index, [id], async () => {
    // counted before anything is deleted: see refreshSalt
    await insertRows(handle, REFRESHES_TABLE, [{ pipeline_id: id, generation: version }], version);
    await deleteRows(handle, PIPELINES_TABLE, 'id', id);
    await deleteRows(handle, BUILDS_TABLE, 'pipeline_id', id);
    await deleteRows(handle, SECTIONS_TABLE, 'pipeline_id', id);
    await Promise.all([insertRows(handle, BUILDS_TABLE, rows.builds, version), insertRows(handle, SECTIONS_TABLE, rows.sections, version)]);
    await insertRows(handle, PIPELINES_TABLE, [rows.pipeline], version);
  });
}

export function pipelineId(rows: PayloadRows): number {
  return Number(rows.pipeline.id);
}

interface StoredRows {
  pipelines: Set<number>;
  builds: Set<number>;
  sections: Set<number>;
  /** refreshes per pipeline, for those refreshed at least once (see refreshSalt) */
  refreshes: Map<number, number>;
}

const STORED_SQL = `SELECT 'pipelines' AS t, id, 1 AS n FROM ${PIPELINES_TABLE} WHERE id IN {ids:Array(UInt64)}
UNION ALL SELECT DISTINCT 'builds' AS t, pipeline_id AS id, 1 AS n FROM ${BUILDS_TABLE} WHERE pipeline_id IN {ids:Array(UInt64)}
UNION ALL SELECT DISTINCT 'sections' AS t, pipeline_id AS id, 1 AS n FROM ${SECTIONS_TABLE} WHERE pipeline_id IN {ids:Array(UInt64)}
UNION ALL SELECT 'refreshes' AS t, pipeline_id AS id, count() AS n FROM ${REFRESHES_TABLE} WHERE pipeline_id IN {ids:Array(UInt64)} GROUP BY pipeline_id`;

/**
 * storedRows answered by the index: a stored pipeline has rows in every table, one in no set is
 * in no table, and only the unknown ones are looked up (usually none: no query).
 */
async function storedRowsIndexed(handle: ClickhouseHandle, index: StoredIndex, ids: number[]): Promise<StoredRows> {
  const { stored, unknown } = index.classify(ids);
  const answer = await storedRows(handle, unknown);
  // a pipeline row present means a complete write (see writeBatch): known again from now on
  index.markWritten(unknown.filter((id) => answer.pipelines.has(id)));
  for (const id of stored) answer.pipelines.add(id);
  return answer;
}

/** Which of `ids` already have rows in each table (one round trip; none for no ids). */
async function storedRows(handle: ClickhouseHandle, ids: number[]): Promise<StoredRows> {
  const stored: StoredRows = { pipelines: new Set(), builds: new Set(), sections: new Set(), refreshes: new Map() };
  if (ids.length === 0) return stored;
  try {
    const result = await handle.client.query({ query: STORED_SQL, query_params: { ids }, format: 'JSONCompact' });
    const body = await result.json<[keyof StoredRows, number | string, number | string]>();
    for (const [table, id, n] of body.data) {
      if (table === 'refreshes') stored.refreshes.set(Number(id), Number(n));
      else stored[table].add(Number(id));
    }
  } catch (error) {
    throw wrapClickhouseError(error, `checking which of ${ids.length} pipeline(s) are stored`, handle.description);
  }
  return stored;
}

/**
 * On a server, inserts are also asynchronous inserts that are waited for: the server buffers
 * small inserts from many clients into fewer parts, and the request is answered only once its
 * rows are written. (Deduplication of asynchronous inserts applies to replicated tables; on a
 * single server the existence checks above are what make a retry idempotent.)
 */
const SERVER_INSERT_SETTINGS = { async_insert: 1, wait_for_async_insert: 1, async_insert_deduplicate: 1 } as const;

async function insertRows(handle: ClickhouseHandle, table: string, values: Row[], salt?: string): Promise<void> {
  if (values.length === 0) return;
  // the rows are serialized once: the token hashes the very text that is inserted
  const text = jsonEachRow(values);
  // SETTINGS inside the statement, so it applies to this insert only (chDB turns client-side
  // settings into session-wide SETs); the token is hex from dedupTokenOfText, the table from our list
  const query = `INSERT INTO ${table} SETTINGS insert_deduplication_token = '${dedupTokenOfText(table, text, salt)}' FORMAT JSONEachRow`;
  try {
    const result = await handle.client.exec({
      query,
      values: Readable.from([text], { objectMode: false }),
      ...(handle.spec.kind === 'server' && { clickhouse_settings: SERVER_INSERT_SETTINGS }),
    });
    // an insert answers nothing, but the answer must be read to its end to release the request
    for await (const chunk of result.stream) void chunk;
  } catch (error) {
    throw wrapClickhouseError(error, `writing ${values.length} row(s) to ${table}`, handle.description);
  }
}

async function deleteRows(handle: ClickhouseHandle, table: string, column: 'id' | 'pipeline_id', id: number): Promise<void> {
  try {
    await handle.client.command({ query: `DELETE FROM ${table} WHERE ${column} = {id:UInt64}`, query_params: { id } });
  } catch (error) {
    throw wrapClickhouseError(error, `deleting pipeline ${id} from ${table}`, handle.description);
  }
}
