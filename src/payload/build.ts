import { UsageError } from '../errors.js';
import type { GitlabJob, JobLogResult, MissingLogKind, PipelineSnapshot } from '../gitlab/types.js';
import { toAttempt, toPipelineInfo, type AttemptTimings } from './attempts.js';
import { attemptStandings, isE2eJob, isFinished, timedBuildJobs, timedE2eJobs, withoutSelf } from './job-selection.js';
import { assignSteps, parseLogTimings, type LogTimings } from './log-timings.js';
import type { ClassifyOptions } from './options.js';
import type { Payload, SeedJob } from './schema.js';
import { epochMs, normaliseTimestamp, wholeSecondsBetween } from './timestamps.js';

/**
 * GitLab data → Payload. Pure: no I/O, no clock. Semantics (quoted by the README):
 *
 * - Never counted: the collector's own job (`selfJobId`, CI_JOB_ID) — left out of every field,
 *   `attempts` included — and unfinished attempts (no `finished_at`, or status created,
 *   pending, running, preparing, waiting_for_resource, waiting_for_callback, manual, scheduled,
 *   canceling). A skipped job has no `finished_at`, so it never counts either.
 * - Latest attempt of a job name: the highest id (GitLab's REST API has no `retried` field;
 *   every other attempt of the name is `retried: true`). If the latest attempt has not
 *   finished, the job is not in `jobs`, even when an earlier attempt finished.
 * - e2e jobs: stage `e2eStage`, name not in `e2eExclude`. Build jobs: stage `buildStage`,
 *   name in `buildJobs`.
 * - `jobs`: the latest attempt of each e2e job that finished with a start and a duration
 *   (success, failed — allow_failure too — or canceled after starting): `{ name, started_at,
 *   finished_at, duration, ...steps }`, sorted by started_at, then name. `duration` and the
 *   steps are whole seconds, truncated. Steps come from the job's log (bash `time` results
 *   named by `steps`, see log-timings.ts) when the log was collected; for a successful job a
 *   count mismatch throws a ValidationError naming the job unless `optimistic`; a failed or
 *   canceled job keeps the steps it reached. A log that is missing (404), empty or erased gives
 *   no steps and no sections, and the attempt says so in `log`.
 * - `duration`: whole seconds from the pipeline's `created_at` to the latest `finished_at` in
 *   `jobs`. `duration_e2e`: whole seconds from the earliest `started_at` in `jobs` to that
 *   same latest `finished_at`. Truncated, never negative.
 * - No e2e job in `jobs`: `jobs` = [], `duration_e2e` = 0, and `duration` = whole seconds from
 *   `created_at` to the latest `finished_at` of any counted attempt (any stage); if none
 *   finished, GitLab's pipeline `duration` truncated; else 0.
 * - `builds`: `[{ "<name>": seconds }]` for the latest attempt of each build job that finished
 *   with a duration, truncated, sorted by started_at then name; `build` = their sum.
 * - `jobs_failed`: every attempt of an e2e job with status `failed`, retried and allow_failure
 *   ones included, as `{ name, duration }` (truncated, or null), by job id;
 *   `has_restarts` = `jobs_failed` is not empty.
 * - `created_at`, `ref`: the pipeline's; `project`: the project path; `project_id`,
 *   `pipeline_id`: GitLab ids.
 * - Extensions: `pipeline` (GitLab's pipeline + default branch), `attempts` (every attempt but
 *   the collector's own, unfinished ones with their status, by id, GitLab's float seconds,
 *   `steps` for the attempts in `jobs`, `sections` for every attempt whose log was collected,
 *   trigger jobs as `kind: "bridge"` attempts, `attempt` numbers and `flaky`), `collector` when
 *   given. Text longer than the schema allows is cut. Timestamps are GitLab's strings (normalised to RFC 3339 if needed).
 */

const SEED_JOB_KEYS = new Set(['name', 'started_at', 'finished_at', 'duration']);

/** Ids of the attempts whose logs `buildPayload` can use, for `options.logScope`, ascending. */
export function jobsNeedingLogs(jobs: GitlabJob[], options: ClassifyOptions): number[] {
  switch (options.logScope) {
    case 'none':
      return [];
    case 'e2e':
      return timedE2eJobs(jobs, options).map((job) => job.id);
    case 'all':
      return withoutSelf(jobs, options)
        .filter((job) => isFinished(job) && Boolean(job.started_at))
        .map((job) => job.id)
        .sort((a, b) => a - b);
  }
}

function bySpan(a: GitlabJob, b: GitlabJob): number {
  const started = epochMs(a.started_at ?? a.created_at) - epochMs(b.started_at ?? b.created_at);
  return started !== 0 ? started : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Parsed logs by job id, or why a wanted log gave nothing. */
function parseLogs(jobs: GitlabJob[], logs: Map<number, string | JobLogResult>): Map<number, LogTimings | MissingLogKind> {
  const parsed = new Map<number, LogTimings | MissingLogKind>();
  for (const job of jobs) {
    const log = logs.get(job.id);
    if (log === undefined) continue;
    const result: JobLogResult = typeof log === 'string' ? (log ? { kind: 'ok', timings: parseLogTimings(log) } : { kind: 'empty' }) : log;
    parsed.set(job.id, result.kind === 'ok' ? result.timings : result.kind);
  }
  return parsed;
}

/** Step timings of an e2e job; only a successful job's log must have one `time` line per step. */
function stepsOf(job: GitlabJob, timings: LogTimings | MissingLogKind | undefined, options: ClassifyOptions) {
  if (!timings || typeof timings === 'string' || options.steps.length === 0) return undefined;
  const clash = options.steps.find((step) => SEED_JOB_KEYS.has(step) || step === 'up_without_pull');
  if (clash) throw new UsageError(`Step name "${clash}" is reserved for a job field: rename that step.`);
  const jobLabel = `job "${job.name}" (#${job.id})`;
  const optimistic = options.optimistic || job.status !== 'success';
  return assignSteps(timings.realTimes, options.steps, { optimistic, jobLabel });
}

function toSeedJob(
  job: GitlabJob & { started_at: string; finished_at: string; duration: number },
  steps?: Record<string, number>,
): SeedJob {
  const truncated = Object.fromEntries(Object.entries(steps ?? {}).map(([k, v]) => [k, Math.trunc(v)]));
  // SeedJob's catch-all (`[step]: number`) cannot be written as a literal type; the step names
  // never clash with the four fixed keys (stepsOf rejects them).
  return {
    name: job.name,
    started_at: normaliseTimestamp(job.started_at, `jobs[id=${job.id}].started_at`),
    finished_at: normaliseTimestamp(job.finished_at, `jobs[id=${job.id}].finished_at`),
    duration: Math.trunc(job.duration),
    ...truncated,
  } as SeedJob;
}

/** Whole seconds of the pipeline when no e2e job was timed (see the file comment). */
function durationWithoutE2e(createdAt: string, counted: GitlabJob[], pipelineDuration: number | null | undefined) {
  const finished = counted.filter(isFinished).map((job) => normaliseTimestamp(job.finished_at!, `jobs[id=${job.id}].finished_at`));
  if (finished.length) {
    const last = finished.reduce((a, b) => (epochMs(b) > epochMs(a) ? b : a));
    return wholeSecondsBetween(createdAt, last);
  }
  return pipelineDuration ? Math.max(0, Math.trunc(pipelineDuration)) : 0;
}

/** e2e timings: `duration` and `duration_e2e` in whole seconds. */
function e2eDurations(createdAt: string, jobs: SeedJob[]) {
  const firstStart = jobs.reduce((a, j) => (epochMs(j.started_at) < epochMs(a) ? j.started_at : a), jobs[0]!.started_at);
  const lastFinish = jobs.reduce((a, j) => (epochMs(j.finished_at) > epochMs(a) ? j.finished_at : a), jobs[0]!.finished_at);
  return { duration: wholeSecondsBetween(createdAt, lastFinish), duration_e2e: wholeSecondsBetween(firstStart, lastFinish) };
}

/** Builds the payload of one pipeline (semantics in the file comment). */
export function buildPayload(snapshot: PipelineSnapshot, options: ClassifyOptions, collector?: { name: string; version: string }): Payload {
  const counted = withoutSelf(snapshot.jobs, options);
  const timings = parseLogs(counted, snapshot.logs);
  const e2e = timedE2eJobs(counted, options).sort(bySpan);
  const steps = new Map(e2e.map((job) => [job.id, stepsOf(job, timings.get(job.id), options)]));
  const jobs = e2e.map((job) => toSeedJob(job, steps.get(job.id)));
  const createdAt = normaliseTimestamp(snapshot.pipeline.created_at, 'pipeline.created_at');
  const durations = jobs.length
    ? e2eDurations(createdAt, jobs)
    : { duration: durationWithoutE2e(createdAt, counted, snapshot.pipeline.duration), duration_e2e: 0 };
  const builds = timedBuildJobs(counted, options)
    .sort(bySpan)
    .map((job) => ({ [job.name]: Math.trunc(job.duration) }));
  const jobsFailed = counted
    .filter((job) => isE2eJob(job, options) && job.status === 'failed')
    .sort((a, b) => a.id - b.id)
    .map((job) => ({ name: job.name, duration: job.duration == null ? null : Math.trunc(job.duration) }));
  const standings = new Map([...attemptStandings(counted), ...attemptStandings(snapshot.bridges ?? [])]);
  const attempts = [...counted, ...(snapshot.bridges ?? [])]
    .sort((a, b) => a.id - b.id)
    .map((job) => toAttempt(job, standings.get(job.id)!, attemptTimings(steps.get(job.id), timings.get(job.id))));
  return {
    pipeline_id: snapshot.pipeline.id,
    project: snapshot.projectPath,
    project_id: snapshot.projectId,
    created_at: createdAt,
    ref: snapshot.pipeline.ref,
    ...durations,
    jobs,
    builds,
    build: builds.reduce((sum, b) => sum + Object.values(b)[0]!, 0),
    jobs_failed: jobsFailed,
    has_restarts: jobsFailed.length > 0,
    pipeline: toPipelineInfo(snapshot),
    attempts,
    ...(collector ? { collector } : {}),
  };
}

function attemptTimings(steps: Record<string, number> | undefined, log: LogTimings | MissingLogKind | undefined): AttemptTimings {
  if (typeof log === 'string') return { log };
  return { ...(steps ? { steps } : {}), ...(log ? { sections: log.sections } : {}) };
}
