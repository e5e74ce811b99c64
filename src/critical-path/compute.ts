import type { CriticalPath, GraphAttempt, PathStep, PipelineGraph } from './graph.js';

/**
 * The critical path of a pipeline: the chain of attempts whose finishing determined when the
 * pipeline finished. Pure.
 *
 * Traced backwards from the attempt that finished last. The predecessor of an attempt is,
 * among the earlier attempts of the same job (a retry waits for the attempt it replaces) and
 * the attempts of the jobs it depends on, the one that finished last no later than the attempt
 * was ready (queued; started or created when not known) plus `toleranceMs` (GitLab's times are
 * rounded), and strictly before the attempt finished. No predecessor: the chain starts at the
 * pipeline's creation. A bridge with a child pipeline is expanded into the child's own path.
 * The steps' contributions add up to `totalMs` when the times are consistent (each segment is
 * clamped to be non-negative).
 */
export const READY_TOLERANCE_MS = 1000;

export function computeCriticalPath(graph: PipelineGraph, toleranceMs = READY_TOLERANCE_MS): CriticalPath | null {
  const last = lastFinished(graph.attempts);
  if (!last) return null;
  const chain: GraphAttempt[] = [];
  for (let at: GraphAttempt | undefined = last; at; at = predecessorOf(at, graph.attempts, toleranceMs)) chain.unshift(at);
  const steps: PathStep[] = [];
  let segmentStart = graph.createdMs;
  for (const attempt of chain) {
    steps.push(...stepsOf(attempt, graph.pipelineId, segmentStart, toleranceMs));
    segmentStart = attempt.finishedMs!;
  }
  return { pipelineId: graph.pipelineId, totalMs: Math.max(0, last.finishedMs! - graph.createdMs), steps };
}

function lastFinished(attempts: readonly GraphAttempt[]): GraphAttempt | undefined {
  let best: GraphAttempt | undefined;
  for (const a of attempts) {
    if (a.finishedMs === null) continue;
    if (!best || a.finishedMs > best.finishedMs! || (a.finishedMs === best.finishedMs && a.id > best.id)) best = a;
  }
  return best;
}

function readyMs(a: GraphAttempt): number {
  return a.queuedMs ?? a.startedMs ?? a.createdMs;
}

function predecessorOf(attempt: GraphAttempt, attempts: readonly GraphAttempt[], toleranceMs: number): GraphAttempt | undefined {
  const limit = readyMs(attempt) + toleranceMs;
  const waitedFor = new Set(attempt.dependsOn);
  let best: GraphAttempt | undefined;
  for (const c of attempts) {
    if (c === attempt || c.finishedMs === null || c.finishedMs > limit || c.finishedMs >= attempt.finishedMs!) continue;
    const earlierTry = c.name === attempt.name && c.id < attempt.id;
    if (!earlierTry && !waitedFor.has(c.name)) continue;
    if (!best || c.finishedMs > best.finishedMs! || (c.finishedMs === best.finishedMs && c.id > best.id)) best = c;
  }
  return best;
}

/** The step of one attempt from `segmentStart`; a bridge with a child adds the child's steps. */
function stepsOf(attempt: GraphAttempt, pipelineId: number, segmentStart: number, toleranceMs: number): PathStep[] {
  const child = attempt.downstream ? computeCriticalPath(attempt.downstream, toleranceMs) : null;
  const base = {
    attemptId: attempt.id,
    pipelineId,
    name: attempt.name,
    stage: attempt.stage,
    segmentStartMs: segmentStart,
    finishedMs: attempt.finishedMs!,
  };
  if (child && child.steps.length) {
    const childCreated = attempt.downstream!.createdMs;
    const childEnd = clamp(childCreated + child.totalMs, segmentStart, attempt.finishedMs!);
    const waitMs = clamp(childCreated, segmentStart, childEnd) - segmentStart;
    const bridge: PathStep = { ...base, waitMs, queueMs: 0, runMs: attempt.finishedMs! - childEnd };
    return [bridge, ...child.steps];
  }
  return [{ ...base, ...splitSegment(attempt, segmentStart) }];
}

/** segment → waiting (until queued), queueing (until started), running (until finished), ms. */
function splitSegment(a: GraphAttempt, segmentStart: number): Pick<PathStep, 'waitMs' | 'queueMs' | 'runMs'> {
  const end = Math.max(segmentStart, a.finishedMs!);
  const started = clamp(a.startedMs ?? end, segmentStart, end);
  const queued = clamp(a.queuedMs ?? started, segmentStart, started);
  return { waitMs: queued - segmentStart, queueMs: started - queued, runMs: end - started };
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
