import type { CollectConfig } from '../config/collect.js';
import { createLogTimingsParser } from '../payload/log-timings-stream.js';
import { createGitlabClient, fetchPipelineSnapshot, type RequestStats } from '../gitlab/index.js';
import { buildPayload, jobsNeedingLogs } from '../payload/build.js';
import type { Payload } from '../payload/schema.js';
import { VERSION } from '../version.js';

export interface CollectDeps {
  fetch?: typeof fetch;
  now?: () => Date;
  /** GitLab retry tuning (tests use small values); ms */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; attemptTimeoutMs?: number };
}

export interface CollectStats extends RequestStats {
  /** job attempts read (retried ones included) */
  attempts: number;
  /** job logs read */
  logs: number;
  /** wall time of the collection, ms */
  elapsedMs: number;
}

export interface CollectResult {
  payload: Payload;
  stats: CollectStats;
}

/** Reads one pipeline from GitLab and builds its payload. Prints nothing. */
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
  });
  const snapshot = await fetchPipelineSnapshot(client, {
    pipelineId: config.pipelineId,
    projectPath: config.projectPath,
    defaultBranch: config.defaultBranch,
    apiUrl: config.gitlabUrl,
    selectLogs: (jobs) => jobsNeedingLogs(jobs, config.classify),
    parseLog: createLogTimingsParser,
  });
  const payload = buildPayload(snapshot, config.classify, { name: 'pipeline-metrics', version: VERSION });
  return {
    payload,
    stats: {
      ...client.stats,
      attempts: snapshot.jobs.length,
      logs: snapshot.logs.size,
      elapsedMs: now().getTime() - started,
    },
  };
}
