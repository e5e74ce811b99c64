import { z } from 'zod';
import type { TokenInfo } from './http-errors.js';
import { mapLimit } from './map-limit.js';
import { fetchAllPages } from './pagination.js';
import { parseGitlabJson } from './parse.js';
import { createRequester, type RequesterOptions, type RequestStats } from './requester.js';
import {
  GitlabJobSchema,
  GitlabPipelineSchema,
  GitlabProjectSchema,
  type GitlabJob,
  type GitlabPipeline,
  type GitlabProject,
} from './types.js';

/**
 * The GitLab API v4 calls `collect` needs, over our own requester (see requester.ts for why
 * not @gitbeaker/rest). Every response is validated; callers get plain types.
 */
export interface GitlabClientOptions extends Omit<RequesterOptions, 'tokenInfo'> {
  /** numeric id or `group/sub/project` */
  project: string;
  tokenInfo: TokenInfo;
  /** max requests in flight for job pages and logs (default 8) */
  concurrency?: number;
}

export interface GitlabClient {
  getProject(): Promise<GitlabProject>;
  getPipeline(pipelineId: number): Promise<GitlabPipeline>;
  /** every attempt of every job (`include_retried=true`), pages fetched concurrently */
  listJobs(pipelineId: number): Promise<GitlabJob[]>;
  /**
   * Job logs by job id, at most `concurrency` in flight, each streamed into a fresh sink from
   * `openSink` as its bytes arrive (never held whole); the map holds what each sink's `end` gives.
   */
  getJobLogs<T>(jobIds: readonly number[], openSink: () => LogSink<T>): Promise<Map<number, T>>;
  readonly stats: RequestStats;
  readonly concurrency: number;
}

const JobPageSchema = z.array(GitlabJobSchema);

export function createGitlabClient(options: GitlabClientOptions): GitlabClient {
  const requester = createRequester(options);
  const project = options.project;
  const base = `/projects/${encodeURIComponent(project)}`;
  const concurrency = options.concurrency ?? 8;

  return {
    stats: requester.stats,
    concurrency,
    async getProject() {
      const response = await requester.get(base, {}, { kind: 'project', project });
      return parseGitlabJson(GitlabProjectSchema, response.body, `GitLab project "${project}"`);
    },
    async getPipeline(pipelineId) {
      const target = { kind: 'pipeline', project, pipelineId } as const;
      const response = await requester.get(`${base}/pipelines/${pipelineId}`, {}, target);
      return parseGitlabJson(GitlabPipelineSchema, response.body, `GitLab pipeline ${pipelineId}`);
    },
    async listJobs(pipelineId) {
      const jobs = await fetchAllPages(requester, {
        path: `${base}/pipelines/${pipelineId}/jobs`,
        query: { include_retried: true },
        schema: JobPageSchema,
        target: { kind: 'jobs', project, pipelineId },
        subject: `GitLab jobs of pipeline ${pipelineId}`,
        concurrency,
      });
      return uniqueById(jobs);
    },
    async getJobLogs(jobIds, openSink) {
      const logs = await mapLimit(jobIds, concurrency, async (jobId) => {
        const response = await requester.get(`${base}/jobs/${jobId}/trace`, {}, { kind: 'log', project, jobId }, (r) =>
          streamInto(r, openSink()),
        );
        return [jobId, response.body] as const;
      });
      return new Map(logs);
    },
  };
}

/** Receives one job log's bytes in order, split anywhere; `end` returns what the caller keeps. */
export interface LogSink<T> {
  push(chunk: Uint8Array): void;
  end(): T;
}

/** Feeds a response body to `sink` chunk by chunk: memory holds one chunk, not the body. */
async function streamInto<T>(response: Response, sink: LogSink<T>): Promise<T> {
  if (response.body) {
    for await (const chunk of response.body) sink.push(chunk);
  }
  return sink.end();
}

/**
 * Offset pages of a list that grows while we read it (retries are created during the last
 * stage) can repeat a row at a page boundary: keep the first copy of each job id.
 */
function uniqueById(jobs: GitlabJob[]): GitlabJob[] {
  const seen = new Set<number>();
  return jobs.filter((job) => (seen.has(job.id) ? false : (seen.add(job.id), true)));
}
