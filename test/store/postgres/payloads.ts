import { SEED_BODY_TEXT } from '../../fixtures/payloads/index.js';
import { PayloadSchema, type Payload, type PayloadInput } from '../../../src/payload/schema.js';

/** zod's catchall type (string fields + numeric step keys) has no TS literal form */
type SeedJobInput = PayloadInput['jobs'][number];

/** The seed's example request body, exactly as written in 000_61aaee82c707edc7.txt. */
export const SEED_BODY = SEED_BODY_TEXT;

export const seedPayload = (): Payload => PayloadSchema.parse(JSON.parse(SEED_BODY));

/** Every optional field set, every step-name route taken (column and jsonb), two attempts. */
export const FULL_INPUT: PayloadInput = {
  pipeline_id: 9_007_199_254_740_000,
  project: 'group/full',
  project_id: 4242,
  created_at: '2024-02-01T10:00:00.125Z',
  ref: 'main',
  duration: 300,
  duration_e2e: 120,
  jobs: [
    {
      name: 'e2e:chrome',
      started_at: '2024-02-01T10:02:00.000+01:00',
      finished_at: '2024-02-01T10:04:00.500+01:00',
      duration: 120,
      up: 10,
      e2e: 90,
      pull: 4,
      up_without_pull: 6,
      seed_db: 3.5,
    } as unknown as SeedJobInput,
  ],
  builds: [{ 'build-e2e': 64 }, { 'build-assets': 30.5 }],
  build: 94.5,
  jobs_failed: [{ name: 'e2e:firefox', duration: 33 }, 'lint'],
  has_restarts: true,
  pipeline: {
    id: 9_007_199_254_740_000,
    iid: 77,
    project_id: 4242,
    status: 'success',
    source: 'merge_request_event',
    ref: 'main',
    sha: 'a'.repeat(40),
    tag: false,
    default_branch: 'main',
    created_at: '2024-02-01T11:00:00.125+01:00',
    updated_at: '2024-02-01T10:06:00Z',
    started_at: '2024-02-01T10:00:05Z',
    finished_at: '2024-02-01T10:05:05Z',
    duration: 300.25,
    queued_duration: 4.75,
    web_url: 'https://gitlab.example/group/full/-/pipelines/9007199254740000',
    name: 'Nightly full run',
    yaml_errors: null,
    coverage: 81.25,
    test_report: { time: 12.5, count: 40, success: 37, failed: 1, skipped: 2, error: 0 },
    parent_pipeline_id: 9007199254739000,
    parent_bridge_id: 4999,
    root_pipeline_id: 9007199254738000,
    hierarchy_duration: 420.5,
  },
  attempts: [
    {
      id: 5001,
      name: 'e2e:firefox',
      stage: 'test',
      status: 'failed',
      allow_failure: true,
      failure_reason: 'script_failure',
      created_at: '2024-02-01T10:01:00Z',
      queued_at: '2024-02-01T10:01:01Z',
      started_at: '2024-02-01T10:01:03.5Z',
      finished_at: '2024-02-01T10:01:36.5Z',
      duration: 33,
      queued_duration: 2.5,
      retried: true,
      runner: {
        id: 12,
        description: 'docker "runner" #1',
        runner_type: 'group_type',
        tags: ['docker', 'linux'],
        manager: { system_id: 's_0123456789ab', version: '17.0.0', revision: '44feccdf', platform: 'linux', architecture: 'amd64' },
      },
      attempt: 1,
      coverage: 55.5,
      log: 'erased',
      erased_at: '2024-02-02T00:00:00Z',
      steps: { up: 8.25, e2e: 20 },
      sections: { prepare_executor: 1.5, step_script: 30 },
      web_url: 'https://gitlab.example/group/full/-/jobs/5001',
      on_critical_path: true,
      critical_path_wait: 55.875,
      critical_path_queue: 2.5,
      critical_path_run: 33,
    },
    {
      id: 5002,
      name: 'e2e:chrome',
      stage: 'test',
      status: 'success',
      created_at: '2024-02-01T10:01:00Z',
      attempt: 2,
      flaky: true,
      on_critical_path: false,
    },
  ],
  critical_path: { duration: 96.375, job_ids: [5001] },
  collector: { name: 'pipeline-metrics', version: '0.1.0' },
};

/**
 * Pipelines for the Grafana queries: `test/project` on master/main/feature branches, some with
 * restarts, several build rows (the LEFT JOIN fans out) or none, one other project, some outside
 * the time range. Deterministic.
 */
export function grafanaCorpus(): Payload[] {
  const out: Payload[] = [];
  for (let i = 0; i < 24; i++) {
    const day = 1 + (i % 12);
    const hour = 6 + i;
    const duration = 100 + ((i * 37) % 90);
    const e2e = 20 + ((i * 13) % 50);
    const branch = i % 5 === 3 ? 'feature/x' : 'master';
    const withMain = i % 7 === 2;
    out.push(
      PayloadSchema.parse({
        pipeline_id: 1000 + i,
        project: i % 6 === 5 ? 'other/project' : 'test/project',
        created_at: new Date(Date.UTC(2024, 2, day, hour % 24, i, 7, 250)).toISOString(),
        ref: withMain ? 'main' : branch,
        duration,
        duration_e2e: e2e,
        jobs: [],
        builds: Array.from({ length: i % 3 }, (_, k) => ({ [`build-${k}`]: 10 + k })),
        build: (i % 3) * 10,
        jobs_failed: [],
        has_restarts: i % 4 === 1,
        ...(withMain
          ? {
              pipeline: {
                id: 1000 + i,
                status: 'success',
                ref: 'main',
                default_branch: i % 2 ? 'develop' : 'main',
                created_at: new Date(Date.UTC(2024, 2, day, hour % 24, i, 7, 250)).toISOString(),
              },
            }
          : {}),
      }),
    );
  }
  return out;
}
