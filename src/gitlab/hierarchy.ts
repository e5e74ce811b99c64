import { UpstreamError } from '../errors.js';
import type { GitlabClient } from './client.js';
import { fetchPipelineSnapshot, projectPathFromWebUrl, type SnapshotRequest } from './snapshot.js';
import type { GitlabBridge, PipelineSnapshot } from './types.js';

/** How far `collect` follows trigger jobs. */
export interface DownstreamLimits {
  /** levels below the root pipeline (0 = the root only) */
  maxDepth: number;
  /** downstream pipelines read at most, all levels together */
  maxPipelines: number;
}

export interface HierarchyResult {
  /** the root first, then its downstream pipelines breadth-first */
  snapshots: PipelineSnapshot[];
  /** downstream pipelines not read, one line each (unreadable project, limits reached) */
  notes: string[];
}

interface Pending {
  bridge: GitlabBridge;
  parent: PipelineSnapshot;
  depth: number;
}

/**
 * Reads a pipeline and, through its bridges, the pipelines it triggered (child pipelines in the
 * same project, multi-project pipelines in others), breadth-first within `limits`. A
 * downstream pipeline the token cannot read (401/403/404) is noted and skipped, never fatal.
 * The root gets `hierarchyDuration`: seconds from the earliest `started_at` to the latest
 * `finished_at` of every pipeline read (null when none finished).
 */
export async function fetchPipelineHierarchy(
  client: GitlabClient,
  request: SnapshotRequest,
  limits: DownstreamLimits,
): Promise<HierarchyResult> {
  const root = await fetchPipelineSnapshot(client, request);
  const snapshots = [root];
  const notes: string[] = [];
  let queue: Pending[] = limits.maxDepth > 0 ? triggered(root, 1) : [];
  while (queue.length > 0) {
    const next: Pending[] = [];
    for (const item of queue) {
      if (snapshots.length - 1 >= limits.maxPipelines) {
        notes.push(`downstream pipeline ${item.bridge.downstream_pipeline!.id} not read: --downstream-max ${limits.maxPipelines} reached`);
        continue;
      }
      const child = await readDownstream(client, request, item, root, notes);
      if (!child) continue;
      snapshots.push(child);
      if (item.depth < limits.maxDepth) next.push(...triggered(child, item.depth + 1));
      else if (triggered(child, 0).length)
        notes.push(`pipelines triggered by pipeline ${child.pipeline.id} not read: --downstream-depth ${limits.maxDepth} reached`);
    }
    queue = next;
  }
  root.hierarchyDuration = hierarchyDuration(snapshots);
  return { snapshots, notes };
}

function triggered(parent: PipelineSnapshot, depth: number): Pending[] {
  return (parent.bridges ?? [])
    .filter((bridge) => bridge.downstream_pipeline)
    .sort((a, b) => a.id - b.id)
    .map((bridge) => ({ bridge, parent, depth }));
}

async function readDownstream(
  client: GitlabClient,
  request: SnapshotRequest,
  { bridge, parent }: Pending,
  root: PipelineSnapshot,
  notes: string[],
): Promise<PipelineSnapshot | undefined> {
  const downstream = bridge.downstream_pipeline!;
  const sameProject = downstream.project_id === parent.projectId;
  // `client` reads the root's project: a child of a multi-project pipeline lives in its parent's
  const target = downstream.project_id === root.projectId ? client : client.forProject(String(downstream.project_id));
  try {
    const snapshot = await fetchPipelineSnapshot(target, {
      ...request,
      pipelineId: downstream.id,
      projectPath: sameProject ? parent.projectPath : projectPathFromWebUrl(downstream.web_url, request.apiUrl),
      defaultBranch: sameProject ? parent.defaultBranch : null,
    });
    snapshot.parent = { pipelineId: parent.pipeline.id, bridgeId: bridge.id, rootPipelineId: root.pipeline.id };
    return snapshot;
  } catch (error) {
    if (!(error instanceof UpstreamError) || ![401, 403, 404].includes(error.status ?? 0)) throw error;
    notes.push(
      `downstream pipeline ${downstream.id} of project ${downstream.project_id} (trigger job "${bridge.name}" #${bridge.id}) ` +
        `not read: GitLab answered ${error.status}; the token cannot read that project`,
    );
    return undefined;
  }
}

function hierarchyDuration(snapshots: PipelineSnapshot[]): number | null {
  const starts = snapshots
    .map((s) => s.pipeline.started_at)
    .filter((t): t is string => Boolean(t))
    .map(Date.parse);
  const ends = snapshots
    .map((s) => s.pipeline.finished_at)
    .filter((t): t is string => Boolean(t))
    .map(Date.parse);
  if (starts.length === 0 || ends.length === 0) return null;
  return Math.max(0, (Math.max(...ends) - Math.min(...starts)) / 1000);
}
