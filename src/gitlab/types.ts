import { z } from 'zod';
import type { LogTimings } from '../payload/log-timings.js';

/**
 * The parts of GitLab API v4 responses we rely on, validated at the boundary.
 * Unknown fields are ignored. Durations are GitLab's float seconds; times are ISO strings
 * with milliseconds and a zone, exactly as GitLab returns them.
 */
const time = z.string().min(1);
const nullableTime = time.nullable().optional();
const seconds = z.number().finite().nonnegative().nullable().optional();

export const GitlabPipelineSchema = z.object({
  id: z.number().int().positive(),
  iid: z.number().int().positive().optional(),
  project_id: z.number().int().positive(),
  status: z.string(),
  source: z.string().nullable().optional(),
  ref: z.string(),
  sha: z.string().optional(),
  tag: z.boolean().optional(),
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

export const GitlabJobSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  stage: z.string(),
  status: z.string(),
  allow_failure: z.boolean().optional(),
  failure_reason: z.string().nullable().optional(),
  created_at: time,
  started_at: nullableTime,
  finished_at: nullableTime,
  erased_at: nullableTime,
  duration: seconds,
  queued_duration: seconds,
  /** present with include_retried=true: whether a later attempt replaced this one */
  retried: z.boolean().optional(),
  tag_list: z.array(z.string()).optional(),
  runner: GitlabRunnerSchema.nullable().optional(),
  web_url: z.string().optional(),
  pipeline: z.object({ id: z.number().int() }).partial().optional(),
});
export type GitlabJob = z.infer<typeof GitlabJobSchema>;

export const GitlabProjectSchema = z.object({
  id: z.number().int().positive(),
  path_with_namespace: z.string(),
  default_branch: z.string().nullable().optional(),
});
export type GitlabProject = z.infer<typeof GitlabProjectSchema>;

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
  /** timings read from job logs (streamed, see GitlabClient.getJobLogs), by job id, only for the jobs whose timings were wanted */
  logs: Map<number, LogTimings>;
}
