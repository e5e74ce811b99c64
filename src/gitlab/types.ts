import { z } from 'zod';
import type { LogTimings } from '../payload/log-timings.js';

/**
 * The parts of GitLab API v4 responses we rely on, validated at the boundary (GitLab's
 * `lib/api/entities/ci/{pipeline,job_basic,job,bridge}.rb`). Unknown fields are ignored.
 * Durations are GitLab's float seconds; times are ISO strings with milliseconds and a zone,
 * exactly as GitLab returns them. gitbeaker's `JobSchema` / `BridgeSchema` declare some of these
 * fields non-null where GitLab sends null (e.g. `runner`, `coverage`), so we validate our own.
 */
const time = z.string().min(1);
const nullableTime = time.nullable().optional();
const seconds = z.number().finite().nonnegative().nullable().optional();
/** GitLab serialises coverage as a float on jobs and as a string (`"87.50"`) on pipelines */
const coverage = z.union([z.number().finite(), z.string()]).nullable().optional();

export const GitlabPipelineSchema = z.object({
  id: z.number().int().positive(),
  iid: z.number().int().positive().optional(),
  project_id: z.number().int().positive(),
  status: z.string(),
  source: z.string().nullable().optional(),
  ref: z.string(),
  sha: z.string().optional(),
  tag: z.boolean().optional(),
  /** the pipeline's `workflow:name`, null when not set */
  name: z.string().nullable().optional(),
  /** the CI config's error text, null when the config was valid */
  yaml_errors: z.string().nullable().optional(),
  coverage,
  created_at: time,
  updated_at: nullableTime,
  started_at: nullableTime,
  finished_at: nullableTime,
  duration: seconds,
  queued_duration: seconds,
  web_url: z.string().optional(),
});
export type GitlabPipeline = z.infer<typeof GitlabPipelineSchema>;

export const GitlabRunnerSchema = z.object({
  id: z.number().int(),
  description: z.string().nullable().optional(),
  runner_type: z.string().nullable().optional(),
  is_shared: z.boolean().optional(),
  name: z.string().nullable().optional(),
});

/** The runner process (`gitlab-runner` on one machine) that ran the job; GitLab ≥ 16.x. */
export const GitlabRunnerManagerSchema = z.object({
  id: z.number().int().optional(),
  system_id: z.string().nullable().optional(),
  version: z.string().nullable().optional(),
  revision: z.string().nullable().optional(),
  platform: z.string().nullable().optional(),
  architecture: z.string().nullable().optional(),
});
export type GitlabRunnerManager = z.infer<typeof GitlabRunnerManagerSchema>;

/** Fields GitLab's JobBasic entity gives builds and bridges alike. */
const jobBasic = {
  id: z.number().int().positive(),
  name: z.string(),
  stage: z.string(),
  status: z.string(),
  allow_failure: z.boolean().optional(),
  /** only sent when the job failed */
  failure_reason: z.string().nullable().optional(),
  coverage,
  created_at: time,
  started_at: nullableTime,
  finished_at: nullableTime,
  /** set when the job's log and artifacts were erased */
  erased_at: nullableTime,
  duration: seconds,
  /** for a job never started: time since queued, measured when the API was read */
  queued_duration: seconds,
  web_url: z.string().optional(),
  pipeline: z.object({ id: z.number().int() }).partial().optional(),
};

/** `GET /pipelines/:id/jobs` rows. There is no `retried` field: see job-selection.ts. */
export const GitlabJobSchema = z.object({
  ...jobBasic,
  tag_list: z.array(z.string()).optional(),
  runner: GitlabRunnerSchema.nullable().optional(),
  runner_manager: GitlabRunnerManagerSchema.nullable().optional(),
});
export type GitlabJob = z.infer<typeof GitlabJobSchema>;

export const GitlabDownstreamPipelineSchema = z.object({
  id: z.number().int().positive(),
  project_id: z.number().int().positive(),
  status: z.string().optional(),
  source: z.string().nullable().optional(),
  web_url: z.string().optional(),
});

/** `GET /pipelines/:id/bridges` rows: trigger jobs and the pipeline each started (or null). */
export const GitlabBridgeSchema = z.object({
  ...jobBasic,
  downstream_pipeline: GitlabDownstreamPipelineSchema.nullable().optional(),
});
export type GitlabBridge = z.infer<typeof GitlabBridgeSchema>;

const count = z.number().int().nonnegative();
/** `GET /pipelines/:id/test_report_summary`: zeros when the pipeline has no JUnit reports. */
export const GitlabTestReportSummarySchema = z.object({
  total: z.object({
    /** seconds */
    time: z.number().finite().nonnegative(),
    count,
    success: count,
    failed: count,
    skipped: count,
    error: count,
  }),
});
export type GitlabTestReportSummary = z.infer<typeof GitlabTestReportSummarySchema>;

export const GitlabProjectSchema = z.object({
  id: z.number().int().positive(),
  path_with_namespace: z.string(),
  default_branch: z.string().nullable().optional(),
});
export type GitlabProject = z.infer<typeof GitlabProjectSchema>;

/** A job log as read: its text, or why there is none (see job-log.ts). */
/** `ok`: the log's timings, read from its bytes as they arrived (createLogTimingsParser); the log text is never kept. */
export type JobLogResult = { kind: 'ok'; timings: LogTimings } | { kind: 'missing' | 'empty' | 'erased' };
export type MissingLogKind = Exclude<JobLogResult['kind'], 'ok'>;

/** Everything `collect` gathered from GitLab for one pipeline: the input of `buildPayload`. */
export interface PipelineSnapshot {
  /** `group/project` */
  projectPath: string;
  projectId: number;
  /** the project's default branch when known (CI_DEFAULT_BRANCH, flag, or the project API) */
  defaultBranch: string | null;
  pipeline: GitlabPipeline;
  /** every attempt of every job, retried ones included, in no particular order */
  jobs: GitlabJob[];
  /** trigger jobs (every attempt); empty when not read */
  bridges?: GitlabBridge[];
  /** null when GitLab had none to give (or refused it) */
  testReport?: GitlabTestReportSummary | null;
  /** job logs by job id, only for the jobs whose timings were wanted */
  logs: Map<number, string | JobLogResult>;
  /** set for a downstream pipeline: the pipeline and trigger job that started it */
  parent?: { pipelineId: number; bridgeId: number; rootPipelineId: number };
  /** set on the root of a collected hierarchy: seconds from its first start to its last finish */
  hierarchyDuration?: number | null;
}
