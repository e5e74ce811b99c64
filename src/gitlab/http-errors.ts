import { EXIT } from '../errors.js';
import { UpstreamError } from '../errors.js';

/** What a request was about, so an error can say which project, pipeline or job is wrong. */
export interface RequestTarget {
  kind: 'project' | 'pipeline' | 'jobs' | 'bridges' | 'test_report' | 'log';
  /** the project as given: numeric id or `group/sub/project` */
  project: string;
  pipelineId?: number;
  jobId?: number;
}

/** How the token was obtained: decides the header and the advice in messages. */
export interface TokenInfo {
  /** `job` = CI_JOB_TOKEN, sent as JOB-TOKEN; `private` = any access token, sent as PRIVATE-TOKEN */
  kind: 'private' | 'job';
  /** where it came from, e.g. `--token`, `GITLAB_TOKEN`, `CI_JOB_TOKEN` */
  source: string;
}

const TOKEN_ADVICE =
  'Use a personal, project or group access token with the read_api scope ' + '(--token or GITLAB_TOKEN, e.g. a masked CI/CD variable).';

const JOB_TOKEN_LIMITS =
  'The token used is CI_JOB_TOKEN: GitLab lets the job token reach only a few API endpoints ' +
  '(artifacts, packages, releases, …) and refuses it for pipeline details, job lists and job logs ' +
  'on most GitLab versions. Set GITLAB_TOKEN to an access token with read_api instead.';

/** GitLab's `{"message": "404 Project Not Found"}` / `{"error": "…"}` bodies, as plain text. */
export function gitlabMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const message = parsed.message ?? parsed.error;
    if (message !== undefined) return typeof message === 'string' ? message : JSON.stringify(message);
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.trim().slice(0, 200);
}

function subject(target: RequestTarget): string {
  const project = `project "${target.project}"`;
  if (target.kind === 'project') return project;
  if (target.kind === 'log') return `the log of job ${target.jobId} in ${project}`;
  return `pipeline ${target.pipelineId} of ${project}`;
}

function notFound(target: RequestTarget, message: string): string {
  const projectMissing = target.kind === 'project' || /project not found/i.test(message);
  if (projectMissing) {
    return (
      `project "${target.project}" was not found: check --project / CI_PROJECT_ID ` +
      '(a numeric id or the full path group/sub/project) and that the token can see the project.'
    );
  }
  if (target.kind === 'log') {
    return `job ${target.jobId} (or its log) was not found in project "${target.project}".`;
  }
  return `pipeline ${target.pipelineId} was not found in project "${target.project}": ` + 'check --pipeline / CI_PIPELINE_ID.';
}

/** Turns a non-retryable HTTP failure into a message that says what is wrong and what to do. */
export function describeHttpError(status: number, body: string, target: RequestTarget, token: TokenInfo, request: string): UpstreamError {
  const message = gitlabMessage(body);
  const jobToken = token.kind === 'job' ? ` ${JOB_TOKEN_LIMITS}` : '';
  let text: string;
  if (status === 401) {
    text = `GitLab rejected the token from ${token.source} (401 Unauthorized): it is missing, expired or revoked. ${TOKEN_ADVICE}${jobToken}`;
  } else if (status === 403) {
    text =
      `GitLab refused access to ${subject(target)} (403 Forbidden): the token from ${token.source} lacks the ` +
      `read_api scope, or its user lacks at least Reporter access to the project (job logs need it). ${TOKEN_ADVICE}${jobToken}`;
  } else if (status === 404) {
    text = `${notFound(target, message)}${jobToken}`;
  } else {
    text = `GitLab answered ${status} for ${subject(target)}${message ? `: ${message}` : ''}.`;
  }
  const exitCode = status >= 500 || status === 429 ? EXIT.unreachable : EXIT.rejected;
  // GitLab's message often starts with the status itself ("401 Unauthorized"): say it once
  const answer = message?.startsWith(String(status)) ? message : `${status}${message ? ` ${message}` : ''}`;
  return new UpstreamError(`${text}\n  (${request} → ${answer})`, { status, exitCode });
}
