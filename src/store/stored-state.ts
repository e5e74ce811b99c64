import type { Payload } from '../payload/schema.js';
import type { PayloadSink } from './types.js';
import { isCompleted } from '../payload/statuses.js';

/**
 * What a store holds of a pipeline, for `backfill`: `final` — a snapshot of the finished
 * pipeline; `running` — a snapshot taken while it ran (collected by its own last stage: status
 * not final, or no `finished_at`), to be refreshed. A pipeline absent from the answer is not stored.
 */
export const STORED_STATES = ['final', 'running'] as const;
export type StoredState = (typeof STORED_STATES)[number];

/** Rows written by the original client have no status: they count as running snapshots. */
export function storedState(status: string | null | undefined, finishedAt: unknown): StoredState {
  return isCompleted(status) && finishedAt !== null && finishedAt !== undefined && finishedAt !== '' ? 'final' : 'running';
}

/** `refreshed`: the stored snapshot was replaced; `missing`: the pipeline is not stored (nothing written). */
export type RefreshOutcome = 'refreshed' | 'missing';

/** A store `backfill` can ask and refresh: one query per listed page, one replacement per pipeline. */
export interface BackfillSink extends PayloadSink {
  /** the stored state of each of `ids` that is stored (at most ~100 ids: one listed page) */
  storedStates(ids: readonly number[]): Promise<Map<number, StoredState>>;
  /**
   * Replaces a stored snapshot with `payload` (the finished pipeline): final status, times,
   * durations and attempts. The seed columns and rows are left as they are.
   */
  refresh(payload: Payload): Promise<RefreshOutcome>;
}

/**
 * What several stores that receive the same pipelines hold, together: a pipeline missing from
 * one is missing (it must be written there), else running in one is running, else final.
 */
export function combineStoredStates(ids: readonly number[], answers: ReadonlyArray<Map<number, StoredState>>): Map<number, StoredState> {
  const combined = new Map<number, StoredState>();
  for (const id of ids) {
    const states = answers.map((answer) => answer.get(id));
    if (states.some((state) => state === undefined)) continue;
    combined.set(id, states.includes('running') ? 'running' : 'final');
  }
  return combined;
}
