import { z } from 'zod';
import { UpstreamError } from '../errors.js';
import type { TokenInfo } from './http-errors.js';
import { fetchJobLog, type StreamedLog } from './job-log.js';
import { createLogTimingsParser } from '../payload/log-timings-stream.js';
import { mapLimit } from './map-limit.js';
import { createResources, type GitlabResources } from './gitbeaker.js';
import { fetchAllPages, PER_PAGE, type FetchedPage } from './pagination.js';
import { parseOrThrow } from '../validate.js';
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
 * The GitLab API v4 calls `collect` needs: @gitbeaker/rest resources over our request policy
 * (gitbeaker.ts, requester.ts). Every response is validated with our schemas (types.ts); callers
 * get plain types. One client reads one project; `forProject`
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
  /**
   * every attempt of every job (`include_retried=true`), pages fetched concurrently;
   * `onFirstPage` is told, once page 1 is read, how many pages of 100 there are (Infinity:
   * more than GitLab counts, 10 000 rows)
   */
  listJobs(pipelineId: number, onFirstPage?: (pages: number) => void): Promise<GitlabJob[]>;
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
  const requester = createRequester(options);
  return clientOver(requester, createResources(requester), options.project, options.concurrency ?? 8);
}

/** A page fetcher for fetchAllPages: gitbeaker's expanded result of one explicit page. */
const onePage = (call: (page: number) => Promise<unknown>) => async (page: number) => (await call(page)) as FetchedPage;

function clientOver(requester: Requester, api: GitlabResources, project: string, concurrency: number): GitlabClient {
  return {
    project,
    stats: requester.stats,
    concurrency,
    async getProject() {
      return parseOrThrow(GitlabProjectSchema, await api.projects.show(project), `GitLab project "${project}"`);
    },
    async getPipeline(pipelineId) {
      return parseOrThrow(GitlabPipelineSchema, await api.pipelines.show(project, pipelineId), `GitLab pipeline ${pipelineId}`);
    },
    async listJobs(pipelineId, onFirstPage) {
      const jobs = await fetchAllPages({
        onFirstPage,
        fetchPage: onePage((page) =>
          api.jobs.all(project, { pipelineId, includeRetried: true, perPage: PER_PAGE, page, showExpanded: true }),
        ),
        schema: JobPageSchema,
        subject: `GitLab jobs of pipeline ${pipelineId}`,
        concurrency,
      });
      return uniqueById(jobs);
    },
    async listBridges(pipelineId) {
      // gitbeaker types no paging options for bridges; GitLab pages them like jobs
      const paging = (page: number) => ({ perPage: PER_PAGE, page, showExpanded: true }) as { showExpanded: true };
      const bridges = await fetchAllPages({
        fetchPage: onePage((page) => api.jobs.allPipelineBridges(project, pipelineId, paging(page))),
        schema: BridgePageSchema,
        subject: `GitLab bridges of pipeline ${pipelineId}`,
        concurrency,
      });
      return uniqueById(bridges);
    },
    async getTestReportSummary(pipelineId) {
      try {
        const summary = await api.pipelines.showTestReportSummary(project, pipelineId);
        return parseOrThrow(GitlabTestReportSummarySchema, summary, `GitLab test report summary of pipeline ${pipelineId}`);
      } catch (error) {
        if (error instanceof UpstreamError && (error.status === 403 || error.status === 404)) return null;
        throw error;
      }
    },
    async getJobLogs(jobs) {
      // the trace is streamed through our requester (gitbeaker's showLog buffers the whole text)
      const readLog = async (jobId: number) => {
        const path = `/projects/${encodeURIComponent(project)}/jobs/${jobId}/trace`;
        return (await requester.get(path, {}, { kind: 'log', project, jobId }, streamLog)).body;
      };
      const logs = await mapLimit(jobs, concurrency, async (job) => {
        const log = await fetchJobLog(readLog, { jobId: job.id, erased: job.erased });
        return [job.id, log] as const;
      });
      return new Map(logs);
    },
    forProject: (other) => clientOver(requester, api, other, concurrency),
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

/** A trace body → its timings, chunk by chunk (memory: the current line, not the log). */
async function streamLog(response: Response): Promise<StreamedLog> {
  const parser = createLogTimingsParser();
  let bytes = 0;
  // a reader, not `for await`: with the DOM lib in the program, ReadableStream is not iterable
  const reader = response.body?.getReader();
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
    bytes += chunk.value.byteLength;
    parser.push(chunk.value);
  }
  return { bytes, timings: parser.end() };
}
