import { PayloadSchema, type Payload, type PayloadInput } from '../../../src/payload/schema.js';

/**
 * Realistic payloads for ClickHouse tests, validated by the wire contract (PayloadSchema).
 * Times are UTC; attempt durations are float seconds as GitLab reports them.
 */
export interface JobSpec {
  id: number;
  name: string;
  stage: string;
  status: 'success' | 'failed' | 'canceled' | 'running' | 'skipped';
  /** seconds after the pipeline started */
  startOffset: number;
  /** float seconds */
  duration: number;
  /** float seconds spent queued before starting */
  queued?: number;
  retried?: boolean;
  failureReason?: string;
  allowFailure?: boolean;
  runner?: { id: number; runner_type: string };
  sections?: Record<string, number>;
  steps?: Record<string, number>;
}

export interface PipelineSpec {
  id: number;
  projectId?: number;
  project?: string;
  ref?: string;
  source?: string;
  status?: string;
  /** ISO UTC */
  startedAt: string;
  jobs: JobSpec[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function buildPayload(spec: PipelineSpec): Payload {
  const start = Date.parse(spec.startedAt);
  const end = Math.max(start, ...spec.jobs.map((j) => start + (j.startOffset + j.duration) * 1000));
  const input: PayloadInput = {
    pipeline_id: spec.id,
    project: spec.project ?? 'group/app',
    project_id: spec.projectId ?? 42,
    created_at: iso(start - 5_000),
    ref: spec.ref ?? 'main',
    duration: Math.floor((end - start) / 1000),
    duration_e2e: 0,
    jobs: [],
    builds: [],
    build: 0,
    jobs_failed: spec.jobs.filter((j) => j.status === 'failed').map((j) => ({ name: j.name, duration: Math.floor(j.duration) })),
    has_restarts: spec.jobs.some((j) => j.retried),
    pipeline: {
      id: spec.id,
      project_id: spec.projectId ?? 42,
      status: spec.status ?? 'success',
      source: spec.source ?? 'push',
      ref: spec.ref ?? 'main',
      sha: 'a'.repeat(40),
      created_at: iso(start - 5_000),
      started_at: spec.startedAt,
      finished_at: iso(end),
      duration: Math.floor((end - start) / 1000),
    },
    attempts: spec.jobs.map((j) => attempt(j, start)),
  };
  return PayloadSchema.parse(input);
}

function attempt(j: JobSpec, pipelineStart: number): NonNullable<PayloadInput['attempts']>[number] {
  const started = pipelineStart + j.startOffset * 1000;
  const queued = j.queued ?? 2.5;
  const running = j.status === 'running';
  return {
    id: j.id,
    name: j.name,
    stage: j.stage,
    status: j.status,
    allow_failure: j.allowFailure ?? false,
    failure_reason: j.failureReason ?? null,
    created_at: iso(started - queued * 1000 - 1_000),
    started_at: iso(started),
    finished_at: running ? null : iso(started + j.duration * 1000),
    duration: running ? null : j.duration,
    queued_duration: queued,
    retried: j.retried ?? false,
    runner: j.runner ?? { id: 7, runner_type: 'instance_type' },
    ...(j.sections && { sections: j.sections }),
    ...(j.steps && { steps: j.steps }),
  };
}
