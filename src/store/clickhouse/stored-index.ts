import type { ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { BUILDS_TABLE, PIPELINES_TABLE, REFRESHES_TABLE, SECTIONS_TABLE } from './tables.js';

/**
 * Which pipelines an embedded store holds, kept in memory by a process that is the directory's
 * only writer (serve: the directory lock keeps other processes out, and nothing else in it opens
 * the directory), so a batch of saves needs no existence query (see writeBatch). It is exact,
 * never a guess: loaded from the tables at open, then updated only after a write has committed.
 * A pipeline whose rows a failed write may have left half-written is `unknown` until written
 * again: the store asks the tables about it, as without the index.
 *
 * Memory: 8 bytes per pipeline stored at open (a sorted Float64Array; ids are safe integers),
 * plus a Set entry per pipeline written or left unknown since; loading reads the ids as text
 * (see column), about 8 more bytes per pipeline for a moment.
 */
export interface StoredIndex {
  /** `ids` split into stored (the pipeline row is committed) and unknown; the others are in no table */
  classify(ids: readonly number[]): { stored: number[]; unknown: number[] };
  /** these pipelines' rows are committed in every table */
  markWritten(ids: readonly number[]): void;
  /** a write of these pipelines failed or is under way: their rows may be anywhere */
  markUnknown(ids: readonly number[]): void;
}

/**
 * Pipelines with rows in the builds or sections table but no pipeline row: left by a write that
 * failed half-way (the pipeline row is written last), to be completed by a retry. Also those
 * refreshed but without a pipeline row (a refresh that failed after its deletes): in no table
 * perhaps, but their next save needs their refresh count (see refreshSalt in write-rows.ts).
 */
const HALF_WRITTEN_SQL = `SELECT DISTINCT pipeline_id FROM ${BUILDS_TABLE} WHERE pipeline_id NOT IN (SELECT id FROM ${PIPELINES_TABLE})
UNION DISTINCT SELECT DISTINCT pipeline_id FROM ${SECTIONS_TABLE} WHERE pipeline_id NOT IN (SELECT id FROM ${PIPELINES_TABLE})
UNION DISTINCT SELECT DISTINCT pipeline_id FROM ${REFRESHES_TABLE} WHERE pipeline_id NOT IN (SELECT id FROM ${PIPELINES_TABLE})`;

/** Reads the stored pipeline ids (one scan of the pipelines' sort key) and the half-written ones. */
export async function loadStoredIndex(handle: ClickhouseHandle): Promise<StoredIndex> {
  try {
    const stored = await column(handle, `SELECT DISTINCT id FROM ${PIPELINES_TABLE} ORDER BY id`);
    const halfWritten = await column(handle, HALF_WRITTEN_SQL);
    return createStoredIndex(stored, [...halfWritten]);
  } catch (error) {
    throw wrapClickhouseError(error, 'reading which pipelines are stored', handle.description);
  }
}

/** `sorted`: ids stored, ascending; `unknown`: ids whose rows may be half-written. */
function createStoredIndex(sorted: Float64Array, unknown: readonly number[]): StoredIndex {
  const written = new Set<number>();
  const uncertain = new Set(unknown);
  const isStored = (id: number) => written.has(id) || contains(sorted, id);
  return {
    classify(ids) {
      const stored: number[] = [];
      const unknownIds: number[] = [];
      for (const id of ids) {
        if (uncertain.has(id)) unknownIds.push(id);
        else if (isStored(id)) stored.push(id);
      }
      return { stored, unknown: unknownIds };
    },
    markWritten(ids) {
      for (const id of ids) {
        written.add(id);
        uncertain.delete(id);
      }
    },
    markUnknown(ids) {
      for (const id of ids) uncertain.add(id);
    },
  };
}

/** binary search of an ascending array */
function contains(sorted: Float64Array, id: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle]!;
    if (value === id) return true;
    if (value < id) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/**
 * The first column of a query's rows (unsigned integer ids) as numbers, read as TabSeparated text
 * and parsed in place: the ids cost their array and, for a moment, their text — not an array of
 * parsed JSON rows. Loading 2 M stored pipelines (a one-off measurement, two runs): JSON rows took
 * 4.3–5.0 s and 589 MB of heap (process peak RSS 1.06–1.11 GB); text 0.76 s (peak RSS 0.55 GB).
 */
async function column(handle: ClickhouseHandle, query: string): Promise<Float64Array> {
  const result = await handle.client.query({ query, format: 'TabSeparated' });
  return idsOfText(await result.text());
}

/** `123\n456\n` → [123, 456] */
export function idsOfText(text: string): Float64Array {
  let lines = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  if (text.length > 0 && text.charCodeAt(text.length - 1) !== 10) lines++;
  const ids = new Float64Array(lines);
  let at = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 10;
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      digits++;
    } else if (code === 10) {
      if (digits > 0) ids[at++] = value;
      value = 0;
      digits = 0;
    } else {
      throw new Error(`unexpected character in a list of ids: ${JSON.stringify(text[i])}`);
    }
  }
  return ids.subarray(0, at);
}
