import { randomUUID } from 'node:crypto';
import type { Payload } from '../../payload/schema.js';
import { storedState, type RefreshOutcome, type StoredState } from '../stored-state.js';
import type { ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { payloadRows } from './rows.js';
import type { StoredIndex } from './stored-index.js';
import { PIPELINES_TABLE } from './tables.js';
import { replacePipeline } from './write-rows.js';

/** ClickHouse's default DateTime64 (epoch): what an absent `finished_at` is stored as. */
const EPOCH = /^1970-01-01/;

/**
 * One query for a page of ids. Writes are idempotent and a refresh replaces the pipeline's rows
 * (see write-rows.ts), so each stored pipeline has one row: no FINAL.
 */
export async function storedStates(handle: ClickhouseHandle, ids: readonly number[]): Promise<Map<number, StoredState>> {
  if (ids.length === 0) return new Map();
  try {
    const result = await handle.client.query({
      query: `SELECT toString(id) AS id, status, toString(finished_at) AS finished_at FROM ${PIPELINES_TABLE} WHERE id IN {ids:Array(UInt64)} LIMIT 1 BY id`,
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
 * Replaces a running snapshot with the finished pipeline: its rows are deleted and written again
 * (replacePipeline), so reads never see both. A pipeline that is not stored is left alone.
 * `exclusive` runs the replacement with no batched save of the store in flight; `index` (the
 * store's, if it keeps one) is kept right.
 */
export async function refreshPipeline(
  handle: ClickhouseHandle,
  payload: Payload,
  exclusive: (task: () => Promise<void>) => Promise<void>,
  index?: StoredIndex,
): Promise<RefreshOutcome> {
  const rows = payloadRows(payload);
  const stored = await storedStates(handle, [payload.pipeline_id]);
  if (!stored.has(payload.pipeline_id)) return 'missing';
  await exclusive(() => replacePipeline(handle, rows, randomUUID(), index));
  return 'refreshed';
}
