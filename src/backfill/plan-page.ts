import type { StoredState } from '../store/stored-state.js';

/** What to do with one listed pipeline, target by target (undefined = not stored there). */
export interface PipelineWork {
  pipelineId: number;
  /** the stored state in each target, in the targets' order */
  stored: Array<StoredState | undefined>;
  /** `refreshed` when every target already holds it (a refresh), else `collected` */
  kind: 'collected' | 'refreshed';
}

/**
 * Splits a listed page into the pipelines to collect and the number skipped: a pipeline is
 * skipped when every target holds a final snapshot (and not `refreshAll`).
 */
export function planPage(
  ids: readonly number[],
  answers: ReadonlyArray<Map<number, StoredState>>,
  refreshAll: boolean,
): { work: PipelineWork[]; skipped: number } {
  const work: PipelineWork[] = [];
  let skipped = 0;
  for (const pipelineId of ids) {
    const stored = answers.map((answer) => answer.get(pipelineId));
    const final = stored.every((state) => state === 'final');
    if (final && !refreshAll) {
      skipped++;
      continue;
    }
    work.push({ pipelineId, stored, kind: stored.every((state) => state !== undefined) ? 'refreshed' : 'collected' });
  }
  return { work, skipped };
}
