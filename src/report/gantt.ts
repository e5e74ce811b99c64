import type { Row } from './data.js';

/**
 * The critical-path Gantt of one root pipeline, from stored rows (pure). Times are seconds;
 * `end` is relative to the ROOT pipeline's creation, also for the steps of its downstream
 * pipelines. Each step's segment is [end − wait − queue − run, end]; the segments follow each
 * other from 0 to `pathDuration` when GitLab's times are consistent.
 */
export interface GanttStep {
  /** the job name; `child: <pipeline name or #id> / <job>` for a job of a downstream pipeline */
  name: string;
  /** the pipeline the job ran in (the root's id, or a downstream pipeline's) */
  pipelineId: number;
  /** the GitLab job id; null for a trigger job's share */
  jobId: number | null;
  /** `trigger`: a trigger job's share of the path (trigger jobs are not builds, so not stored as rows) */
  kind: 'build' | 'trigger';
  wait: number;
  queue: number;
  run: number;
  end: number;
}

export interface GanttChart {
  id: number;
  ref: string;
  name: string;
  duration: number;
  pathDuration: number;
  steps: GanttStep[];
}

/** A pipeline of a hierarchy (REPORT_SQL.hierarchyPipelines), times in seconds since the root's creation. */
interface HierarchyPipeline {
  id: number;
  parentId: number;
  bridgeId: number;
  label: string;
  created: number;
  /** when its own critical path ends */
  pathEnd: number;
}

/** Gaps shorter than this (s) are rounding: contributions are stored in whole ms. */
const EPSILON_S = 0.0005;

/**
 * `root` (REPORT_SQL.slowestPipelines), the rows of its hierarchy and the builds on its path
 * (pathSteps, in time order) → its Gantt. The time between two stored steps belongs to the
 * trigger jobs in between (ClickHouse stores no row for them, as GitLab's ci_finished_builds):
 * entering a downstream pipeline, the trigger job's wait until that pipeline was created;
 * leaving it, the time from the end of its path to the trigger job's finish (the next step's
 * start, or the end of the enclosing path).
 */
export function buildGantt(root: Row, hierarchy: readonly Row[], builds: readonly Row[]): GanttChart {
  const rootId = Number(root.id);
  const rootCreatedMs = Number(root.created_ms);
  const pipelines = new Map(hierarchy.map((row) => [Number(row.id), toPipeline(row, rootCreatedMs)]));
  const pathDuration = Number(root.path_duration);
  const steps: GanttStep[] = [];
  let cursor = 0;
  let previous = rootId;
  for (const row of builds) {
    const step = toStep(row, rootId, rootCreatedMs, pipelines);
    const start = step.end - step.wait - step.queue - step.run;
    if (start - cursor > EPSILON_S) steps.push(...triggerSteps(cursor, start, previous, step.pipelineId, rootId, pipelines));
    steps.push(step);
    cursor = Math.max(cursor, step.end);
    previous = step.pipelineId;
  }
  if (pathDuration - cursor > EPSILON_S) steps.push(...triggerSteps(cursor, pathDuration, previous, rootId, rootId, pipelines));
  return { id: rootId, ref: String(root.ref), name: String(root.name ?? ''), duration: Number(root.duration), pathDuration, steps };
}

function toPipeline(row: Row, rootCreatedMs: number): HierarchyPipeline {
  const id = Number(row.id);
  const created = (Number(row.created_ms) - rootCreatedMs) / 1000;
  return {
    id,
    parentId: Number(row.parent_pipeline_id),
    bridgeId: Number(row.parent_bridge_id),
    label: row.name ? String(row.name) : `#${id}`,
    created,
    pathEnd: created + Number(row.path_duration),
  };
}

function toStep(row: Row, rootId: number, rootCreatedMs: number, pipelines: Map<number, HierarchyPipeline>): GanttStep {
  const pipelineId = Number(row.pipeline_id);
  const owner = pipelineId === rootId ? undefined : pipelines.get(pipelineId);
  return {
    name: owner ? `child: ${owner.label} / ${String(row.name)}` : String(row.name),
    pipelineId,
    jobId: Number(row.id),
    kind: 'build',
    wait: Number(row.wait),
    queue: Number(row.queue),
    run: Number(row.run),
    end: (Number(row.finished_ms) - rootCreatedMs) / 1000,
  };
}

/** `id` and its ancestors up to the root (inclusive), deepest first. */
function lineage(id: number, rootId: number, pipelines: Map<number, HierarchyPipeline>): number[] {
  const chain = [id];
  for (let p = pipelines.get(id); p && p.id !== rootId && p.parentId && chain.length <= 10; p = pipelines.get(p.parentId))
    chain.push(p.parentId);
  return chain;
}

/**
 * The trigger jobs' shares of the gap [from, to] between a step of pipeline `before` and one of
 * `after`: first the pipelines left (deepest first; each one's trigger job finished when the
 * enclosing path ended), then the pipelines entered (outermost first; each one's trigger job
 * waited until it was created). A gap inside one pipeline is a trigger job whose downstream
 * pipeline is not stored.
 */
function triggerSteps(
  from: number,
  to: number,
  before: number,
  after: number,
  rootId: number,
  pipelines: Map<number, HierarchyPipeline>,
): GanttStep[] {
  const [beforeChain, afterChain] = [lineage(before, rootId, pipelines), lineage(after, rootId, pipelines)];
  const [stays, common] = [new Set(afterChain), new Set(beforeChain)];
  const left = beforeChain.filter((id) => !stays.has(id) && id !== rootId);
  const entered = afterChain.filter((id) => !common.has(id) && id !== rootId).reverse();
  const steps: GanttStep[] = [];
  let at = from;
  const piece = (until: number, name: string, pipelineId: number, share: 'wait' | 'run') => {
    const end = Math.min(to, Math.max(at, until));
    // times are whole ms: keep the share so, not a float difference
    const seconds = Math.round((end - at) * 1000) / 1000;
    if (seconds > 0) steps.push({ name, pipelineId, jobId: null, kind: 'trigger', wait: 0, queue: 0, run: 0, [share]: seconds, end });
    at = end;
  };
  left.forEach((id, k) => {
    const p = pipelines.get(id)!;
    const parent = left[k + 1] === undefined ? undefined : pipelines.get(left[k + 1]!);
    const until = parent ? parent.pathEnd : entered.length ? pipelines.get(entered[0]!)!.created : to;
    piece(until, `trigger #${p.bridgeId}: after child: ${p.label}`, p.parentId, 'run');
  });
  entered.forEach((id, k) => {
    const p = pipelines.get(id)!;
    piece(k === entered.length - 1 ? to : p.created, `trigger #${p.bridgeId} → child: ${p.label}`, p.parentId, 'wait');
  });
  piece(to, 'not a stored build (a trigger job)', before, 'wait');
  return steps;
}
