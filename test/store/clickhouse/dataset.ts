import type { JobGraphNode } from '../../../src/gitlab/index.js';
import type { Payload } from '../../../src/payload/schema.js';
import { buildPayload } from './payloads.js';
export { SEED_INPUT } from '../../fixtures/queries/seed-input.js';

/**
 * Five pipelines of realistic CI data. Durations are float seconds in the payload and land as
 * milliseconds in ClickHouse. Pipeline 1005 started before the usual test range; pipeline 1004
 * belongs to project 77; job 34 is still running (not a finished build, not stored).
 */
export const RANGE = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-04T00:00:00Z') };
export const ALL_TIME = { fromTime: new Date('2024-01-01T00:00:00Z'), toTime: new Date('2025-01-01T00:00:00Z') };

export const DATASET: Payload[] = [
  buildPayload({
    id: 1001,
    startedAt: '2024-05-01T10:00:00.000Z',
    source: 'push',
    ref: 'main',
    status: 'success',
    jobs: [
      {
        id: 11,
        name: 'job-build',
        stage: 'build',
        status: 'success',
        startOffset: 0,
        duration: 60,
        sections: { step_script: 45.5, upload_artifacts: 3.25 },
      },
      {
        id: 12,
        name: 'job-test',
        stage: 'test',
        status: 'failed',
        startOffset: 65,
        duration: 30,
        retried: true,
        failureReason: 'script_failure',
      },
      { id: 13, name: 'job-test', stage: 'test', status: 'success', startOffset: 100, duration: 40, steps: { up: 7.5, e2e: 30 } },
      { id: 14, name: 'lint', stage: 'test', status: 'success', startOffset: 65, duration: 10 },
    ],
  }),
  buildPayload({
    id: 1002,
    startedAt: '2024-05-02T12:00:00.000Z',
    source: 'schedule',
    ref: 'main',
    status: 'failed',
    jobs: [
      { id: 21, name: 'job-build', stage: 'build', status: 'success', startOffset: 0, duration: 80 },
      { id: 22, name: 'job-test', stage: 'test', status: 'success', startOffset: 85, duration: 50 },
      {
        id: 23,
        name: 'job-e2e',
        stage: 'e2e',
        status: 'failed',
        startOffset: 140,
        duration: 300,
        allowFailure: true,
        failureReason: 'script_failure',
      },
    ],
  }),
  buildPayload({
    id: 1003,
    startedAt: '2024-05-03T08:00:00.000Z',
    source: 'merge_request_event',
    ref: 'feature/x',
    status: 'canceled',
    jobs: [
      {
        id: 31,
        name: 'job-build',
        stage: 'build',
        status: 'success',
        startOffset: 0,
        duration: 100,
        runner: { id: 9, runner_type: 'project_type' },
      },
      { id: 32, name: 'job-test', stage: 'test', status: 'canceled', startOffset: 105, duration: 5 },
      { id: 33, name: 'job-e2e', stage: 'e2e', status: 'success', startOffset: 105, duration: 200 },
      { id: 34, name: 'metrics', stage: '.post', status: 'running', startOffset: 400, duration: 1 },
    ],
  }),
  buildPayload({
    id: 1004,
    projectId: 77,
    project: 'group/other',
    startedAt: '2024-05-02T09:00:00.000Z',
    source: 'push',
    ref: 'main',
    jobs: [{ id: 41, name: 'job-build', stage: 'build', status: 'success', startOffset: 0, duration: 20 }],
  }),
  buildPayload({
    id: 1005,
    startedAt: '2024-04-20T10:00:00.000Z',
    source: 'push',
    ref: 'main',
    jobs: [{ id: 51, name: 'job-build', stage: 'build', status: 'success', startOffset: 0, duration: 1000 }],
  }),
];

/**
 * The seed's hand-written SQL, adapted only as GitLab's schema requires: the column is
 * `stage_name` (aliased `stage`). No FINAL, as in the seed: writes are idempotent.
 */
export const SEED_SQL = `SELECT
name as jobName,
stage_name as stage,
count(*) as count,
avg(duration) as avgDuration,
quantile(0.95)(duration) as p95Duration,
countIf(status = 'failed') as failedCount,
countIf(status = 'success') as successCount
FROM ci_finished_builds
WHERE name like 'job%'
GROUP BY name, stage
ORDER BY avgDuration desc
LIMIT 10`;

const stage = (name: string, s: string, previous: string[]): JobGraphNode => ({
  name,
  stage: s,
  schedulingType: 'stage',
  needs: [],
  previousStageJobs: previous,
});
/** GitLab's job graph of the dataset's pipelines (stages build → test → e2e; no needs). */
export const DATASET_GRAPH: JobGraphNode[] = [
  stage('job-build', 'build', []),
  stage('job-test', 'test', ['job-build']),
  stage('lint', 'test', ['job-build']),
  stage('job-e2e', 'e2e', ['job-test', 'lint']),
];
