import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryFlags } from '../../src/config/push.js';
import type { Payload } from '../../src/payload/schema.js';
import type { BackfillResult } from '../../src/backfill/progress.js';
import { backfill, collectAndStore, requestsSince, startHistory, type BackfillFixture } from './backfill-harness.js';

/** What a store holds, read back with SQL after a run. */
export interface StoreView {
  /** pipeline id → status and whether finished_at is set */
  pipelines: Map<number, { status: string; finished: boolean }>;
  /** pipeline ids stored with a critical path (none without GitLab's job graph from GraphQL) */
  withCriticalPath: Set<number>;
  /** pipeline id → attempt rows (Postgres: every attempt; ClickHouse: finished builds) */
  attempts: Map<number, number>;
  /** attempt rows of a pipeline still marked running/created/pending */
  unfinishedAttempts: Map<number, number>;
  /** stored rows of metrics_pipeline / ci_finished_pipelines (FINAL): duplicates would show here */
  pipelineRows: number;
}

export interface StoreUnderTest {
  delivery: DeliveryFlags;
  read(): Promise<StoreView>;
  /** attempt rows one payload should leave (see StoreView.attempts) */
  expectedAttempts(payload: Payload): number;
  close(): Promise<void>;
}

/**
 * The end-to-end story of `backfill` against one store, in order: a pipeline stored while
 * running (by its own last stage) and two stored finished; an interrupted run; the next run
 * continues through a forced 429 and refreshes the running snapshot; a rerun only lists;
 * --refresh-all replaces everything without duplicates.
 */
export function describeBackfillInto(label: string, open: () => Promise<StoreUnderTest>): void {
  describe(`backfill into ${label}`, () => {
    let fixture: BackfillFixture;
    let store: StoreUnderTest;
    let ids: number[];
    let runningId: number;
    const runs: BackfillResult[] = [];

    beforeAll(async () => {
      fixture = await startHistory({ running: new Set() });
      ids = fixture.history.parentIds;
      runningId = ids[3]!;
      fixture.server.options.running!.add(runningId);
      store = await open();
    }, 240_000);
    afterAll(async () => {
      await store?.close();
      await fixture?.close();
    });

    it('a pipeline collected by its own last stage is stored as a running snapshot', async () => {
      await collectAndStore(fixture, runningId, store.delivery);
      await collectAndStore(fixture, ids[0]!, store.delivery);
      await collectAndStore(fixture, ids[1]!, store.delivery);
      fixture.server.options.running!.delete(runningId);
      const view = await store.read();
      expect(view.pipelines.get(runningId)).toEqual({ status: 'running', finished: false });
      expect(view.pipelines.get(ids[0]!)?.finished).toBe(true);
      expect(view.pipelines.size).toBe(3);
    }, 240_000);

    it('Ctrl-C / SIGTERM: the in-flight pipelines finish, nothing else starts', async () => {
      const stop = new AbortController();
      const result = await backfill(
        fixture,
        store.delivery,
        { parallel: '2' },
        {
          signal: stop.signal,
          onProgress: (c) => (c.collected + c.refreshed >= 1 ? stop.abort() : undefined),
        },
      );
      runs.push(result);
      expect(result.interrupted).toBe(true);
      expect(result.failed).toBe(0);
      const done = result.collected + result.refreshed;
      expect(done).toBeGreaterThanOrEqual(1);
      expect(done).toBeLessThanOrEqual(3); // the one that triggered the stop and at most one more pair in flight
      const stored = [...(await store.read()).pipelines.keys()];
      expect(stored.filter((id) => ids.includes(id)).length).toBe(3 + result.collected);
    }, 240_000);

    it('the next run continues: a forced 429 is survived, the running snapshot is refreshed', async () => {
      const last = ids[ids.length - 1]!;
      fixture.server.options.faults = [
        {
          path: new RegExp(`/pipelines/${last}/jobs`),
          kind: 'status',
          status: 429,
          headers: { 'retry-after': '1' },
          body: { message: '429 Too Many Requests' },
          times: 1,
        },
      ];
      const before = fixture.server.requests.length;
      const result = await backfill(fixture, store.delivery);
      runs.push(result);
      expect(result).toMatchObject({ listed: 12, total: 12, failed: 0, interrupted: false, exitCode: 0 });
      expect(result.rateLimited).toBe(1);
      expect(requestsSince(fixture.server, before).listing).toBe(1);
      // 12 listed: 2 stored finished + 1 running + 9 new, across the interrupted run and this one
      expect(runs[0]!.collected + runs[1]!.collected).toBe(9);
      expect(runs[0]!.refreshed + runs[1]!.refreshed).toBe(1);
      expect(result.skipped).toBe(2 + runs[0]!.collected + runs[0]!.refreshed);

      const view = await store.read();
      // 12 parents and the 2 child pipelines collected with their parents (indexes 4 and 9)
      const children = ids.map((id) => fixture.history.get(id)!.childId).filter((id) => id !== undefined);
      expect(children).toHaveLength(2);
      expect(view.pipelineRows).toBe(14);
      expect([...view.pipelines.keys()].sort()).toEqual([...ids, ...children].sort());
      for (const id of ids) {
        const stored = view.pipelines.get(id)!;
        expect({ id, ...stored }).toEqual({ id, status: fixture.history.get(id)!.status, finished: true });
      }
      // every backfilled pipeline (children too) has a critical path: its job graph came from GraphQL
      for (const id of [...ids, ...children]) expect({ id, critical: view.withCriticalPath.has(id) }).toEqual({ id, critical: true });
      // the refreshed pipeline holds the finished attempts, none left running
      const finished = await collectAndStoreNothing(fixture, runningId);
      expect(view.attempts.get(runningId)).toBe(store.expectedAttempts(finished));
      expect(view.unfinishedAttempts.get(runningId) ?? 0).toBe(0);
    }, 240_000);

    it('a rerun over the same window only lists', async () => {
      const before = fixture.server.requests.length;
      const result = await backfill(fixture, store.delivery);
      expect(result).toMatchObject({ listed: 12, skipped: 12, collected: 0, refreshed: 0, failed: 0 });
      expect(requestsSince(fixture.server, before)).toEqual({ listing: 1, project: 1, other: 0 });
    }, 240_000);

    it('--refresh-all re-collects everything and replaces it without duplicates', async () => {
      const result = await backfill(fixture, store.delivery, { refreshAll: true });
      expect(result).toMatchObject({ listed: 12, skipped: 0, collected: 0, refreshed: 12, failed: 0 });
      const view = await store.read();
      expect(view.pipelineRows).toBe(14);
      expect(view.attempts.get(runningId)).toBeGreaterThan(0);
    }, 240_000);
  });
}

/** The finished pipeline's payload as `collect` builds it (nothing delivered). */
async function collectAndStoreNothing(fixture: BackfillFixture, pipelineId: number): Promise<Payload> {
  const { runCollect } = await import('../../src/commands/collect.js');
  const { resolveCollectConfig } = await import('../../src/config/collect.js');
  const { gitlabEnv } = await import('./backfill-harness.js');
  const env = {
    ...gitlabEnv(fixture.server),
    CI_PROJECT_ID: String(fixture.history.options.projectId),
    CI_PIPELINE_ID: String(pipelineId),
    CI_DEFAULT_BRANCH: 'main',
  };
  return (await runCollect(resolveCollectConfig({}, env))).payload;
}
