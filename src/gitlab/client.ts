import { z } from 'zod';
import { UpstreamError } from '../errors.js';
import type { TokenInfo } from './http-errors.js';
import { fetchJobLog } from './job-log.js';
import { mapLimit } from './map-limit.js';
import { fetchAllPages } from './pagination.js';
import { parseGitlabJson } from './parse.js';
import { createRequester, type Requester, type RequesterOptions, type RequestStats } from './requester.js';
import {
  GitlabBridgeSchema,
  GitlabJobSchema,
  GitlabPipelineSchema,
  GitlabProjectSchema,
  GitlabTestReportSummarySchema,
  type GitlabBridge,
  type GitlabJob,
  type GitlabPipeline,
  type GitlabProject,
  type GitlabTestReportSummary,
  type JobLogResult,
} from './types.js';

/**
 * The GitLab API v4 calls `collect` needs, over our own requester (see requester.ts). Every
 * response is validated; callers get plain types. One client reads one project; `forProject`
 * gives a client of another project (a multi-project downstream) sharing requests and stats.
 */
export interface GitlabClientOptions extends Omit<RequesterOptions, 'tokenInfo'> {
  /** numeric id or `group/sub/project` */
  project: string;
  tokenInfo: TokenInfo;
  /** max requests in flight for job pages and logs (default 8) */
  concurrency?: number;
}

/** A job whose log is wanted; `erased` when GitLab reported `erased_at` (no request is made). */
export interface LogRequest {
  id: number;
  erased: boolean;
}

export interface GitlabClient {
  readonly project: string;
  getProject(): Promise<GitlabProject>;
  getPipeline(pipelineId: number): Promise<GitlabPipeline>;
  /** every attempt of every job (`include_retried=true`), pages fetched concurrently */
  listJobs(pipelineId: number): Promise<GitlabJob[]>;
  /** every trigger job of the pipeline (one page of 100: GitLab pages bridges too) */
  listBridges(pipelineId: number): Promise<GitlabBridge[]>;
  /** the pipeline's JUnit totals; null when GitLab refuses or lacks them (403/404) */
  getTestReportSummary(pipelineId: number): Promise<GitlabTestReportSummary | null>;
  /** job logs by job id, fetched concurrently (bounded); a missing log is a result, not an error */
  getJobLogs(jobs: readonly LogRequest[]): Promise<Map<number, JobLogResult>>;
  forProject(project: string): GitlabClient;
  readonly stats: RequestStats;
  readonly concurrency: number;
}

const JobPageSchema = z.array(GitlabJobSchema);
const BridgePageSchema = z.array(GitlabBridgeSchema);

export function createGitlabClient(options: GitlabClientOptions): GitlabClient {
  return clientOver(createRequester(options), options.project, options.concurrency ?? 8);
}

function clientOver(requester: Requester, project: string, concurrency: number): GitlabClient {
  const base = `/projects/${encodeURIComponent(project)}`;
  const pipelinePath = (id: number) => `${base}/pipelines/${id}`;
  return {
    project,
    stats: requester.stats,
    concurrency,
    async getProject() {
      const response = await requester.get(base, {}, { kind: 'project', project });
      return parseGitlabJson(GitlabProjectSchema, response.body, `GitLab project "${project}"`);
    },
    async getPipeline(pipelineId) {
      const response = await requester.get(pipelinePath(pipelineId), {}, { kind: 'pipeline', project, pipelineId });
      return parseGitlabJson(GitlabPipelineSchema, response.body, `GitLab pipeline ${pipelineId}`);
    },
    async listJobs(pipelineId) {
      const jobs = await fetchAllPages(requester, {
        path: `${pipelinePath(pipelineId)}/jobs`,
        query: { include_retried: true },
        schema: JobPageSchema,
        target: { kind: 'jobs', project, pipelineId },
        subject: `GitLab jobs of pipeline ${pipelineId}`,
        concurrency,
      });
      return uniqueById(jobs);
    },
    async listBridges(pipelineId) {
      const bridges = await fetchAllPages(requester, {
        path: `${pipelinePath(pipelineId)}/bridges`,
        query: {},
        schema: BridgePageSchema,
        target: { kind: 'bridges', project, pipelineId },
        subject: `GitLab bridges of pipeline ${pipelineId}`,
        concurrency,
      });
      return uniqueById(bridges);
    },
    async getTestReportSummary(pipelineId) {
      const target = { kind: 'test_report', project, pipelineId } as const;
      try {
        const response = await requester.get(`${pipelinePath(pipelineId)}/test_report_summary`, {}, target);
        return parseGitlabJson(GitlabTestReportSummarySchema, response.body, `GitLab test report summary of pipeline ${pipelineId}`);
      } catch (error) {
        if (error instanceof UpstreamError && (error.status === 403 || error.status === 404)) return null;
        throw error;
      }
    },
    async getJobLogs(jobs) {
      const logs = await mapLimit(jobs, concurrency, async (job) => {
        const log = await fetchJobLog(requester, base, { project, jobId: job.id, erased: job.erased });
        return [job.id, log] as const;
      });
      return new Map(logs);
    },
    forProject: (other) => clientOver(requester, other, concurrency),
  };
}

/**
 * Offset pages of a list that grows while we read it (retries are created during the last
 * stage) can repeat a row at a page boundary: keep the first copy of each job id.
 */
function uniqueById<T extends { id: number }>(jobs: T[]): T[] {
  const seen = new Set<number>();
  return jobs.filter((job) => (seen.has(job.id) ? false : (seen.add(job.id), true)));
}
