import type { GitlabJob } from '../gitlab/types.js';
import type { ClassifyOptions } from './options.js';
import { isCompleted } from './statuses.js';

/**
 * Which job attempts count for which payload figure. Stage and job names match exactly
 * (case-sensitive). See build.ts for the semantics these serve.
 */

/**
 * An attempt with a `finished_at` and one of GitLab's completed statuses (see statuses.ts): a
 * pending, running, manual … attempt never counts, even with a finished_at, and neither does a
 * status this version does not know.
 */
export function isFinished(job: GitlabJob): boolean {
  return Boolean(job.finished_at) && isCompleted(job.status);
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
 * The latest attempt of each job name: the highest id. GitLab's REST API has no `retried` field;
 * with `include_retried=true` every attempt of a name except the highest id was retried.
 * Order: by id.
 */
export function latestAttempts<T extends { id: number; name: string }>(jobs: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const job of jobs) {
    const current = latest.get(job.name);
    if (!current || job.id > current.id) latest.set(job.name, job);
  }
  return [...latest.values()].sort((a, b) => a.id - b.id);
}

/** How each attempt stands among the attempts of its name (derived, see latestAttempts). */
export interface AttemptStanding {
  /** a later attempt of the same name exists */
  retried: boolean;
  /** 1 for the first attempt of a name, 2 for its first retry, … (by id) */
  attempt: number;
  /** this attempt succeeded after an earlier attempt of the same name failed */
  flaky: boolean;
}

/** Standing of every attempt, by id. Jobs of one pipeline; names compared exactly. */
export function attemptStandings(jobs: readonly { id: number; name: string; status: string }[]): Map<number, AttemptStanding> {
  const byName = new Map<string, { id: number; status: string }[]>();
  for (const job of jobs) byName.set(job.name, [...(byName.get(job.name) ?? []), job]);
  const standings = new Map<number, AttemptStanding>();
  for (const attempts of byName.values()) {
    attempts.sort((a, b) => a.id - b.id);
    let failedBefore = false;
    attempts.forEach((job, i) => {
      const flaky = failedBefore && job.status === 'success';
      standings.set(job.id, { retried: i < attempts.length - 1, attempt: i + 1, flaky });
      failedBefore ||= job.status === 'failed';
    });
  }
  return standings;
}

/**
 * `flaky` of each attempt of a payload, as both stores keep it: the payload's own flag, else
 * derived by attemptStandings (a payload of an older client, which sends none).
 */
export function flakyOf(attempts: readonly { id: number; name: string; status: string; flaky?: boolean }[]): (id: number) => boolean {
  const flags = new Map(attempts.map((a) => [a.id, a.flaky]));
  let derived: Map<number, AttemptStanding> | undefined;
  return (id) => flags.get(id) ?? (derived ??= attemptStandings(attempts)).get(id)?.flaky ?? false;
}

/** Latest attempts of counted e2e jobs that can be timed: the seed `jobs[]`, by id. */
export function timedE2eJobs(jobs: readonly GitlabJob[], options: ClassifyOptions) {
  return latestAttempts(withoutSelf(jobs, options))
    .filter((job) => isE2eJob(job, options))
    .filter(isTimed);
}

/** Latest attempts of the configured build jobs that can be timed, by id. */
export function timedBuildJobs(jobs: readonly GitlabJob[], options: ClassifyOptions) {
  return latestAttempts(withoutSelf(jobs, options))
    .filter((job) => isBuildJob(job, options))
    .filter(isTimed);
}
