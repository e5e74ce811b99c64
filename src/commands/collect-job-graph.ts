import type { CollectConfig } from '../config/collect.js';
import { fetchJobGraph, type JobGraphNode } from '../gitlab/index.js';
import { createConcurrencyGate } from '../gitlab/map-limit.js';
import { PER_PAGE } from '../gitlab/pagination.js';
import type { GitlabPipeline, PipelineSnapshot } from '../gitlab/types.js';

/**
 * REST job pages (100 attempts each, retried ones included) above which the graph, 100 latest
 * attempts per page, likely needs more than one page (likely, not surely: REST pages count retried
 * attempts too): its first round trip then reads both ends of the list (else the newest page
 * alone, which may be all: a pipeline of 100 jobs with a few retries has two REST pages but one
 * graph page).
 */
export const MANY_JOB_PAGES = 2;

export interface JobGraphStats {
  /** GraphQL requests made (pages of 100 jobs) */
  requests: number;
  /** why there is no critical path, when there is none */
  skipped?: string;
}

export interface JobGraphRead {
  nodes?: JobGraphNode[];
  stats: JobGraphStats;
}

/** job graphs read at once by one collection (each keeps at most two requests in flight) */
const JOB_GRAPH_READS_AT_ONCE = 4;

/**
 * The job graphs of a collection's pipelines, each read as soon as its pipeline is known
 * (`start`, given as the snapshot's `onPipeline`), alongside the REST reads of its jobs and logs
 * and of the other pipelines; at most JOB_GRAPH_READS_AT_ONCE at once. `read` gives a
 * snapshot's graph (starting it if it was not). `stop` aborts the reads still running (a
 * pipeline whose REST read failed), so nothing outlives the collection.
 */
export function createJobGraphReader(config: CollectConfig, fetch?: typeof globalThis.fetch) {
  const gate = createConcurrencyGate(JOB_GRAPH_READS_AT_ONCE);
  const abort = new AbortController();
  const reads = new Map<number, Promise<JobGraphRead>>();
  const start = (pipeline: GitlabPipeline, projectPath: string, jobPages: number): Promise<JobGraphRead> => {
    let read = reads.get(pipeline.id);
    if (!read) {
      const target = { projectPath, pipelineIid: pipeline.iid, manyJobs: jobPages > MANY_JOB_PAGES };
      read = gate.run(() => readJobGraph(config, target, { fetch, signal: abort.signal }));
      reads.set(pipeline.id, read);
    }
    return read;
  };
  return {
    start: (pipeline: GitlabPipeline, projectPath: string, jobPages: number): void => void start(pipeline, projectPath, jobPages),
    read: (snapshot: PipelineSnapshot) => start(snapshot.pipeline, snapshot.projectPath, Math.ceil(snapshot.jobs.length / PER_PAGE)),
    stop: () => abort.abort(),
  };
}

/**
 * The pipeline's job graph for the critical path, or why it is missing. Never throws: without
 * the graph the payload is still delivered, only without its critical path.
 */
export async function readJobGraph(
  config: Pick<CollectConfig, 'gitlabUrl' | 'token' | 'tokenInfo' | 'timeoutMs'>,
  target: {
    projectPath: string;
    pipelineIid: number | undefined;
    /** likely more than 100 jobs (REST said so; its pages count retried attempts too): read both ends of the job list from the start */
    manyJobs?: boolean;
  },
  options: { fetch?: typeof globalThis.fetch; signal?: AbortSignal } = {},
): Promise<JobGraphRead> {
  const iid = target.pipelineIid;
  if (config.tokenInfo.kind === 'job')
    return { stats: { requests: 0, skipped: 'GitLab GraphQL does not accept CI_JOB_TOKEN; set GITLAB_TOKEN (read_api)' } };
  if (iid === undefined) return { stats: { requests: 0, skipped: 'GitLab did not send the pipeline iid' } };
  let requests = 0;
  try {
    const result = await fetchJobGraph({
      apiUrl: config.gitlabUrl,
      token: config.token,
      projectPath: target.projectPath,
      pipelineIid: iid,
      startAtBothEnds: target.manyJobs,
      timeoutMs: config.timeoutMs,
      ...options,
      onRequest: () => requests++,
    });
    return { nodes: result.nodes, stats: { requests } };
  } catch (error) {
    return { stats: { requests, skipped: `GitLab GraphQL job graph unavailable: ${(error as Error).message.split('\n')[0]}` } };
  }
}
