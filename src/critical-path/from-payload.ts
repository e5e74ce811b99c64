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
  return withCriticalPaths([payload], [nodes])[0]!;
}

/**
 * The critical paths of a pipeline hierarchy as `collect` reads it (the root and its downstream
 * pipelines; `nodes[i]`: payload i's job graph, undefined when GitLab gave none, then payload i
 * is returned unchanged). Pure. A bridge whose downstream pipeline is among the payloads and
 * finished no earlier than that pipeline's last attempt (it waited for it: `strategy: depend`)
 * is expanded into the downstream pipeline's own path, so a parent's `critical_path` (duration,
 * `job_ids`) runs through its children. Each attempt is annotated in its own pipeline's payload,
 * with the same contribution in every path it is on (a child's path is the same inside its
 * parent's).
 */
export function withCriticalPaths(payloads: readonly Payload[], nodes: readonly (readonly JobGraphNode[] | undefined)[]): Payload[] {
  const graphs = payloads.map((payload, i) => {
    const graphNodes = nodes[i];
    return graphNodes ? toPipelineGraph(payload, payload.attempts ?? [], graphNodes) : null;
  });
  linkDownstream(payloads, graphs);
  return payloads.map((payload, i) => {
    const path = graphs[i] ? computeCriticalPath(graphs[i]) : null;
    if (!path) return payload;
    return {
      ...payload,
      attempts: annotate(payload.attempts ?? [], path),
      critical_path: { duration: path.totalMs / 1000, job_ids: path.steps.map((s) => s.attemptId) },
    };
  });
}

/** Sets `downstream` on every bridge attempt that waited for a downstream pipeline of the hierarchy. */
function linkDownstream(payloads: readonly Payload[], graphs: readonly (PipelineGraph | null)[]): void {
  const byPipeline = new Map(graphs.flatMap((g) => (g ? [[g.pipelineId, g] as const] : [])));
  payloads.forEach((payload, i) => {
    const attempts = new Map(graphs[i]?.attempts.map((a) => [a.id, a]));
    for (const a of payload.attempts ?? []) {
      const child = a.kind === 'bridge' && a.downstream_pipeline_id ? byPipeline.get(a.downstream_pipeline_id) : undefined;
      const bridge = attempts.get(a.id);
      if (child && bridge && waitedFor(bridge, child)) bridge.downstream = child;
    }
  });
}

/** The bridge finished no earlier than every attempt of its downstream pipeline (epoch ms). */
function waitedFor(bridge: GraphAttempt, child: PipelineGraph): boolean {
  const childEnd = child.attempts.reduce((end, a) => Math.max(end, a.finishedMs ?? -Infinity), -Infinity);
  return bridge.finishedMs !== null && Number.isFinite(childEnd) && childEnd <= bridge.finishedMs;
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
