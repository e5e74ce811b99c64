import { describe, expect, it } from 'vitest';
import { withCriticalPaths } from '../../src/critical-path/index.js';
import type { JobGraphNode } from '../../src/gitlab/index.js';
import type { Attempt, Payload } from '../../src/payload/schema.js';
import { buildPayload } from '../store/clickhouse/payloads.js';

/**
 * A parent (created at T − 5 s) whose job `build` runs 0 → 60 s (queued 2.5 s) and whose trigger
 * job starts at 60.5 s; its child pipeline is created at 61 s, runs `c-build` 66 → 166 s and
 * `c-test` 171 → 196 s (each queued 2.5 s, created 1 s before). All times in seconds after T.
 */
const T = Date.parse('2024-05-01T10:00:00.000Z');
const iso = (s: number) => new Date(T + s * 1000).toISOString();
const node = (name: string, stage: string, previous: string[]): JobGraphNode => ({
  name,
  stage,
  schedulingType: 'stage',
  needs: [],
  previousStageJobs: previous,
});
const NODES = [node('build', 'build', []), node('trigger', 'deploy', ['build'])];
const CHILD_NODES = [node('c-build', 'build', []), node('c-test', 'test', ['c-build'])];

function hierarchy(bridgeFinished: number): Payload[] {
  const parent = buildPayload({
    id: 3001,
    startedAt: iso(0),
    jobs: [{ id: 31, name: 'build', stage: 'build', status: 'success', startOffset: 0, duration: 60 }],
  });
  const bridge: Attempt = {
    id: 39,
    name: 'trigger',
    stage: 'deploy',
    status: 'success',
    allow_failure: false,
    created_at: iso(-5),
    queued_at: iso(60),
    started_at: iso(60.5),
    finished_at: iso(bridgeFinished),
    duration: bridgeFinished - 60.5,
    queued_duration: 0.5,
    retried: false,
    kind: 'bridge',
    downstream_pipeline_id: 3002,
    downstream_project_id: 42,
  };
  const child = buildPayload({
    id: 3002,
    startedAt: iso(66),
    jobs: [
      { id: 41, name: 'c-build', stage: 'build', status: 'success', startOffset: 0, duration: 100 },
      { id: 42, name: 'c-test', stage: 'test', status: 'success', startOffset: 105, duration: 25 },
    ],
  });
  return [{ ...parent, attempts: [...parent.attempts!, bridge] }, child];
}

const contributions = (p: Payload) =>
  p.attempts!.filter((a) => a.on_critical_path).map((a) => [a.id, a.critical_path_wait, a.critical_path_queue, a.critical_path_run]);

describe('withCriticalPaths', () => {
  it('a trigger job that waited for its child: the parent’s path runs through the child’s', () => {
    const [parent, child] = withCriticalPaths(hierarchy(198), [NODES, CHILD_NODES]);
    // 203 s from the parent's creation (−5) to the trigger job's finish (198)
    expect(parent!.critical_path).toEqual({ duration: 203, job_ids: [31, 39, 41, 42] });
    // the trigger job: 1 s until the child was created, 2 s from the child's end to its own
    expect(contributions(parent!)).toEqual([
      [31, 2.5, 2.5, 60],
      [39, 1, 0, 2],
    ]);
    expect(child!.critical_path).toEqual({ duration: 135, job_ids: [41, 42] });
    expect(contributions(child!)).toEqual([
      [41, 2.5, 2.5, 100],
      [42, 2.5, 2.5, 25],
    ]);
  });

  it('a trigger job that did not wait (it finished before its child): each pipeline has its own path', () => {
    const [parent, child] = withCriticalPaths(hierarchy(62), [NODES, CHILD_NODES]);
    expect(parent!.critical_path).toEqual({ duration: 67, job_ids: [31, 39] });
    expect(child!.critical_path).toEqual({ duration: 135, job_ids: [41, 42] });
  });

  it('a pipeline without its job graph is returned unchanged, and its trigger job is not expanded', () => {
    const payloads = hierarchy(198);
    const [parent, child] = withCriticalPaths(payloads, [NODES, undefined]);
    expect(child).toBe(payloads[1]);
    expect(parent!.critical_path!.job_ids).toEqual([31, 39]);
  });
});
