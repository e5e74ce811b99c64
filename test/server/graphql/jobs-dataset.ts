/**
 * Job-analytics data with known answers: project team/jobs (id 55) and group/other (id 77),
 * pipelines on 2024-05-01..03 (UTC), statuses success/failed/canceled/skipped, durations chosen so
 * means need GitLab's rounding. EXPECTED holds the statistics computed from these specs by hand.
 */
import type { Payload } from '../../../src/payload/schema.js';
import { buildPayload, type JobSpec } from '../../store/clickhouse/payloads.js';

// job ids far from test/store/clickhouse/dataset.ts's (11…51): builds are deduplicated by id
let nextJob = 9001;
const job = (name: string, stage: string, status: JobSpec['status'], duration: number, startOffset = 0): JobSpec => ({
  id: nextJob++,
  name,
  stage,
  status,
  duration,
  startOffset,
});

const TEAM = { projectId: 55, project: 'team/jobs' };

export const JOB_PIPELINES: Payload[] = [
  buildPayload({
    ...TEAM,
    id: 501,
    startedAt: '2024-05-01T10:00:00.000Z',
    status: 'success',
    jobs: [
      job('compile', 'build', 'success', 10.001),
      job('lint', 'test', 'success', 2),
      job('unit', 'test', 'success', 30),
      job('deploy', 'deploy', 'skipped', 0, 40),
    ],
  }),
  buildPayload({
    ...TEAM,
    id: 502,
    startedAt: '2024-05-01T16:00:00.000Z',
    status: 'failed',
    jobs: [
      job('compile', 'build', 'success', 10.004),
      job('lint', 'test', 'failed', 3),
      job('unit', 'test', 'failed', 31),
      job('deploy', 'deploy', 'skipped', 0, 40),
    ],
  }),
  buildPayload({
    ...TEAM,
    id: 503,
    startedAt: '2024-05-02T09:00:00.000Z',
    source: 'schedule',
    status: 'success',
    jobs: [
      job('compile', 'build', 'success', 12),
      job('lint', 'test', 'success', 2),
      job('unit', 'test', 'success', 29),
      job('deploy', 'deploy', 'success', 5, 40),
    ],
  }),
  buildPayload({
    ...TEAM,
    id: 504,
    startedAt: '2024-05-03T09:00:00.000Z',
    ref: 'feature/x',
    status: 'canceled',
    jobs: [
      job('compile', 'build', 'success', 11),
      job('lint', 'test', 'success', 2),
      job('unit', 'test', 'canceled', 1),
      job('e2e-chrome', 'e2e', 'failed', 100),
    ],
  }),
  // another project: never counted in team/jobs
  buildPayload({
    id: 601,
    projectId: 77,
    project: 'group/other',
    startedAt: '2024-05-02T09:00:00.000Z',
    jobs: [job('compile', 'build', 'success', 50)],
  }),
  // before the window used below
  buildPayload({ ...TEAM, id: 499, startedAt: '2024-04-20T09:00:00.000Z', jobs: [job('compile', 'build', 'success', 500)] }),
];

export const WINDOW = { fromTime: '2024-05-01T00:00:00Z', toTime: '2024-05-04T00:00:00Z' };

/** name → [success, failed, canceled, skipped] and the mean duration in seconds (GitLab-rounded). */
export const EXPECTED: Record<string, { stage: string; counts: [number, number, number, number]; mean: number }> = {
  compile: { stage: 'build', counts: [4, 0, 0, 0], mean: 10.75 }, // (10.001 + 10.004 + 12 + 11) / 4 = 10.75125
  lint: { stage: 'test', counts: [3, 1, 0, 0], mean: 2.25 },
  unit: { stage: 'test', counts: [2, 1, 1, 0], mean: 22.75 },
  deploy: { stage: 'deploy', counts: [1, 0, 0, 2], mean: 1.67 }, // (0 + 0 + 5) / 3 = 1.666…
  'e2e-chrome': { stage: 'e2e', counts: [0, 1, 0, 0], mean: 100 },
};
