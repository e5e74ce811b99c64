import type { GitlabClient } from './client.js';
import { PER_PAGE } from './pagination.js';
import type { GitlabJob, GitlabPipeline, GitlabProject, PipelineSnapshot } from './types.js';

export interface SnapshotRequest {
  pipelineId: number;
  /** `group/sub/project` when known (CI_PROJECT_PATH, or --project given as a path) */
  projectPath?: string;
  /** the default branch when known (CI_DEFAULT_BRANCH / --default-branch); null: do not ask */
  defaultBranch?: string | null;
  /** API root, used to read the project path out of the pipeline's web_url */
  apiUrl: string;
  /** ids of the job attempts whose logs are wanted, chosen once every attempt is known */
  selectLogs(jobs: GitlabJob[]): number[];
  /**
   * told once per pipeline, as soon as the pipeline, its project path and the first page of its
   * jobs are known (usually with the first round trip, before the other job pages and the logs),
   * e.g. to read something else about it alongside; `projectPath` is the one the snapshot will
   * carry, `jobPages`: pages of 100 job attempts (Infinity: more than GitLab counts)
   */
  onPipeline?(pipeline: GitlabPipeline, projectPath: string, jobPages: number): void;
}

/**
 * Reads one pipeline: pipeline, job pages, bridges and test report summary in parallel (plus
 * the project, only when its path or default branch is unknown), then the wanted logs in
 * parallel. Requests: 1 + ceil(attempts/100) + 1 + 1 + logs (erased logs are not requested).
 */
export async function fetchPipelineSnapshot(client: GitlabClient, request: SnapshotRequest): Promise<PipelineSnapshot> {
  let projectCall: Promise<GitlabProject> | undefined = request.defaultBranch === undefined ? client.getProject() : undefined;
  const pathOf = (pipeline: GitlabPipeline) => request.projectPath ?? projectPathFromWebUrl(pipeline.web_url, request.apiUrl);
  let firstJobPage: (pages: number) => void = () => undefined;
  const jobPages = new Promise<number>((resolve) => (firstJobPage = resolve));
  const pipelineCall = client.getPipeline(request.pipelineId);
  // a failure here is the snapshot's own (awaited below): nothing to tell
  void Promise.all([pipelineCall, jobPages]).then(
    ([read, pages]) => {
      const path = pathOf(read);
      if (path !== undefined) request.onPipeline?.(read, path, pages);
    },
    () => undefined,
  );
  const [pipeline, jobs, bridges, testReport] = await Promise.all([
    pipelineCall,
    client.listJobs(request.pipelineId, firstJobPage),
    client.listBridges(request.pipelineId),
    client.getTestReportSummary(request.pipelineId),
    projectCall,
  ]);
  const knownPath = pathOf(pipeline);
  if (knownPath === undefined) projectCall ??= client.getProject();
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const wanted = request.selectLogs(jobs).map((id) => ({ id, erased: Boolean(byId.get(id)?.erased_at) }));
  const [project, logs] = await Promise.all([
    projectCall?.then((read) => {
      if (knownPath === undefined) request.onPipeline?.(pipeline, read.path_with_namespace, Math.ceil(jobs.length / PER_PAGE));
      return read;
    }),
    client.getJobLogs(wanted),
  ]);
  const projectPath = knownPath ?? project?.path_with_namespace;
  return {
    projectPath: projectPath ?? String(pipeline.project_id),
    projectId: pipeline.project_id,
    defaultBranch: request.defaultBranch ?? project?.default_branch ?? null,
    pipeline,
    jobs,
    bridges,
    testReport,
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
