import { z } from 'zod';
import { ISSUE_LIMIT } from '../validate.js';
import { IdSchema, MAX_JOB_SECONDS, MAX_PIPELINE_SECONDS, secondsUpTo, textProblem, textSchema, TimestampSchema } from './schema-values.js';
import { findTextProblems } from './text-problems.js';

export { TimestampSchema } from './schema-values.js';

/**
 * The wire contract of `POST /save_metrics`.
 *
 * The seed fields (pipeline_id … has_restarts) are exactly what the original Python client sent
 * and what the original Flask service accepts; the seed's example body parses unchanged.
 * Everything else travels in optional fields (`pipeline`, `attempts`, `collector`), so an old
 * server still accepts our payload and our server accepts an old client's.
 *
 * Units: seed durations are whole seconds (truncated); extension durations keep GitLab's
 * precision (float seconds). Timestamps are RFC 3339, `Z` or an offset, fractional seconds optional.
 * Every number and timestamp is bounded (src/payload/schema-values.ts): job-level durations to
 * 30 days, pipeline-level ones to 366 days, ids to JS safe integers, timestamps to 2000–2299.
 */
const seconds = secondsUpTo(MAX_JOB_SECONDS);
const pipelineSeconds = secondsUpTo(MAX_PIPELINE_SECONDS);
const name = textSchema(255, 1);

export const ATTEMPT_KINDS = ['build', 'bridge'] as const;
/** `missing`: GitLab answered 404; `empty`: no bytes; `erased`: the job has `erased_at` */
export const LOG_STATES = ['missing', 'empty', 'erased'] as const;
export type LogState = (typeof LOG_STATES)[number];

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** The pipeline's JUnit totals (GitLab's test report summary); `time` in seconds. */
export const TestReportSchema = z.object({
  time: pipelineSeconds,
  count,
  success: count,
  failed: count,
  skipped: count,
  error: count,
});
export type TestReport = z.infer<typeof TestReportSchema>;
const id = IdSchema;

/** At most this many keys in a timings record (steps, sections): GitLab jobs have tens. */
export const MAX_TIMING_KEYS = 10_000;

/**
 * Step timings of a job, e.g. `{ up: 7, e2e: 5 }`; keys are step names, values seconds. The key
 * count is checked before any value (zod checks every entry of a record, even when stopping early).
 */
export const StepTimingsSchema = z
  .custom<object>((value) => typeof value !== 'object' || value === null || Object.keys(value).length <= MAX_TIMING_KEYS, {
    message: `must have at most ${MAX_TIMING_KEYS} keys`,
    abort: true,
  })
  .pipe(z.record(name, seconds));
export type StepTimings = z.infer<typeof StepTimingsSchema>;

/** A seed `jobs[]` entry: one e2e job (its latest attempt) with its step timings as extra keys. */
export const SeedJobSchema = z
  .object({
    name,
    started_at: TimestampSchema,
    finished_at: TimestampSchema,
    duration: seconds,
  })
  .catchall(seconds);
export type SeedJob = z.infer<typeof SeedJobSchema>;

/** A seed `jobs_failed[]` entry. The original client sent `{ name, duration }`; a bare name is accepted too. */
export const FailedJobSchema = z.union([z.object({ name, duration: seconds.nullable().optional() }), name]);
export type FailedJob = z.infer<typeof FailedJobSchema>;

/** GitLab's runner manager (one `gitlab-runner` process) that ran the attempt. */
export const RunnerManagerSchema = z.object({
  system_id: textSchema(64).nullable().optional(),
  version: textSchema(64).nullable().optional(),
  revision: textSchema(64).nullable().optional(),
  platform: textSchema(64).nullable().optional(),
  architecture: textSchema(64).nullable().optional(),
});
export type RunnerManager = z.infer<typeof RunnerManagerSchema>;

export const RunnerSchema = z.object({
  id: id.nullable().optional(),
  description: textSchema(1024).nullable().optional(),
  runner_type: textSchema(64).nullable().optional(),
  tags: z.array(textSchema(255)).max(256).optional(),
  manager: RunnerManagerSchema.nullable().optional(),
});
export type Runner = z.infer<typeof RunnerSchema>;

/** Every attempt of every job in the pipeline (extension). Durations in float seconds. */
export const AttemptSchema = z.object({
  id,
  name,
  stage: textSchema(255),
  status: textSchema(64, 1),
  allow_failure: z.boolean().default(false),
  failure_reason: textSchema(255).nullable().optional(),
  created_at: TimestampSchema,
  /** when the job entered the queue: GitLab's started_at minus queued_duration */
  queued_at: TimestampSchema.nullable().optional(),
  started_at: TimestampSchema.nullable().optional(),
  finished_at: TimestampSchema.nullable().optional(),
  duration: seconds.nullable().optional(),
  queued_duration: seconds.nullable().optional(),
  /** true when a later attempt of the same job replaced this one */
  retried: z.boolean().default(false),
  runner: RunnerSchema.nullable().optional(),
  /** bash `time` step timings matched to step names, seconds */
  steps: StepTimingsSchema.optional(),
  /** GitLab log sections (`section_start`/`section_end`), seconds */
  sections: StepTimingsSchema.optional(),
  web_url: textSchema(2048).optional(),
  /** true when the attempt is on the pipeline's critical path (absent: path not computed) */
  on_critical_path: z.boolean().optional(),
  /**
   * Its contribution to the critical path, seconds (only on the path): waiting before it was
   * queued (for a need, a stage, a retry), queueing for a runner, running.
   */
  critical_path_wait: seconds.optional(),
  critical_path_queue: seconds.optional(),
  critical_path_run: seconds.optional(),
  /** absent or `build`: a CI job; `bridge`: a trigger job (then `downstream_*` may be set) */
  kind: z.enum(ATTEMPT_KINDS).optional(),
  /** 1 for the first attempt of the job name in the pipeline, 2 for its first retry, … */
  attempt: z.number().int().positive().max(1000).optional(),
  /** succeeded after an earlier attempt of the same job name in the pipeline failed */
  flaky: z.boolean().optional(),
  /** why the attempt has no log timings although its log was wanted */
  log: z.enum(LOG_STATES).optional(),
  /** when GitLab erased the job's log and artifacts */
  erased_at: TimestampSchema.nullable().optional(),
  /** the job's coverage percentage (GitLab's `coverage` regex result) */
  coverage: z.number().finite().min(0).max(100).nullable().optional(),
  /** bridges: the pipeline the trigger job started, and its project */
  downstream_pipeline_id: id.nullable().optional(),
  downstream_project_id: id.nullable().optional(),
});
export type Attempt = z.infer<typeof AttemptSchema>;

/** The pipeline's critical path (extension): `job_ids` in time order, `duration` seconds. */
export const CriticalPathSchema = z.object({
  duration: seconds,
  job_ids: z.array(id).max(10_000),
});
export type CriticalPathInfo = z.infer<typeof CriticalPathSchema>;

/** The pipeline itself (extension). */
export const PipelineInfoSchema = z.object({
  id,
  iid: id.optional(),
  project_id: id.optional(),
  status: textSchema(64, 1),
  source: textSchema(64).nullable().optional(),
  ref: textSchema(1024),
  sha: textSchema(64).optional(),
  tag: z.boolean().optional(),
  default_branch: textSchema(1024).nullable().optional(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema.nullable().optional(),
  started_at: TimestampSchema.nullable().optional(),
  finished_at: TimestampSchema.nullable().optional(),
  duration: pipelineSeconds.nullable().optional(),
  queued_duration: pipelineSeconds.nullable().optional(),
  web_url: textSchema(2048).optional(),
  /** the pipeline's `workflow:name` */
  name: textSchema(255).nullable().optional(),
  /** the CI configuration's errors (cut to 10 000 characters) */
  yaml_errors: textSchema(10_000).nullable().optional(),
  /** coverage percentage of the pipeline */
  coverage: z.number().finite().min(0).max(100).nullable().optional(),
  test_report: TestReportSchema.nullable().optional(),
  /** downstream pipelines: the pipeline and trigger job that started it, and the hierarchy's root */
  parent_pipeline_id: id.nullable().optional(),
  parent_bridge_id: id.nullable().optional(),
  root_pipeline_id: id.nullable().optional(),
  /** root pipelines: seconds from the first start to the last finish of every pipeline collected with it */
  hierarchy_duration: pipelineSeconds.nullable().optional(),
});
export type PipelineInfo = z.infer<typeof PipelineInfoSchema>;

export const PayloadSchema = z.object({
  pipeline_id: id,
  project: textSchema(1024, 1),
  project_id: id.optional(),
  created_at: TimestampSchema,
  ref: textSchema(1024),
  duration: pipelineSeconds,
  duration_e2e: pipelineSeconds,
  jobs: z.array(SeedJobSchema).max(10_000),
  /** single-key objects `{ "<build job name>": seconds }` */
  builds: z
    .array(StepTimingsSchema.refine((o) => Object.keys(o).length === 1, 'must have exactly one key: { "<job name>": seconds }'))
    .max(10_000),
  build: pipelineSeconds,
  jobs_failed: z.array(FailedJobSchema).max(10_000),
  has_restarts: z.boolean(),
  // ---- extensions (optional; ignored by the original server) ----
  pipeline: PipelineInfoSchema.optional(),
  attempts: z.array(AttemptSchema).max(50_000).optional(),
  critical_path: CriticalPathSchema.optional(),
  collector: z.object({ name: textSchema(64), version: textSchema(64) }).optional(),
});
export type Payload = z.infer<typeof PayloadSchema>;
/** What a payload looks like before defaults are applied (what a client may send). */
export type PayloadInput = z.input<typeof PayloadSchema>;

/**
 * PayloadSchema plus the one text rule (textProblem) for every string, value or key: no NUL
 * (Postgres `text` cannot hold it), no lone surrogate (stored as U+FFFD by the drivers). `serve`
 * and `push` validate with this, so such a payload is rejected at the boundary (400 / exit 3)
 * naming the field, in every field alike. At most ISSUE_LIMIT paths are reported.
 */
export const StorablePayloadSchema = PayloadSchema.superRefine((payload, ctx) => {
  for (const { path, problem } of findTextProblems(payload, textProblem, ISSUE_LIMIT)) {
    ctx.addIssue({ code: 'custom', path, message: problem });
  }
});
