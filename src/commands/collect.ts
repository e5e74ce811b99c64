import type { CollectConfig } from '../config/collect.js';
import { withCriticalPaths } from '../critical-path/index.js';
import { createGitlabClient, fetchPipelineHierarchy, type GitlabClient, type HierarchyResult, type RequestStats } from '../gitlab/index.js';
import { buildPayload, jobsNeedingLogs } from '../payload/build.js';
import type { Payload } from '../payload/schema.js';
import { VERSION } from '../version.js';
import type { RetryListener } from '../retry/backoff.js';
import { createJobGraphReader, type JobGraphRead, type JobGraphStats } from './collect-job-graph.js';
import { placeUnderUpstream, type UpstreamPlacement } from './collect-upstream.js';

export interface CollectDeps {
  fetch?: typeof fetch;
  now?: () => Date;
  /** GitLab retry tuning (tests use small values); ms */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; attemptTimeoutMs?: number };
  /** told before each GitLab retry wait */
  onRetry?: RetryListener;
}

export interface CollectStats extends RequestStats {
  /** pipelines read: the root and its downstream pipelines */
  pipelines: number;
  /** job attempts read (retried ones and bridges included), all pipelines */
  attempts: number;
  /** job logs wanted (erased ones are not requested) */
  logs: number;
  /** wall time of the collection, ms */
  elapsedMs: number;
  /**
   * the GraphQL job graphs behind the critical paths, all pipelines (their requests are counted
   * in `requests`); `skipped`: why the root pipeline has no critical path
   */
  jobGraph: JobGraphStats;
}

export interface CollectResult {
  /** the root pipeline's payload */
  payload: Payload;
  /** the root first, then each downstream pipeline read (breadth-first) */
  payloads: Payload[];
  /** what was not collected, one line each: unavailable logs, unreadable downstream pipelines */
  notes: string[];
  stats: CollectStats;
}

export type PipelineCollection = Omit<CollectResult, 'stats'> & {
  attempts: number;
  logs: number;
  jobGraph: JobGraphStats;
  /** GraphQL requests that placed a downstream pipeline under its upstream (see placeUnderUpstream) */
  upstreamRequests: number;
};

const COLLECTOR = { name: 'pipeline-metrics', version: VERSION } as const;

/**
 * Collects one pipeline id of `client`'s project and, unless `config.downstream.enabled` is
 * false, the pipelines its trigger jobs started (within the configured limits). Pure of
 * printing; shared by `collect` and anything collecting many pipelines with one client.
 */
export async function collectPipeline(
  client: GitlabClient,
  pipelineId: number,
  config: CollectConfig,
  fetch?: typeof globalThis.fetch,
): Promise<PipelineCollection> {
  const { downstream } = config;
  // each pipeline's job graph (GraphQL) for its critical path, read alongside its REST reads;
  // without one the payload has no path
  const graphs = createJobGraphReader(config, fetch);
  try {
    const hierarchy = await fetchPipelineHierarchy(
      client,
      {
        pipelineId,
        projectPath: config.projectPath,
        defaultBranch: config.defaultBranch,
        apiUrl: config.gitlabUrl,
        selectLogs: (jobs) => jobsNeedingLogs(jobs, config.classify),
        onPipeline: graphs.start,
      },
      { maxDepth: downstream.enabled ? downstream.maxDepth : 0, maxPipelines: downstream.maxPipelines },
    );
    // a pipeline some trigger job created (a collector in a child pipeline): under its parent
    const placement = await placeUnderUpstream(client, hierarchy, config, fetch);
    const read = await Promise.all(hierarchy.snapshots.map(graphs.read));
    return assemble(hierarchy, read, config, placement);
  } finally {
    graphs.stop();
  }
}

/** The snapshots and their job graphs → payloads (with critical paths), notes and counts. */
function assemble(
  hierarchy: HierarchyResult,
  graphs: JobGraphRead[],
  config: CollectConfig,
  placement: UpstreamPlacement,
): PipelineCollection {
  // one hierarchy: a bridge that waited for its child pipeline is expanded into the child's path
  const payloads = withCriticalPaths(
    hierarchy.snapshots.map((snapshot) => buildPayload(snapshot, config.classify, COLLECTOR)),
    graphs.map((g) => g.nodes),
  );
  const graphNotes = graphs.flatMap((g, i) =>
    i > 0 && g.stats.skipped ? [`pipeline ${payloads[i]!.pipeline_id}: no critical path: ${g.stats.skipped}`] : [],
  );
  return {
    payload: payloads[0]!,
    payloads,
    notes: [...(placement.note ? [placement.note] : []), ...payloads.flatMap(missingLogNote), ...hierarchy.notes, ...graphNotes],
    jobGraph: {
      requests: graphs.reduce((n, g) => n + g.stats.requests, 0),
      ...(graphs[0]!.stats.skipped ? { skipped: graphs[0]!.stats.skipped } : {}),
    },
    attempts: hierarchy.snapshots.reduce((n, s) => n + s.jobs.length + (s.bridges?.length ?? 0), 0),
    logs: hierarchy.snapshots.reduce((n, s) => n + s.logs.size, 0),
    upstreamRequests: placement.requests,
  };
}

/** One line naming every attempt of the pipeline whose log was wanted but unavailable. */
function missingLogNote(payload: Payload): string[] {
  const missing = (payload.attempts ?? []).filter((a) => a.log);
  if (missing.length === 0) return [];
  const list = missing.map((a) => `"${a.name}" #${a.id} (${a.log})`).join(', ');
  return [`pipeline ${payload.pipeline_id}: ${missing.length} job log(s) unavailable, stored without timings: ${list}`];
}

/** Reads one pipeline (and its downstream pipelines) from GitLab and builds the payloads. Prints nothing. */
export async function runCollect(config: CollectConfig, deps: CollectDeps = {}): Promise<CollectResult> {
  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  const client = createGitlabClient({
    baseUrl: config.gitlabUrl,
    token: config.token,
    tokenInfo: config.tokenInfo,
    project: config.project,
    fetch: deps.fetch,
    retryBudgetMs: config.timeoutMs,
    concurrency: config.concurrency,
    ...deps.retry,
    onRetry: deps.onRetry,
  });
  const { attempts, logs, jobGraph, upstreamRequests, ...collected } = await collectPipeline(client, config.pipelineId, config, deps.fetch);
  return {
    ...collected,
    stats: {
      ...client.stats,
      requests: client.stats.requests + jobGraph.requests + upstreamRequests,
      pipelines: collected.payloads.length,
      attempts,
      logs,
      elapsedMs: now().getTime() - started,
      jobGraph,
    },
  };
}
