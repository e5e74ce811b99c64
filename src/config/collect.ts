import { UsageError } from '../errors.js';
import type { TokenInfo } from '../gitlab/http-errors.js';
import { DEFAULT_CLASSIFY, LOG_SCOPES, type ClassifyOptions, type LogScope } from '../payload/options.js';
import { readCollectFile, type CollectFile } from './collect-file.js';
import { firstEnv, type Env } from './env.js';

/** `collect` flags as commander gives them: strings, `optimistic` a boolean. */
export interface CollectFlags {
  gitlabUrl?: string;
  token?: string;
  project?: string;
  pipeline?: string;
  defaultBranch?: string;
  jobId?: string;
  e2eStage?: string;
  e2eExclude?: string;
  buildStage?: string;
  buildJobs?: string;
  steps?: string;
  optimistic?: boolean;
  logs?: string;
  output?: string;
  config?: string;
  timeout?: string;
  concurrency?: string;
}

export interface CollectConfig {
  /** API root ending in `/api/v4`, no trailing slash */
  gitlabUrl: string;
  token: string;
  tokenInfo: TokenInfo;
  /** numeric id or `group/sub/project` */
  project: string;
  /** `group/sub/project` when known without asking GitLab */
  projectPath?: string;
  pipelineId: number;
  defaultBranch?: string;
  classify: ClassifyOptions;
  output?: string;
  /** budget of one GitLab request, retries and waits included, milliseconds */
  timeoutMs: number;
  /** max GitLab requests in flight (job pages, logs) */
  concurrency: number;
}

export const DEFAULT_COLLECT_TIMEOUT_S = 60;
export const DEFAULT_COLLECT_CONCURRENCY = 16;

/** Env names of the classification settings (optional fallbacks, shown in `collect --help`). */
export const COLLECT_ENV = {
  e2eStage: 'PIPELINE_METRICS_E2E_STAGE',
  e2eExclude: 'PIPELINE_METRICS_E2E_EXCLUDE',
  buildStage: 'PIPELINE_METRICS_BUILD_STAGE',
  buildJobs: 'PIPELINE_METRICS_BUILD_JOBS',
  steps: 'PIPELINE_METRICS_STEPS',
  optimistic: 'PIPELINE_METRICS_OPTIMISTIC',
  logs: 'PIPELINE_METRICS_LOGS',
  timeout: 'PIPELINE_METRICS_TIMEOUT',
  concurrency: 'PIPELINE_METRICS_CONCURRENCY',
  config: 'PIPELINE_METRICS_CONFIG',
} as const;

/** Reads the config file (flag or PIPELINE_METRICS_CONFIG) if any, then resolves. */
export async function loadCollectConfig(flags: CollectFlags, env: Env): Promise<CollectConfig> {
  const path = flags.config ?? firstEnv(env, COLLECT_ENV.config);
  const loaded = path ? await readCollectFile(path) : { file: {}, problems: [] };
  return resolveCollectConfig(flags, env, loaded.file, loaded.problems);
}

/**
 * Flags > environment > config file > defaults, validated; every problem is listed at once,
 * naming the flag, its environment variable and the allowed values.
 */
export function resolveCollectConfig(flags: CollectFlags, env: Env, file: CollectFile = {}, fileProblems: string[] = []): CollectConfig {
  const problems = [...fileProblems];
  const str = (v: string | number | undefined) => (v === undefined ? undefined : String(v).trim() || undefined);
  const gitlabUrl = apiUrl(str(flags.gitlabUrl) ?? firstEnv(env, 'CI_API_V4_URL') ?? serverApi(env) ?? str(file.gitlabUrl), problems);
  const { token, tokenInfo } = pickToken(flags, env, file, problems);
  const project = projectRef(str(flags.project) ?? firstEnv(env, 'CI_PROJECT_ID', 'CI_PROJECT_PATH') ?? str(file.project), problems);
  const ciProject = project !== undefined && [env.CI_PROJECT_ID, env.CI_PROJECT_PATH].includes(project);
  const projectPath = project?.includes('/') ? project : ciProject ? firstEnv(env, 'CI_PROJECT_PATH') : undefined;
  const pipelineId = positiveInt(str(flags.pipeline) ?? firstEnv(env, 'CI_PIPELINE_ID') ?? str(file.pipeline), 'pipeline (--pipeline / CI_PIPELINE_ID)', problems, true);
  const defaultBranch = str(flags.defaultBranch) ?? (ciProject ? firstEnv(env, 'CI_DEFAULT_BRANCH') : undefined) ?? str(file.defaultBranch);
  const classify = classifyOptions(flags, env, file, problems);
  const timeoutS = number(str(flags.timeout) ?? firstEnv(env, COLLECT_ENV.timeout) ?? str(file.timeout), problems) ?? DEFAULT_COLLECT_TIMEOUT_S;
  const concurrency = inflight(str(flags.concurrency) ?? firstEnv(env, COLLECT_ENV.concurrency) ?? str(file.concurrency), problems);
  if (problems.length) throw new UsageError(`collect options are invalid:\n  ${problems.join('\n  ')}`);
  return {
    gitlabUrl: gitlabUrl as string,
    token: token as string,
    tokenInfo,
    project: project as string,
    projectPath,
    pipelineId: pipelineId as number,
    defaultBranch,
    classify,
    output: str(flags.output) ?? str(file.output),
    timeoutMs: Math.round(timeoutS * 1000),
    concurrency,
  };
}

export function serverApi(env: Env): string | undefined {
  const server = firstEnv(env, 'CI_SERVER_URL');
  return server ? `${server.replace(/\/+$/, '')}/api/v4` : undefined;
}

/** Accepts the API root or the instance URL (`/api/v4` is appended when missing). */
export function apiUrl(raw: string | undefined, problems: string[]): string | undefined {
  const field = 'gitlabUrl (--gitlab-url / CI_API_V4_URL / CI_SERVER_URL)';
  if (raw === undefined) return void problems.push(`${field}: required, e.g. https://gitlab.example.com/api/v4`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return void problems.push(`${field}: "${raw}" is not a URL; expected http(s)://host[/path]/api/v4`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return void problems.push(`${field}: protocol must be http or https, got "${url.protocol}"`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/api/v4') ? path : `${path}/api/v4`}`;
}

/** GITLAB_TOKEN / PRIVATE_TOKEN / file are access tokens; CI_JOB_TOKEN is the last resort. */
export function pickToken(flags: CollectFlags, env: Env, file: CollectFile, problems: string[]): { token?: string; tokenInfo: TokenInfo } {
  const candidates: Array<[string | undefined, string]> = [
    [flags.token?.trim(), '--token'],
    [firstEnv(env, 'GITLAB_TOKEN'), 'GITLAB_TOKEN'],
    [firstEnv(env, 'PRIVATE_TOKEN'), 'PRIVATE_TOKEN'],
    [file.token?.trim(), 'the config file'],
    [firstEnv(env, 'CI_JOB_TOKEN'), 'CI_JOB_TOKEN'],
  ];
  const found = candidates.find(([value]) => value);
  if (!found) {
    problems.push('token (--token / GITLAB_TOKEN / PRIVATE_TOKEN / CI_JOB_TOKEN): required, an access token with the read_api scope');
    return { tokenInfo: { kind: 'private', source: '--token' } };
  }
  return { token: found[0], tokenInfo: { kind: found[1] === 'CI_JOB_TOKEN' ? 'job' : 'private', source: found[1] } };
}

function projectRef(raw: string | undefined, problems: string[]): string | undefined {
  const field = 'project (--project / CI_PROJECT_ID / CI_PROJECT_PATH)';
  if (raw === undefined) return void problems.push(`${field}: required, a numeric project id or a path like group/sub/project`);
  if (/^[1-9]\d*$/.test(raw) || /^[^\s/]+(\/[^\s/]+)+$/.test(raw)) return raw;
  return void problems.push(`${field}: "${raw}" is neither a numeric id nor a path like group/sub/project`);
}

function positiveInt(raw: string | undefined, field: string, problems: string[], required: boolean): number | undefined {
  if (raw === undefined) return required ? void problems.push(`${field}: required, a positive integer id`) : undefined;
  if (/^[1-9]\d*$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  return void problems.push(`${field}: "${raw}" is not a positive integer id`);
}

export function number(raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0 && value <= 3600) return value;
  return void problems.push(`timeout (--timeout / ${COLLECT_ENV.timeout}): "${raw}" must be seconds, a number > 0 and <= 3600`);
}

export function inflight(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return DEFAULT_COLLECT_CONCURRENCY;
  if (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 32) return Number(raw);
  problems.push(`concurrency (--concurrency / ${COLLECT_ENV.concurrency}): "${raw}" must be an integer from 1 to 32`);
  return DEFAULT_COLLECT_CONCURRENCY;
}

export function classifyOptions(flags: CollectFlags, env: Env, file: CollectFile, problems: string[]): ClassifyOptions {
  const text = (flag: string | undefined, key: keyof typeof COLLECT_ENV, fromFile: string | string[] | undefined) =>
    flag?.trim() || firstEnv(env, COLLECT_ENV[key]) || fromFile;
  const names = (value: string | string[] | undefined, fallback: string[]) =>
    value === undefined ? fallback : (Array.isArray(value) ? value : value.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
  const steps = names(text(flags.steps, 'steps', file.steps), DEFAULT_CLASSIFY.steps);
  if (steps.length === 0 || new Set(steps).size !== steps.length) {
    problems.push(`steps (--steps / ${COLLECT_ENV.steps}): "${steps.join(' ')}" must be distinct step names, e.g. "up e2e" or "pull up e2e"`);
  }
  const logs = (text(flags.logs, 'logs', file.logs) as string | undefined) ?? DEFAULT_CLASSIFY.logScope;
  if (!(LOG_SCOPES as readonly string[]).includes(logs)) {
    problems.push(`logs (--logs / ${COLLECT_ENV.logs}): "${logs}" is not allowed; allowed: ${LOG_SCOPES.join(', ')}`);
  }
  const selfJobId = positiveInt(flags.jobId?.trim() || firstEnv(env, 'CI_JOB_ID') || (file.jobId === undefined ? undefined : String(file.jobId)), 'jobId (--job-id / CI_JOB_ID)', problems, false);
  return {
    e2eStage: (text(flags.e2eStage, 'e2eStage', file.e2eStage) as string | undefined) ?? DEFAULT_CLASSIFY.e2eStage,
    e2eExclude: names(text(flags.e2eExclude, 'e2eExclude', file.e2eExclude), DEFAULT_CLASSIFY.e2eExclude),
    buildStage: (text(flags.buildStage, 'buildStage', file.buildStage) as string | undefined) ?? DEFAULT_CLASSIFY.buildStage,
    buildJobs: names(text(flags.buildJobs, 'buildJobs', file.buildJobs), DEFAULT_CLASSIFY.buildJobs),
    steps,
    optimistic: flags.optimistic ?? booleanEnv(env, problems) ?? file.optimistic ?? DEFAULT_CLASSIFY.optimistic,
    logScope: logs as LogScope,
    ...(selfJobId === undefined ? {} : { selfJobId }),
  };
}

function booleanEnv(env: Env, problems: string[]): boolean | undefined {
  const raw = firstEnv(env, COLLECT_ENV.optimistic)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  return void problems.push(`optimistic (${COLLECT_ENV.optimistic}): "${raw}" is not allowed; allowed: true, false, 1, 0, yes, no`);
}
