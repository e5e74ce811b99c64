import { collectPipeline } from '../commands/collect.js';
import type { CollectConfig } from '../config/collect.js';
import { createGitlabClient, type GitlabClient } from '../gitlab/index.js';
import type { GitlabProject } from '../gitlab/types.js';
import type { Payload } from '../payload/schema.js';

/**
 * The one seam between `backfill` and `collect`: a listed pipeline of a project in, its payloads
 * out — the pipeline first, then its downstream (child) pipelines — read and built exactly as
 * `collect` does (collectPipeline). Requests go through the `fetch` given, which for backfill is
 * the shared rate pacer.
 */
export type CollectPipeline = (project: GitlabProject, pipelineId: number) => Promise<Payload[]>;

/** collect's GitLab settings (the same fields and units as CollectConfig), plus the paced fetch. */
export type PipelineCollectorOptions = Pick<
  CollectConfig,
  'gitlabUrl' | 'token' | 'tokenInfo' | 'classify' | 'timeoutMs' | 'concurrency' | 'downstream'
> & {
  fetch: typeof fetch;
  /** GitLab retry tuning (tests use small values); ms */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; attemptTimeoutMs?: number };
};

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
    // the GraphQL job graph goes through the same paced fetch: GitLab counts it in the same limit
    return (await collectPipeline(clientFor(project), pipelineId, config, options.fetch)).payloads;
  };
}
