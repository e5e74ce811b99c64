import { ValidationError } from '../../errors.js';
import type { Attempt, FailedJob, Payload, SeedJob } from '../../payload/schema.js';
import { flakyOf } from '../../payload/job-selection.js';

/** Seed job step keys that have their own metrics_job column; other keys go to `steps` (jsonb). */
const STEP_COLUMNS = { up: 'up', e2e: 'e2e', pull: 'pull', up_without_pull: 'up_without_pull' } as const;
const SEED_JOB_KEYS = new Set(['name', 'started_at', 'finished_at', 'duration']);

/** `is_master`: ref is the default branch — the payload's when given, else `master` (as the original). */
export function isDefaultBranch(payload: Payload): boolean {
  return payload.ref === (payload.pipeline?.default_branch ?? 'master');
}

/** Parameters of SAVE_PIPELINE_SQL, in order. Throws ValidationError when seed and extension disagree. */
export function saveParams(payload: Payload): unknown[] {
  checkConsistency(payload);
  const info = payload.pipeline;
  return [
    payload.pipeline_id,
    payload.project,
    payload.project_id ?? info?.project_id ?? null,
    payload.created_at,
    payload.duration,
    payload.duration_e2e,
    isDefaultBranch(payload),
    payload.has_restarts,
    payload.ref,
    payload.build,
    info?.iid ?? null,
    info?.source ?? null,
    info?.status ?? null,
    info?.sha ?? null,
    info?.tag ?? null,
    info?.default_branch ?? null,
    info?.updated_at ?? null,
    info?.started_at ?? null,
    info?.finished_at ?? null,
    info?.duration ?? null,
    info?.queued_duration ?? null,
    info?.web_url ?? null,
    payload.collector?.name ?? null,
    payload.collector?.version ?? null,
    JSON.stringify(payload.builds.flatMap((b) => Object.entries(b).map(([name, duration]) => ({ name, duration })))),
    JSON.stringify(payload.jobs.map(jobRow)),
    JSON.stringify(payload.jobs_failed.map(failedRow)),
    JSON.stringify(attemptRows(payload.attempts ?? [])),
    JSON.stringify(timingRows(payload.attempts ?? [], 'steps')),
    JSON.stringify(timingRows(payload.attempts ?? [], 'sections')),
    JSON.stringify(pipelineExtras(payload)),
    payload.critical_path?.duration ?? null,
    payload.critical_path?.job_ids ?? null,
  ];
}

/** metrics_pipeline columns of migration 0003 (hierarchy, test totals, name, yaml errors, coverage). */
function pipelineExtras(payload: Payload): Record<string, unknown> {
  const info = payload.pipeline;
  const tests = info?.test_report;
  return {
    name: info?.name ?? null,
    yaml_errors: info?.yaml_errors ?? null,
    coverage: info?.coverage ?? null,
    parent_pipeline_id: info?.parent_pipeline_id ?? null,
    parent_bridge_id: info?.parent_bridge_id ?? null,
    root_pipeline_id: info?.root_pipeline_id ?? null,
    hierarchy_duration: info?.hierarchy_duration ?? null,
    test_total_time: tests?.time ?? null,
    test_total_count: tests?.count ?? null,
    test_success_count: tests?.success ?? null,
    test_failed_count: tests?.failed ?? null,
    test_skipped_count: tests?.skipped ?? null,
    test_error_count: tests?.error ?? null,
  };
}

function jobRow(job: SeedJob): Record<string, unknown> {
  const row: Record<string, unknown> = {
    name: job.name,
    started_at: job.started_at,
    finished_at: job.finished_at,
    duration: job.duration,
  };
  const others: Record<string, number> = {};
  for (const [key, seconds] of Object.entries(job)) {
    if (SEED_JOB_KEYS.has(key)) continue;
    if (Object.hasOwn(STEP_COLUMNS, key)) row[STEP_COLUMNS[key as keyof typeof STEP_COLUMNS]] = seconds;
    else others[key] = seconds as number;
  }
  row.steps = Object.keys(others).length > 0 ? others : null;
  return row;
}

function failedRow(job: FailedJob): Record<string, unknown> {
  return typeof job === 'string' ? { name: job, duration: null } : { name: job.name, duration: job.duration ?? null };
}

function attemptRows(attempts: readonly Attempt[]): Record<string, unknown>[] {
  const flaky = flakyOf(attempts);
  return attempts.map((a) => attemptRow(a, flaky(a.id)));
}

/** `flaky`: see flakyOf */
function attemptRow(a: Attempt, flaky: boolean): Record<string, unknown> {
  return {
    job_id: a.id,
    name: a.name,
    stage: a.stage,
    status: a.status,
    allow_failure: a.allow_failure ?? false,
    failure_reason: a.failure_reason ?? null,
    created_at: a.created_at,
    queued_at: a.queued_at ?? null,
    started_at: a.started_at ?? null,
    finished_at: a.finished_at ?? null,
    duration: a.duration ?? null,
    queued_duration: a.queued_duration ?? null,
    retried: a.retried ?? false,
    runner_id: a.runner?.id ?? null,
    runner_description: a.runner?.description ?? null,
    runner_type: a.runner?.runner_type ?? null,
    runner_tags: a.runner?.tags ?? null,
    web_url: a.web_url ?? null,
    kind: a.kind ?? 'build',
    attempt: a.attempt ?? null,
    flaky,
    log_status: a.log ?? null,
    erased_at: a.erased_at ?? null,
    coverage: a.coverage ?? null,
    downstream_pipeline_id: a.downstream_pipeline_id ?? null,
    downstream_project_id: a.downstream_project_id ?? null,
    runner_manager_system_xid: a.runner?.manager?.system_id ?? null,
    runner_manager_version: a.runner?.manager?.version ?? null,
    runner_manager_revision: a.runner?.manager?.revision ?? null,
    runner_manager_platform: a.runner?.manager?.platform ?? null,
    runner_manager_architecture: a.runner?.manager?.architecture ?? null,
    on_critical_path: a.on_critical_path ?? null,
    critical_path_wait: a.critical_path_wait ?? null,
    critical_path_queue: a.critical_path_queue ?? null,
    critical_path_run: a.critical_path_run ?? null,
  };
}

function timingRows(attempts: readonly Attempt[], key: 'steps' | 'sections'): Record<string, unknown>[] {
  return attempts.flatMap((a) => Object.entries(a[key] ?? {}).map(([name, seconds]) => ({ job_id: a.id, name, seconds })));
}

/**
 * The extension repeats four seed fields; they are stored once, so they must agree
 * (timestamps compared as instants).
 */
function checkConsistency(payload: Payload): void {
  const info = payload.pipeline;
  if (!info) return;
  const issues: string[] = [];
  if (info.id !== payload.pipeline_id) issues.push(`pipeline.id: must equal pipeline_id (${payload.pipeline_id}), got ${info.id}`);
  if (info.ref !== payload.ref)
    issues.push(`pipeline.ref: must equal ref (${JSON.stringify(payload.ref)}), got ${JSON.stringify(info.ref)}`);
  if (info.project_id !== undefined && payload.project_id !== undefined && info.project_id !== payload.project_id) {
    issues.push(`pipeline.project_id: must equal project_id (${payload.project_id}), got ${info.project_id}`);
  }
  if (Date.parse(info.created_at) !== Date.parse(payload.created_at)) {
    issues.push(`pipeline.created_at: must be the same instant as created_at (${payload.created_at}), got ${info.created_at}`);
  }
  if (issues.length > 0) throw new ValidationError('payload', issues);
}
