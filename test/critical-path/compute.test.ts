import { describe, expect, it } from 'vitest';
import { computeCriticalPath, type GraphAttempt, type PipelineGraph } from '../../src/critical-path/index.js';

/** Times in seconds after the pipeline's creation (t = 0); converted to epoch ms. */
const T0 = Date.parse('2024-05-01T10:00:00Z');
const at = (s: number) => T0 + s * 1000;
let nextId = 100;
function job(
  name: string,
  stage: string,
  t: { created?: number; queued: number; started: number; finished: number },
  dependsOn: string[] = [],
  status = 'success',
): GraphAttempt {
  return {
    id: nextId++,
    name,
    stage,
    status,
    createdMs: at(t.created ?? 0),
    queuedMs: at(t.queued),
    startedMs: at(t.started),
    finishedMs: at(t.finished),
    dependsOn,
  };
}
const pipeline = (attempts: GraphAttempt[], pipelineId = 1, createdS = 0): PipelineGraph => ({
  pipelineId,
  createdMs: at(createdS),
  attempts,
});

/** [name, wait, queue, run] in seconds, for compact hand-checked expectations. */
function summary(graph: PipelineGraph) {
  const path = computeCriticalPath(graph)!;
  const steps = path.steps.map((s) => [s.name, s.waitMs / 1000, s.queueMs / 1000, s.runMs / 1000]);
  const sum = path.steps.reduce((t, s) => t + s.waitMs + s.queueMs + s.runMs, 0);
  return { total: path.totalMs / 1000, sum: sum / 1000, steps };
}

describe('computeCriticalPath', () => {
  it('stage-only pipeline: the slowest job of each stage, waits split into queue and wait', () => {
    // build: compile (q 2, 0→2→32), lint (1→2→12); test (prev stage: compile, lint): unit
    // queued at 33, started 35, done 95; e2e queued 32.5, started 33, done 80; deploy after both
    const g = pipeline([
      job('compile', 'build', { queued: 0, started: 2, finished: 32 }),
      job('lint', 'build', { queued: 1, started: 2, finished: 12 }),
      job('unit', 'test', { queued: 33, started: 35, finished: 95 }, ['compile', 'lint']),
      job('e2e', 'test', { queued: 32.5, started: 33, finished: 80 }, ['compile', 'lint']),
      job('deploy', 'deploy', { queued: 96, started: 100, finished: 110 }, ['unit', 'e2e']),
    ]);
    expect(summary(g)).toEqual({
      total: 110,
      sum: 110,
      steps: [
        ['compile', 0, 2, 30],
        ['unit', 1, 2, 60],
        ['deploy', 1, 4, 10],
      ],
    });
  });

  it('DAG with needs: follows needs, not stages', () => {
    // `slow-build` (stage build) ends at 100 but `fast-test` needs only `quick-build` (ends 10);
    // package needs fast-test and finishes last (at 120), so slow-build is not on the path.
    const g = pipeline([
      job('quick-build', 'build', { queued: 0, started: 1, finished: 10 }),
      job('slow-build', 'build', { queued: 0, started: 1, finished: 100 }),
      job('fast-test', 'test', { queued: 10, started: 10.5, finished: 70 }, ['quick-build']),
      job('package', 'deploy', { queued: 71, started: 72, finished: 120 }, ['fast-test']),
    ]);
    expect(summary(g)).toEqual({
      total: 120,
      sum: 120,
      steps: [
        ['quick-build', 0, 1, 9],
        ['fast-test', 0, 0.5, 59.5],
        ['package', 1, 1, 48],
      ],
    });
  });

  it('a retried job on the path: the failed attempt, then the retry, then what needed it', () => {
    const g = pipeline([
      job('build', 'build', { queued: 0, started: 1, finished: 20 }, [], 'failed'),
      // retried 5 s after the failure (created 25), queued at 25, started 27
      job('build', 'build', { created: 25, queued: 25, started: 27, finished: 57 }),
      job('test', 'test', { queued: 58, started: 60, finished: 90 }, ['build']),
    ]);
    const path = computeCriticalPath(g)!;
    expect(path.steps.map((s) => s.attemptId)).toEqual(g.attempts.map((a) => a.id));
    expect(summary(g)).toEqual({
      total: 90,
      sum: 90,
      steps: [
        ['build', 0, 1, 19],
        ['build', 5, 2, 30],
        ['test', 1, 2, 30],
      ],
    });
  });

  it('a parallel matrix: the slowest instance is on the path, its siblings are not', () => {
    const g = pipeline([
      job('rspec 1/3', 'test', { queued: 0, started: 1, finished: 40 }),
      job('rspec 2/3', 'test', { queued: 0, started: 3, finished: 75 }),
      job('rspec 3/3', 'test', { queued: 0, started: 2, finished: 50 }),
      job('report', 'report', { queued: 76, started: 77, finished: 80 }, ['rspec 1/3', 'rspec 2/3', 'rspec 3/3']),
    ]);
    expect(summary(g)).toEqual({
      total: 80,
      sum: 80,
      steps: [
        ['rspec 2/3', 0, 3, 72],
        ['report', 1, 1, 3],
      ],
    });
  });

  it('a child pipeline: the bridge is expanded into the child pipeline’s own path', () => {
    const child = pipeline(
      [
        job('child-build', 'build', { created: 12, queued: 12, started: 14, finished: 40 }),
        job('child-fast', 'build', { created: 12, queued: 12, started: 13, finished: 20 }),
        job('child-test', 'test', { created: 12, queued: 41, started: 42, finished: 70 }, ['child-build', 'child-fast']),
      ],
      2,
      12,
    );
    const bridge: GraphAttempt = {
      ...job('trigger-child', 'downstream', { queued: 10, started: 10, finished: 72 }, ['prepare']),
      downstream: child,
    };
    const g = pipeline([
      job('prepare', 'prepare', { queued: 0, started: 2, finished: 10 }),
      bridge,
      job('other', 'downstream', { queued: 10, started: 11, finished: 30 }, ['prepare']),
    ]);
    const path = computeCriticalPath(g)!;
    expect(path.steps.map((s) => s.pipelineId)).toEqual([1, 1, 2, 2]);
    expect(summary(g)).toEqual({
      total: 72,
      sum: 72,
      steps: [
        ['prepare', 0, 2, 8],
        // child created at 12: 2 s waiting; child finished at 70, bridge at 72: 2 s "run"
        ['trigger-child', 2, 0, 2],
        ['child-build', 0, 2, 26],
        ['child-test', 1, 1, 28],
      ],
    });
  });

  it('a dependency that finished after the job was queued is not its predecessor (beyond the tolerance)', () => {
    const g = pipeline([
      job('a', 'build', { queued: 0, started: 0, finished: 10 }),
      job('late', 'build', { queued: 0, started: 0, finished: 30 }),
      // declared to wait for `late` but queued at 11: `late` ended 19 s later, so `a` is what it waited for
      job('b', 'test', { queued: 11, started: 12, finished: 40 }, ['a', 'late']),
    ]);
    expect(summary(g).steps.map((s) => s[0])).toEqual(['a', 'b']);
  });

  it('no finished attempt: no path', () => {
    const running: GraphAttempt = {
      id: 1,
      name: 'x',
      stage: 's',
      status: 'running',
      createdMs: at(0),
      queuedMs: at(0),
      startedMs: at(1),
      finishedMs: null,
      dependsOn: [],
    };
    expect(computeCriticalPath(pipeline([running]))).toBeNull();
  });
});
