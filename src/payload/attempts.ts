import type { GitlabBridge, GitlabJob, GitlabRunnerManager, MissingLogKind, PipelineSnapshot } from '../gitlab/types.js';
import { cut, cutKeys, cutOptional, MAX } from './cut.js';
import type { AttemptStanding } from './job-selection.js';
import type { Attempt, PipelineInfo, Runner, RunnerManager } from './schema.js';
import { normaliseOptionalTimestamp, normaliseTimestamp, queuedAtOf } from './timestamps.js';

/**
 * The payload's extensions, built from GitLab data with GitLab's precision (float seconds,
 * timestamps as GitLab wrote them, normalised only when TimestampSchema would reject them).
 * Keys GitLab did not send are left out rather than set to undefined. Text longer than the
 * schema allows is cut (cut.ts).
 */

/** Log-derived timings of one attempt, seconds (ms precision), or why its log gave none. */
export interface AttemptTimings {
  steps?: Record<string, number>;
  sections?: Record<string, number>;
  log?: MissingLogKind;
}

function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** GitLab's coverage (float on jobs, `"87.50"` on pipelines) as a number; null when absent or not a percentage. */
function percentage(value: number | string | null | undefined): number | null | undefined {
  if (value === undefined || value === null) return value;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : null;
}

/** The pipeline itself, with the project's default branch and, downstream, its parent. */
export function toPipelineInfo(snapshot: PipelineSnapshot): PipelineInfo {
  const p = snapshot.pipeline;
  const field = (name: string) => `pipeline.${name}`;
  const total = snapshot.testReport?.total;
  return omitUndefined({
    id: p.id,
    iid: p.iid,
    project_id: p.project_id,
    status: cut(p.status, MAX.status),
    source: cutOptional(p.source, MAX.status),
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
    web_url: cutOptional(p.web_url, MAX.url),
    name: cutOptional(p.name, MAX.name),
    yaml_errors: cutOptional(p.yaml_errors, MAX.yamlErrors),
    coverage: percentage(p.coverage),
    test_report: total ? { ...total } : snapshot.testReport === null ? null : undefined,
    parent_pipeline_id: snapshot.parent?.pipelineId,
    parent_bridge_id: snapshot.parent?.bridgeId,
    root_pipeline_id: snapshot.parent?.rootPipelineId,
    hierarchy_duration: snapshot.hierarchyDuration,
  });
}

function toManager(m: GitlabRunnerManager | null | undefined): RunnerManager | undefined {
  if (!m) return undefined;
  const text = (v: string | null | undefined) => cutOptional(v, MAX.manager);
  return omitUndefined({
    system_id: text(m.system_id),
    version: text(m.version),
    revision: text(m.revision),
    platform: text(m.platform),
    architecture: text(m.architecture),
  });
}

/**
 * The runner that ran the attempt, with the job's `tag_list` as `tags` (the tags it asked a
 * runner for) and its runner manager. No runner and no tags → null; tags without a runner →
 * `{ id: null, tags }`.
 */
export function toRunner(job: GitlabJob): Runner | null {
  const tags = (job.tag_list ?? []).slice(0, 256).map((tag) => cut(tag, MAX.name));
  const r = job.runner;
  if (!r) return tags.length ? { id: null, tags } : null;
  return omitUndefined({
    id: r.id > 0 ? r.id : null,
    description: cutOptional(r.description, MAX.description),
    runner_type: cutOptional(r.runner_type, MAX.runnerType),
    tags,
    manager: toManager(job.runner_manager),
  });
}

/**
 * One job attempt (a build, or a bridge when it has `downstream_pipeline`). `queued_at` =
 * started_at − queued_duration when both are known (UTC). A job that never started has null
 * durations: GitLab's `queued_duration` for it is the time since queueing at read time.
 */
export function toAttempt(job: GitlabJob | GitlabBridge, standing: AttemptStanding, timings: AttemptTimings): Attempt {
  const field = (name: string) => `jobs[id=${job.id}].${name}`;
  const startedAt = normaliseOptionalTimestamp(job.started_at, field('started_at'));
  const queuedDuration = startedAt ? job.queued_duration : startedAt === undefined ? undefined : null;
  const queuedAt = queuedAtOf({ started_at: startedAt, queued_duration: queuedDuration });
  const bridge = 'downstream_pipeline' in job;
  return omitUndefined({
    id: job.id,
    name: cut(job.name, MAX.name),
    stage: cut(job.stage, MAX.name),
    status: cut(job.status, MAX.status),
    allow_failure: job.allow_failure === true,
    failure_reason: cutOptional(job.failure_reason, MAX.name),
    created_at: normaliseTimestamp(job.created_at, field('created_at')),
    queued_at: queuedAt,
    started_at: startedAt,
    finished_at: normaliseOptionalTimestamp(job.finished_at, field('finished_at')),
    duration: startedAt ? job.duration : job.duration === undefined ? undefined : null,
    queued_duration: queuedDuration,
    retried: standing.retried,
    runner: bridge ? undefined : toRunner(job as GitlabJob),
    steps: timings.steps,
    sections: timings.sections ? cutKeys(timings.sections, MAX.name) : undefined,
    web_url: cutOptional(job.web_url, MAX.url),
    kind: bridge ? ('bridge' as const) : undefined,
    attempt: Math.min(standing.attempt, 1000),
    flaky: standing.flaky || undefined,
    log: timings.log,
    erased_at: job.erased_at ? normaliseTimestamp(job.erased_at, field('erased_at')) : undefined,
    coverage: percentage(job.coverage) ?? undefined,
    downstream_pipeline_id: bridge ? ((job as GitlabBridge).downstream_pipeline?.id ?? null) : undefined,
    downstream_project_id: bridge ? ((job as GitlabBridge).downstream_pipeline?.project_id ?? null) : undefined,
  });
}
