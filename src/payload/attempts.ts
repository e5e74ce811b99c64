import type { GitlabJob, PipelineSnapshot } from '../gitlab/types.js';
import type { Attempt, PipelineInfo, Runner } from './schema.js';
import { normaliseOptionalTimestamp, normaliseTimestamp, secondsBefore } from './timestamps.js';

/**
 * The payload's extensions, built from GitLab data with GitLab's precision (float seconds,
 * timestamps as GitLab wrote them, normalised only when TimestampSchema would reject them).
 * Keys GitLab did not send are left out rather than set to undefined.
 */

/** Log-derived timings of one attempt, seconds (ms precision). */
export interface AttemptTimings {
  steps?: Record<string, number>;
  sections?: Record<string, number>;
}

function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The pipeline itself, with the project's default branch when known. */
export function toPipelineInfo(snapshot: PipelineSnapshot): PipelineInfo {
  const p = snapshot.pipeline;
  const field = (name: string) => `pipeline.${name}`;
  return omitUndefined({
    id: p.id,
    iid: p.iid,
    project_id: p.project_id,
    status: p.status,
    source: p.source,
    ref: p.ref,
    sha: p.sha,
    tag: p.tag,
    default_branch: snapshot.defaultBranch,
    created_at: normaliseTimestamp(p.created_at, field('created_at')),
    updated_at: normaliseOptionalTimestamp(p.updated_at, field('updated_at')),
    started_at: normaliseOptionalTimestamp(p.started_at, field('started_at')),
    finished_at: normaliseOptionalTimestamp(p.finished_at, field('finished_at')),
    duration: p.duration,
    queued_duration: p.queued_duration,
    web_url: p.web_url,
  });
}

/**
 * The runner that ran the attempt, with the job's `tag_list` as `tags` (the tags it asked a
 * runner for). No runner and no tags → null; tags without a runner → `{ id: null, tags }`.
 */
export function toRunner(job: GitlabJob): Runner | null {
  const tags = job.tag_list ?? [];
  const r = job.runner;
  if (!r) return tags.length ? { id: null, tags } : null;
  return omitUndefined({
    id: r.id > 0 ? r.id : null,
    description: r.description,
    runner_type: r.runner_type,
    tags,
  });
}

/** One job attempt. `queued_at` = started_at − queued_duration when both are known (UTC). */
export function toAttempt(job: GitlabJob, timings: AttemptTimings): Attempt {
  const field = (name: string) => `jobs[id=${job.id}].${name}`;
  const startedAt = normaliseOptionalTimestamp(job.started_at, field('started_at'));
  const queuedDuration = job.queued_duration;
  const queuedAt =
    startedAt && queuedDuration !== null && queuedDuration !== undefined
      ? secondsBefore(startedAt, queuedDuration)
      : undefined;
  return omitUndefined({
    id: job.id,
    name: job.name,
    stage: job.stage,
    status: job.status,
    allow_failure: job.allow_failure === true,
    failure_reason: job.failure_reason,
    created_at: normaliseTimestamp(job.created_at, field('created_at')),
    queued_at: queuedAt,
    started_at: startedAt,
    finished_at: normaliseOptionalTimestamp(job.finished_at, field('finished_at')),
    duration: job.duration,
    queued_duration: queuedDuration,
    retried: job.retried === true,
    runner: toRunner(job),
    steps: timings.steps,
    sections: timings.sections,
    web_url: job.web_url,
  });
}
