import { z } from 'zod';

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
 */
export const TimestampSchema = z.iso.datetime({ offset: true, local: false });

const seconds = z.number().finite().nonnegative();

export const ATTEMPT_KINDS = ['build', 'bridge'] as const;
/** `missing`: GitLab answered 404; `empty`: no bytes; `erased`: the job has `erased_at` */
export const LOG_STATES = ['missing', 'empty', 'erased'] as const;
export type LogState = (typeof LOG_STATES)[number];

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** The pipeline's JUnit totals (GitLab's test report summary); `time` in seconds. */
export const TestReportSchema = z.object({
  time: seconds,
  count,
  success: count,
  failed: count,
  skipped: count,
  error: count,
});
export type TestReport = z.infer<typeof TestReportSchema>;
const id = z.number().int().positive();

/** Step timings of a job, e.g. `{ up: 7, e2e: 5 }`; keys are step names, values seconds. */
export const StepTimingsSchema = z.record(z.string().min(1).max(255), seconds);
export type StepTimings = z.infer<typeof StepTimingsSchema>;

/** A seed `jobs[]` entry: one e2e job (its latest attempt) with its step timings as extra keys. */
export const SeedJobSchema = z
  .object({
    name: z.string().min(1).max(255),
    started_at: TimestampSchema,
    finished_at: TimestampSchema,
    duration: seconds,
  })
  .catchall(seconds);
export type SeedJob = z.infer<typeof SeedJobSchema>;

/** A seed `jobs_failed[]` entry. The original client sent `{ name, duration }`; a bare name is accepted too. */
export const FailedJobSchema = z.union([
  z.object({ name: z.string().min(1).max(255), duration: seconds.nullable().optional() }),
  z.string().min(1).max(255),
]);
export type FailedJob = z.infer<typeof FailedJobSchema>;

/** GitLab's runner manager (one `gitlab-runner` process) that ran the attempt. */
export const RunnerManagerSchema = z.object({
  system_id: z.string().max(64).nullable().optional(),
  version: z.string().max(64).nullable().optional(),
  revision: z.string().max(64).nullable().optional(),
  platform: z.string().max(64).nullable().optional(),
  architecture: z.string().max(64).nullable().optional(),
});
export type RunnerManager = z.infer<typeof RunnerManagerSchema>;

export const RunnerSchema = z.object({
  id: id.nullable().optional(),
  description: z.string().max(1024).nullable().optional(),
  runner_type: z.string().max(64).nullable().optional(),
  tags: z.array(z.string().max(255)).max(256).optional(),
  manager: RunnerManagerSchema.nullable().optional(),
});
export type Runner = z.infer<typeof RunnerSchema>;

/** Every attempt of every job in the pipeline (extension). Durations in float seconds. */
export const AttemptSchema = z.object({
  id,
  name: z.string().min(1).max(255),
  stage: z.string().max(255),
  status: z.string().min(1).max(64),
  allow_failure: z.boolean().default(false),
  failure_reason: z.string().max(255).nullable().optional(),
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
  web_url: z.string().max(2048).optional(),
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
  status: z.string().min(1).max(64),
  source: z.string().max(64).nullable().optional(),
  ref: z.string().max(1024),
  sha: z.string().max(64).optional(),
  tag: z.boolean().optional(),
  default_branch: z.string().max(1024).nullable().optional(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema.nullable().optional(),
  started_at: TimestampSchema.nullable().optional(),
  finished_at: TimestampSchema.nullable().optional(),
  duration: seconds.nullable().optional(),
  queued_duration: seconds.nullable().optional(),
  web_url: z.string().max(2048).optional(),
  /** the pipeline's `workflow:name` */
  name: z.string().max(255).nullable().optional(),
  /** the CI configuration's errors (cut to 10 000 characters) */
  yaml_errors: z.string().max(10_000).nullable().optional(),
  /** coverage percentage of the pipeline */
  coverage: z.number().finite().min(0).max(100).nullable().optional(),
  test_report: TestReportSchema.nullable().optional(),
  /** downstream pipelines: the pipeline and trigger job that started it, and the hierarchy's root */
  parent_pipeline_id: id.nullable().optional(),
  parent_bridge_id: id.nullable().optional(),
  root_pipeline_id: id.nullable().optional(),
  /** root pipelines: seconds from the first start to the last finish of every pipeline collected with it */
  hierarchy_duration: seconds.nullable().optional(),
});
export type PipelineInfo = z.infer<typeof PipelineInfoSchema>;

export const PayloadSchema = z.object({
  pipeline_id: id,
  project: z.string().min(1).max(1024),
  project_id: id.optional(),
  created_at: TimestampSchema,
  ref: z.string().max(1024),
  duration: seconds,
  duration_e2e: seconds,
  jobs: z.array(SeedJobSchema).max(10_000),
  /** single-key objects `{ "<build job name>": seconds }` */
  builds: z
    .array(StepTimingsSchema.refine((o) => Object.keys(o).length === 1, 'must have exactly one key: { "<job name>": seconds }'))
    .max(10_000),
  build: seconds,
  jobs_failed: z.array(FailedJobSchema).max(10_000),
  has_restarts: z.boolean(),
  // ---- extensions (optional; ignored by the original server) ----
  pipeline: PipelineInfoSchema.optional(),
  attempts: z.array(AttemptSchema).max(50_000).optional(),
  critical_path: CriticalPathSchema.optional(),
  collector: z.object({ name: z.string().max(64), version: z.string().max(64) }).optional(),
});
export type Payload = z.infer<typeof PayloadSchema>;
/** What a payload looks like before defaults are applied (what a client may send). */
export type PayloadInput = z.input<typeof PayloadSchema>;

/**
 * PayloadSchema plus one storage rule: no string (value or key) may contain U+0000, which
 * Postgres `text` cannot hold. `serve` and `push` validate with this, so such a payload is
 * rejected at the boundary (400 / exit 3) instead of failing inside the database.
 */
export const StorablePayloadSchema = PayloadSchema.superRefine((payload, ctx) => {
  for (const path of findNulPaths(payload, [])) {
    ctx.addIssue({ code: 'custom', path, message: 'must not contain the NUL character (\\u0000)' });
  }
});

function findNulPaths(value: unknown, path: (string | number)[]): (string | number)[][] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => findNulPaths(item, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key.includes('\u0000') ? [[...path, key]] : findNulPaths(item, [...path, key]),
  );
}
