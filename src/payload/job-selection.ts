import type { GitlabJob } from '../gitlab/types.js';
import type { ClassifyOptions } from './options.js';

/**
 * Which job attempts count for which payload figure. Stage and job names match exactly
 * (case-sensitive). See build.ts for the semantics these serve.
 */

/** Statuses of attempts that have not finished (they never count, even with a finished_at). */
export const UNFINISHED_STATUSES: ReadonlySet<string> = new Set([
  'created',
  'pending',
  'running',
  'preparing',
  'waiting_for_resource',
  'waiting_for_callback',
  'manual',
  'scheduled',
  'canceling',
]);

/** An attempt with a `finished_at` and a terminal status (success, failed, canceled, skipped). */
export function isFinished(job: GitlabJob): boolean {
  return Boolean(job.finished_at) && !UNFINISHED_STATUSES.has(job.status);
}

/** A finished attempt that also has a start and a duration: one that can be timed. */
export function isTimed(job: GitlabJob): job is GitlabJob & { started_at: string; finished_at: string; duration: number } {
  return isFinished(job) && Boolean(job.started_at) && job.duration !== null && job.duration !== undefined;
}

/** Every attempt except the collector's own job (options.selfJobId). */
export function withoutSelf(jobs: readonly GitlabJob[], options: ClassifyOptions): GitlabJob[] {
  return jobs.filter((job) => job.id !== options.selfJobId);
}

/** In the e2e stage and not in e2eExclude. */
export function isE2eJob(job: GitlabJob, options: ClassifyOptions): boolean {
  return job.stage === options.e2eStage && !options.e2eExclude.includes(job.name);
}

/** In the build stage and named in buildJobs. */
export function isBuildJob(job: GitlabJob, options: ClassifyOptions): boolean {
  return job.stage === options.buildStage && options.buildJobs.includes(job.name);
}

/**
 * The latest attempt of each job name: the attempt GitLab did not mark `retried`; if several
 * are unmarked (should not happen) or all are marked, the highest id among them. Order: by id.
 */
export function latestAttempts(jobs: readonly GitlabJob[]): GitlabJob[] {
  const latest = new Map<string, GitlabJob>();
  for (const job of jobs) {
    const current = latest.get(job.name);
    if (!current || isLater(job, current)) latest.set(job.name, job);
  }
  return [...latest.values()].sort((a, b) => a.id - b.id);
}

function isLater(candidate: GitlabJob, current: GitlabJob): boolean {
  const candidateLive = candidate.retried !== true;
  const currentLive = current.retried !== true;
  if (candidateLive !== currentLive) return candidateLive;
  return candidate.id > current.id;
}

/** Latest attempts of counted e2e jobs that can be timed: the seed `jobs[]`, by id. */
export function timedE2eJobs(jobs: readonly GitlabJob[], options: ClassifyOptions) {
  return latestAttempts(withoutSelf(jobs, options)).filter((job) => isE2eJob(job, options)).filter(isTimed);
}

/** Latest attempts of the configured build jobs that can be timed, by id. */
export function timedBuildJobs(jobs: readonly GitlabJob[], options: ClassifyOptions) {
  return latestAttempts(withoutSelf(jobs, options)).filter((job) => isBuildJob(job, options)).filter(isTimed);
}
