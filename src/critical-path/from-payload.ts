import { queuedAtOf } from '../payload/timestamps.js';
import type { JobGraphNode } from '../gitlab/job-graph.js';
import type { Attempt, Payload } from '../payload/schema.js';
import { computeCriticalPath } from './compute.js';
import type { CriticalPath, GraphAttempt, PipelineGraph } from './graph.js';

/**
 * Payload + GitLab's job graph → the payload with its critical path: `critical_path` on the
 * payload and `on_critical_path` (+ contribution, seconds) on every attempt. Pure. Attempts
 * of a job missing from the graph depend on nothing. A payload without attempts or without a
 * finished attempt is returned unchanged.
 */
export function withCriticalPath(payload: Payload, nodes: readonly JobGraphNode[]): Payload {
  const attempts = payload.attempts ?? [];
  const graph = toPipelineGraph(payload, attempts, nodes);
  const path = graph ? computeCriticalPath(graph) : null;
  if (!path) return payload;
  return {
    ...payload,
    attempts: annotate(attempts, path),
    critical_path: { duration: path.totalMs / 1000, job_ids: path.steps.map((s) => s.attemptId) },
  };
}

function toPipelineGraph(payload: Payload, attempts: readonly Attempt[], nodes: readonly JobGraphNode[]): PipelineGraph | null {
  if (attempts.length === 0) return null;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    pipelineId: payload.pipeline?.id ?? payload.pipeline_id,
    createdMs: Date.parse(payload.pipeline?.created_at ?? payload.created_at),
    attempts: attempts.map((a) => toGraphAttempt(a, byName.get(a.name))),
  };
}

export function dependsOn(node: JobGraphNode | undefined): readonly string[] {
  if (!node) return [];
  return node.schedulingType === 'dag' ? node.needs : node.previousStageJobs;
}

function toGraphAttempt(a: Attempt, node: JobGraphNode | undefined): GraphAttempt {
  const ms = (t: string | null | undefined) => (t ? Date.parse(t) : null);
  const started = ms(a.started_at);
  const queued = ms(queuedAtOf(a));
  return {
    id: a.id,
    name: a.name,
    stage: a.stage,
    status: a.status,
    createdMs: Date.parse(a.created_at),
    queuedMs: queued,
    startedMs: started,
    finishedMs: ms(a.finished_at),
    dependsOn: dependsOn(node),
  };
}

function annotate(attempts: readonly Attempt[], path: CriticalPath): Attempt[] {
  const steps = new Map(path.steps.map((s) => [s.attemptId, s]));
  return attempts.map((a) => {
    const step = steps.get(a.id);
    if (!step) return { ...a, on_critical_path: false };
    return {
      ...a,
      on_critical_path: true,
      critical_path_wait: step.waitMs / 1000,
      critical_path_queue: step.queueMs / 1000,
      critical_path_run: step.runMs / 1000,
    };
  });
}
