import type { LogTimings } from '../payload/log-timings.js';
import type { GitlabClient, LogSink } from './client.js';
import type { GitlabJob, GitlabProject, PipelineSnapshot } from './types.js';

export interface SnapshotRequest {
  pipelineId: number;
  /** `group/sub/project` when known (CI_PROJECT_PATH, or --project given as a path) */
  projectPath?: string;
  /** the default branch when known (CI_DEFAULT_BRANCH / --default-branch) */
  defaultBranch?: string;
  /** API root, used to read the project path out of the pipeline's web_url */
  apiUrl: string;
  /** ids of the job attempts whose logs are wanted, chosen once every attempt is known */
  selectLogs(jobs: GitlabJob[]): number[];
  /** a fresh parser for one log's bytes (src/payload's createLogTimingsParser) */
  parseLog(): LogSink<LogTimings>;
}

/**
 * Reads one pipeline: pipeline and job pages in parallel (plus the project, only when its
 * path or default branch is unknown), then the wanted logs in parallel.
 */
export async function fetchPipelineSnapshot(client: GitlabClient, request: SnapshotRequest): Promise<PipelineSnapshot> {
  let projectCall: Promise<GitlabProject> | undefined = request.defaultBranch === undefined ? client.getProject() : undefined;
  const [pipeline, jobs] = await Promise.all([client.getPipeline(request.pipelineId), client.listJobs(request.pipelineId), projectCall]);
  let projectPath = request.projectPath ?? projectPathFromWebUrl(pipeline.web_url, request.apiUrl);
  if (projectPath === undefined) projectCall ??= client.getProject();
  const [project, logs] = await Promise.all([projectCall, client.getJobLogs(request.selectLogs(jobs), request.parseLog)]);
  projectPath ??= project?.path_with_namespace;
  return {
    projectPath: projectPath ?? String(pipeline.project_id),
    projectId: pipeline.project_id,
    defaultBranch: request.defaultBranch ?? project?.default_branch ?? null,
    pipeline,
    jobs,
    logs,
  };
}

/**
 * `https://host[/relative-root]/group/sub/project/-/pipelines/123` → `group/sub/project`.
 * The relative root is taken from the API URL (`…/relative-root/api/v4`); undefined when the
 * URL does not have GitLab's shape.
 */
export function projectPathFromWebUrl(webUrl: string | undefined, apiUrl: string): string | undefined {
  if (!webUrl) return undefined;
  let path: string;
  let root: string;
  try {
    path = decodeURIComponent(new URL(webUrl).pathname);
    root = new URL(apiUrl).pathname.replace(/\/api\/v4\/?$/, '').replace(/\/+$/, '');
  } catch {
    return undefined;
  }
  const match = /^\/(.+?)\/-\/pipelines\/\d+\/?$/.exec(root && path.startsWith(`${root}/`) ? path.slice(root.length) : path);
  return match?.[1];
}
