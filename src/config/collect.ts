import { UsageError } from '../errors.js';
import type { TokenInfo } from '../gitlab/http-errors.js';
import { DEFAULT_CLASSIFY, type ClassifyOptions } from '../payload/options.js';
import { readCollectFile, type CollectFile } from './collect-file.js';
import {
  apiUrl,
  booleanText,
  intInRange,
  logScope,
  nameList,
  positiveInt,
  projectRef,
  stepNames,
  timeoutSeconds,
} from './collect-fields.js';
import { firstEnv, type Env } from './env.js';

/**
 * `collect` settings: precedence only. Each setting is taken from the first source that has it
 * — flag, then environment, then config file, then the default — and handed to its parser in
 * collect-fields.ts. Every problem is listed at once.
 */

/** `collect` flags as commander gives them: strings; `optimistic` and `downstream` booleans. */
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
  /** false with --no-downstream */
  downstream?: boolean;
  downstreamDepth?: string;
  downstreamMax?: string;
}

/** Which downstream (child and multi-project) pipelines are collected with the pipeline. */
export interface DownstreamConfig {
  enabled: boolean;
  /** levels below the pipeline, 1-5 */
  maxDepth: number;
  /** downstream pipelines at most, 0-200 */
  maxPipelines: number;
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
  downstream: DownstreamConfig;
}

export const DEFAULT_COLLECT_TIMEOUT_S = 60;
export const DEFAULT_COLLECT_CONCURRENCY = 16;
export const DEFAULT_DOWNSTREAM: DownstreamConfig = { enabled: true, maxDepth: 2, maxPipelines: 50 };

/** Env names of the optional settings (shown in `collect --help`). */
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
  downstream: 'PIPELINE_METRICS_DOWNSTREAM',
  downstreamDepth: 'PIPELINE_METRICS_DOWNSTREAM_DEPTH',
  downstreamMax: 'PIPELINE_METRICS_DOWNSTREAM_MAX',
} as const;

/** Reads the config file (flag or PIPELINE_METRICS_CONFIG) if any, then resolves. */
export async function loadCollectConfig(flags: CollectFlags, env: Env): Promise<CollectConfig> {
  const path = flags.config ?? firstEnv(env, COLLECT_ENV.config);
  const loaded = path ? await readCollectFile(path) : { file: {}, problems: [] };
  return resolveCollectConfig(flags, env, loaded.file, loaded.problems);
}

/** Trimmed text, or undefined when empty. */
const str = (v: string | number | undefined) => (v === undefined ? undefined : String(v).trim() || undefined);

/** The first value among flag, environment variable(s), config file: the precedence rule. */
function first(flag: string | undefined, env: Env, envNames: readonly string[], fromFile: string | number | undefined): string | undefined {
  return str(flag) ?? firstEnv(env, ...envNames) ?? str(fromFile);
}

/** Flags > environment > config file > defaults, validated; every problem is listed at once. */
export function resolveCollectConfig(flags: CollectFlags, env: Env, file: CollectFile = {}, fileProblems: string[] = []): CollectConfig {
  const problems = [...fileProblems];
  const gitlabUrl = apiUrl(str(flags.gitlabUrl) ?? firstEnv(env, 'CI_API_V4_URL') ?? serverApi(env) ?? str(file.gitlabUrl), problems);
  const { token, tokenInfo } = pickToken(flags, env, file, problems);
  const project = projectRef(first(flags.project, env, ['CI_PROJECT_ID', 'CI_PROJECT_PATH'], file.project), problems);
  const ciProject = project !== undefined && [env.CI_PROJECT_ID, env.CI_PROJECT_PATH].includes(project);
  const projectPath = project?.includes('/') ? project : ciProject ? firstEnv(env, 'CI_PROJECT_PATH') : undefined;
  const pipelineId = positiveInt(
    first(flags.pipeline, env, ['CI_PIPELINE_ID'], file.pipeline),
    'pipeline (--pipeline / CI_PIPELINE_ID)',
    problems,
    true,
  );
  const defaultBranch = str(flags.defaultBranch) ?? (ciProject ? firstEnv(env, 'CI_DEFAULT_BRANCH') : undefined) ?? str(file.defaultBranch);
  const classify = classifyOptions(flags, env, file, problems);
  const timeoutS =
    timeoutSeconds(
      first(flags.timeout, env, [COLLECT_ENV.timeout], file.timeout),
      `timeout (--timeout / ${COLLECT_ENV.timeout})`,
      problems,
    ) ?? DEFAULT_COLLECT_TIMEOUT_S;
  const concurrency = intInRange(
    first(flags.concurrency, env, [COLLECT_ENV.concurrency], file.concurrency),
    `concurrency (--concurrency / ${COLLECT_ENV.concurrency})`,
    { min: 1, max: 32, fallback: DEFAULT_COLLECT_CONCURRENCY },
    problems,
  );
  const downstream = downstreamOptions(flags, env, file, problems);
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
    downstream,
  };
}

export function serverApi(env: Env): string | undefined {
  const server = firstEnv(env, 'CI_SERVER_URL');
  return server ? `${server.replace(/\/+$/, '')}/api/v4` : undefined;
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

export function classifyOptions(flags: CollectFlags, env: Env, file: CollectFile, problems: string[]): ClassifyOptions {
  const text = (flag: string | undefined, key: keyof typeof COLLECT_ENV, fromFile: string | string[] | undefined) =>
    flag?.trim() || firstEnv(env, COLLECT_ENV[key]) || fromFile;
  const field = (name: string, flag: string, key: keyof typeof COLLECT_ENV) => `${name} (--${flag} / ${COLLECT_ENV[key]})`;
  const steps = stepNames(
    nameList(text(flags.steps, 'steps', file.steps), DEFAULT_CLASSIFY.steps),
    field('steps', 'steps', 'steps'),
    problems,
  );
  const logs = logScope(
    (text(flags.logs, 'logs', file.logs) as string | undefined) ?? DEFAULT_CLASSIFY.logScope,
    field('logs', 'logs', 'logs'),
    problems,
  );
  const selfJobId = positiveInt(first(flags.jobId, env, ['CI_JOB_ID'], file.jobId), 'jobId (--job-id / CI_JOB_ID)', problems, false);
  const optimisticEnv = booleanText(firstEnv(env, COLLECT_ENV.optimistic), `optimistic (${COLLECT_ENV.optimistic})`, problems);
  return {
    e2eStage: (text(flags.e2eStage, 'e2eStage', file.e2eStage) as string | undefined) ?? DEFAULT_CLASSIFY.e2eStage,
    e2eExclude: nameList(text(flags.e2eExclude, 'e2eExclude', file.e2eExclude), DEFAULT_CLASSIFY.e2eExclude),
    buildStage: (text(flags.buildStage, 'buildStage', file.buildStage) as string | undefined) ?? DEFAULT_CLASSIFY.buildStage,
    buildJobs: nameList(text(flags.buildJobs, 'buildJobs', file.buildJobs), DEFAULT_CLASSIFY.buildJobs),
    steps,
    optimistic: flags.optimistic ?? optimisticEnv ?? file.optimistic ?? DEFAULT_CLASSIFY.optimistic,
    logScope: logs,
    ...(selfJobId === undefined ? {} : { selfJobId }),
  };
}

/** commander sets `downstream: true` by default; only an explicit --no-downstream (false) wins over env and file. */
export function downstreamOptions(flags: CollectFlags, env: Env, file: CollectFile, problems: string[]): DownstreamConfig {
  const d = DEFAULT_DOWNSTREAM;
  const envEnabled = booleanText(
    firstEnv(env, COLLECT_ENV.downstream),
    `downstream (--no-downstream / ${COLLECT_ENV.downstream})`,
    problems,
  );
  const enabled = flags.downstream === false ? false : (envEnabled ?? file.downstream ?? d.enabled);
  const depthField = `downstreamDepth (--downstream-depth / ${COLLECT_ENV.downstreamDepth})`;
  const maxField = `downstreamMax (--downstream-max / ${COLLECT_ENV.downstreamMax})`;
  return {
    enabled,
    maxDepth: intInRange(
      first(flags.downstreamDepth, env, [COLLECT_ENV.downstreamDepth], file.downstreamDepth),
      depthField,
      { min: 1, max: 5, fallback: d.maxDepth },
      problems,
    ),
    maxPipelines: intInRange(
      first(flags.downstreamMax, env, [COLLECT_ENV.downstreamMax], file.downstreamMax),
      maxField,
      { min: 0, max: 200, fallback: d.maxPipelines },
      problems,
    ),
  };
}
