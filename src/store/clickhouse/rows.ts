import type { Attempt, Payload, TestReport } from '../../payload/schema.js';
import { secondsToMs, toClickhouseDateTime } from './values.js';
import { queuedAtOf } from '../../payload/timestamps.js';
import { isCompleted } from '../../payload/statuses.js';

/**
 * Pure mapping of a Payload to the rows of ci_finished_builds, ci_finished_pipelines and
 * ci_finished_build_sections (JSONEachRow objects; times as UTC DateTime64 text).
 * Absent values are left out so the column DEFAULT (GitLab's: 0, '', epoch) applies.
 */

/** GitLab's Ci::Runner.runner_types, as stored in ci_finished_builds.runner_type (UInt8). */
export const RUNNER_TYPES: Readonly<Record<string, number>> = { instance_type: 1, group_type: 2, project_type: 3 };

export type Row = Record<string, string | number | boolean | number[]>;

export interface PayloadRows {
  pipeline: Row;
  builds: Row[];
  sections: Row[];
}

/**
 * One build row per finished build attempt in `payload.attempts` (retried ones included,
 * flagged). Trigger jobs (`kind: bridge`) are not builds and are not written: GitLab's
 * ci_finished_builds has none; the hierarchy lives on the pipeline rows.
 * A payload without `attempts` (from the original client) yields no build rows: its `jobs`
 * carry neither job ids, stages nor statuses, and inventing ids would collide with GitLab's.
 */
export function payloadRows(payload: Payload): PayloadRows {
  const context = buildContext(payload);
  const finished = (payload.attempts ?? []).filter(
    // ci_finished_builds holds completed builds; `skipped` too: GitLab's job analytics counts them
    (a) => a.kind !== 'bridge' && isCompleted(a.status),
  );
  const flaky = flakySuccessIds(payload.attempts ?? []);
  return {
    pipeline: pipelineRow(payload, context),
    builds: finished.map((attempt) => buildRow(attempt, attempt.flaky ?? flaky.has(attempt.id), context)),
    sections: finished.flatMap((attempt) => sectionRows(attempt, context)),
  };
}

interface BuildContext {
  pipeline_id: number;
  project_id: number;
  ref: string;
  commit_sha: string;
}

function buildContext(payload: Payload): BuildContext {
  return {
    pipeline_id: payload.pipeline?.id ?? payload.pipeline_id,
    project_id: payload.project_id ?? payload.pipeline?.project_id ?? 0,
    ref: payload.pipeline?.ref ?? payload.ref,
    commit_sha: payload.pipeline?.sha ?? '',
  };
}

function pipelineRow(payload: Payload, context: BuildContext): Row {
  const info = payload.pipeline;
  const createdAt = info?.created_at ?? payload.created_at;
  return compact({
    id: context.pipeline_id,
    project_id: context.project_id,
    project_path: payload.project,
    status: info?.status,
    source: info?.source ?? undefined,
    ref: context.ref,
    commit_sha: context.commit_sha,
    created_at: toClickhouseDateTime(createdAt),
    // the time filters apply to started_at; a payload without it (the original client's) counts from creation
    started_at: toClickhouseDateTime(info?.started_at ?? createdAt),
    finished_at: info?.finished_at ? toClickhouseDateTime(info.finished_at) : undefined,
    duration: Math.round(info?.duration ?? payload.duration),
    duration_e2e: Math.round(payload.duration_e2e),
    critical_path_duration: payload.critical_path ? secondsToMs(payload.critical_path.duration) : undefined,
    critical_path_build_ids: payload.critical_path?.job_ids,
    name: info?.name ?? undefined,
    yaml_errors: info?.yaml_errors ?? undefined,
    coverage: info?.coverage ?? undefined,
    parent_pipeline_id: info?.parent_pipeline_id ?? undefined,
    parent_bridge_id: info?.parent_bridge_id ?? undefined,
    root_pipeline_id: info?.root_pipeline_id ?? undefined,
    hierarchy_duration: info?.hierarchy_duration ?? undefined,
    ...testTotals(info?.test_report),
  });
}

/** GitLab's test report summary → ci_finished_pipelines test_* columns (absent: column defaults). */
function testTotals(report: TestReport | null | undefined): Record<string, number> {
  if (!report) return {};
  return {
    test_total_time: report.time,
    test_total_count: report.count,
    test_success_count: report.success,
    test_failed_count: report.failed,
    test_skipped_count: report.skipped,
    test_error_count: report.error,
  };
}

/** `flaky`: the attempt's own flag, else derived (see flakySuccessIds) */
function buildRow(attempt: Attempt, flaky: boolean, context: BuildContext): Row {
  const manager = attempt.runner?.manager;
  return compact({
    id: attempt.id,
    project_id: context.project_id,
    pipeline_id: context.pipeline_id,
    status: attempt.status,
    created_at: toClickhouseDateTime(attempt.created_at),
    queued_at: time(queuedAtOf(attempt)),
    started_at: time(attempt.started_at),
    finished_at: time(attempt.finished_at),
    runner_id: attempt.runner?.id ?? undefined,
    runner_type: RUNNER_TYPES[attempt.runner?.runner_type ?? ''],
    name: attempt.name,
    stage_name: attempt.stage,
    failure_reason: attempt.failure_reason ?? undefined,
    allow_failure: attempt.allow_failure,
    retried: attempt.retried,
    commit_sha: context.commit_sha,
    on_critical_path: attempt.on_critical_path,
    critical_path_wait: ms(attempt.critical_path_wait),
    critical_path_queue: ms(attempt.critical_path_queue),
    critical_path_run: ms(attempt.critical_path_run),
    runner_manager_system_xid: manager?.system_id ?? undefined,
    runner_manager_version: manager?.version ?? undefined,
    runner_manager_revision: manager?.revision ?? undefined,
    runner_manager_platform: manager?.platform ?? undefined,
    runner_manager_architecture: manager?.architecture ?? undefined,
    attempt: attempt.attempt,
    flaky,
    coverage: attempt.coverage ?? undefined,
    erased: attempt.erased_at ? true : undefined,
    log_status: attempt.log,
  });
}

/**
 * Ids of the final attempts (highest id of a name) that succeeded after an earlier attempt of
 * the same job in this pipeline failed: `flaky` for a payload that does not say (an older client's).
 */
export function flakySuccessIds(attempts: readonly Attempt[]): Set<number> {
  const byName = new Map<string, Attempt[]>();
  for (const a of attempts) {
    const group = byName.get(a.name);
    if (group) group.push(a);
    else byName.set(a.name, [a]);
  }
  const ids = new Set<number>();
  for (const group of byName.values()) {
    const last = group.reduce((a, b) => (b.id > a.id ? b : a));
    if (last.status === 'success' && group.some((a) => a.id < last.id && a.status === 'failed')) ids.add(last.id);
  }
  return ids;
}

function sectionRows(attempt: Attempt, context: BuildContext): Row[] {
  const kinds = [
    ['section', attempt.sections ?? {}],
    ['step', attempt.steps ?? {}],
  ] as const;
  return kinds.flatMap(([kind, timings]) =>
    Object.entries(timings).map(([name, seconds]) =>
      compact({
        build_id: attempt.id,
        pipeline_id: context.pipeline_id,
        project_id: context.project_id,
        kind,
        name,
        duration: secondsToMs(seconds),
        build_name: attempt.name,
        stage_name: attempt.stage,
        status: attempt.status,
        ref: context.ref,
        started_at: time(attempt.started_at),
        finished_at: time(attempt.finished_at),
      }),
    ),
  );
}

function ms(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : secondsToMs(seconds);
}

function time(value: string | null | undefined): string | undefined {
  return value ? toClickhouseDateTime(value) : undefined;
}

/** `row` without its undefined values (a loop: this runs for every row a server writes) */
function compact(row: Record<string, string | number | boolean | number[] | undefined>): Row {
  const out: Row = {};
  for (const key in row) {
    const value = row[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
