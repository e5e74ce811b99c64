import { collectPipeline } from '../commands/collect.js';
import type { CollectConfig, DownstreamConfig } from '../config/collect.js';
import { createGitlabClient, type GitlabClient, type TokenInfo } from '../gitlab/index.js';
import type { GitlabProject } from '../gitlab/types.js';
import type { ClassifyOptions } from '../payload/options.js';
import type { Payload } from '../payload/schema.js';

/**
 * The one seam between `backfill` and `collect`: a listed pipeline of a project in, its payloads
 * out — the pipeline first, then its downstream (child) pipelines — read and built exactly as
 * `collect` does (collectPipeline). Requests go through the `fetch` given, which for backfill is
 * the shared rate pacer.
 */
export type CollectPipeline = (project: GitlabProject, pipelineId: number) => Promise<Payload[]>;

export interface PipelineCollectorOptions {
  /** API root ending in `/api/v4` */
  gitlabUrl: string;
  token: string;
  tokenInfo: TokenInfo;
  classify: ClassifyOptions;
  /** budget of one GitLab request, retries and waits included, ms */
  timeoutMs: number;
  /** requests in flight for the job pages and logs of one pipeline */
  concurrency: number;
  downstream: DownstreamConfig;
  fetch: typeof fetch;
  /** GitLab retry tuning (tests use small values); ms */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; attemptTimeoutMs?: number };
}

export function createPipelineCollector(options: PipelineCollectorOptions): CollectPipeline {
  // one client per project: a client is bound to its project's API path
  const clients = new Map<number, GitlabClient>();
  const clientFor = (project: GitlabProject): GitlabClient => {
    let client = clients.get(project.id);
    if (!client) {
      client = createGitlabClient({
        baseUrl: options.gitlabUrl,
        token: options.token,
        tokenInfo: options.tokenInfo,
        project: String(project.id),
        fetch: options.fetch,
        retryBudgetMs: options.timeoutMs,
        concurrency: options.concurrency,
        ...options.retry,
      });
      clients.set(project.id, client);
    }
    return client;
  };
  return async (project, pipelineId) => {
    const config: CollectConfig = {
      ...options,
      project: String(project.id),
      projectPath: project.path_with_namespace,
      pipelineId,
      defaultBranch: project.default_branch ?? undefined,
    };
    return (await collectPipeline(clientFor(project), pipelineId, config)).payloads;
  };
}
