import type { Payload } from '../../payload/schema.js';
import { storedState, type RefreshOutcome, type StoredState } from '../stored-state.js';
import type { SqlClient } from './client.js';
import { saveParams } from './save-params.js';
import { DELETE_ATTEMPTS_SQL, INSERT_ATTEMPTS_SQL, REFRESH_PIPELINE_SQL, refreshParams, STORED_STATES_SQL } from './refresh-sql.js';
import { conflictToValidation } from './store.js';

/** One query for a page of pipeline ids (the unique index on pipeline_id answers it). */
export async function storedStates(client: SqlClient, ids: readonly number[]): Promise<Map<number, StoredState>> {
  if (ids.length === 0) return new Map();
  const rows = await client.query<{ pipeline_id: string | number; status: string | null; finished_at: unknown }>(STORED_STATES_SQL, [ids]);
  return new Map(rows.map((row) => [Number(row.pipeline_id), storedState(row.status, row.finished_at)]));
}

/** Replaces a stored snapshot in one transaction (see refresh-sql.ts); `missing` writes nothing. */
export async function refreshPipeline(client: SqlClient, payload: Payload): Promise<RefreshOutcome> {
  const p = saveParams(payload);
  const update = refreshParams(p);
  try {
    return await client.transaction(async (tx) => {
      const updated = await tx.query(REFRESH_PIPELINE_SQL, update);
      if (updated.length === 0) return 'missing';
      await tx.query(DELETE_ATTEMPTS_SQL, [p[0]]);
      // saveParams 27..29: attempts, steps, sections
      await tx.query(INSERT_ATTEMPTS_SQL, [p[0], p[27], p[28], p[29]]);
      return 'refreshed';
    });
  } catch (error) {
    throw conflictToValidation(error) ?? error;
  }
}
