import type { CollectConfig } from '../config/collect.js';
import { fetchJobGraph, type JobGraphNode } from '../gitlab/index.js';
import type { PipelineSnapshot } from '../gitlab/types.js';

export interface JobGraphStats {
  /** GraphQL requests made (pages of 100 jobs) */
  requests: number;
  /** why there is no critical path, when there is none */
  skipped?: string;
}

/**
 * The pipeline's job graph for the critical path, or why it is missing. Never throws: without
 * the graph the payload is still delivered, only without its critical path.
 */
export async function readJobGraph(
  config: CollectConfig,
  snapshot: PipelineSnapshot,
  fetch?: typeof globalThis.fetch,
): Promise<{ nodes?: JobGraphNode[]; stats: JobGraphStats }> {
  const iid = snapshot.pipeline.iid;
  if (config.tokenInfo.kind === 'job')
    return { stats: { requests: 0, skipped: 'GitLab GraphQL does not accept CI_JOB_TOKEN; set GITLAB_TOKEN (read_api)' } };
  if (iid === undefined) return { stats: { requests: 0, skipped: 'GitLab did not send the pipeline iid' } };
  const request = {
    apiUrl: config.gitlabUrl,
    token: config.token,
    projectPath: snapshot.projectPath,
    pipelineIid: iid,
    fetch,
    timeoutMs: config.timeoutMs,
  };
  let requests = 0;
  try {
    const result = await fetchJobGraph({ ...request, onRequest: () => requests++ });
    return { nodes: result.nodes, stats: { requests } };
  } catch (error) {
    return { stats: { requests, skipped: `GitLab GraphQL job graph unavailable: ${(error as Error).message.split('\n')[0]}` } };
  }
}
