import type { Payload } from '../../payload/schema.js';
import { storedState, type RefreshOutcome, type StoredState } from '../stored-state.js';
import type { ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { payloadRows } from './rows.js';
import { BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE, insert, pipelineExists } from './store.js';
import { toClickhouseDateTime } from './values.js';

/** ClickHouse's default DateTime64 (epoch): what an absent `finished_at` is stored as. */
const EPOCH = /^1970-01-01/;

/**
 * One query for a page of ids. Several rows of one pipeline (a running snapshot and its
 * refresh, before a merge) collapse to the last written one through FINAL.
 */
export async function storedStates(handle: ClickhouseHandle, ids: readonly number[]): Promise<Map<number, StoredState>> {
  if (ids.length === 0) return new Map();
  try {
    const result = await handle.client.query({
      query: `SELECT toString(id) AS id, status, toString(finished_at) AS finished_at FROM ${PIPELINES_TABLE} FINAL WHERE id IN {ids:Array(UInt64)}`,
      query_params: { ids: [...ids] },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ id: string; status: string; finished_at: string }>();
    return new Map(rows.map((r) => [Number(r.id), storedState(r.status, EPOCH.test(r.finished_at) ? null : r.finished_at)]));
  } catch (error) {
    throw wrapClickhouseError(error, `reading which of ${ids.length} pipeline(s) are stored`, handle.description);
  }
}

/**
 * Replaces a running snapshot: every row is written again. Build rows carry a `version` (the
 * ReplacingMergeTree's version column) of now, above the snapshot's, so the finished attempt
 * wins; sections and the pipeline row (ReplacingMergeTrees without a version) keep the last
 * row written. The pipeline row goes last, as in `save`.
 */
export async function refreshPipeline(
  handle: ClickhouseHandle,
  payload: Payload,
  now: () => Date = () => new Date(),
): Promise<RefreshOutcome> {
  const rows = payloadRows(payload);
  if (!(await pipelineExists(handle, Number(rows.pipeline.id)))) return 'missing';
  const version = toClickhouseDateTime(now());
  await insert(
    handle,
    BUILDS_TABLE,
    rows.builds.map((row) => ({ ...row, version })),
  );
  await insert(handle, SECTIONS_TABLE, rows.sections);
  await insert(handle, PIPELINES_TABLE, [rows.pipeline]);
  return 'refreshed';
}
