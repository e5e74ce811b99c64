import { describe, expect, it } from 'vitest';
import { generateHierarchy } from '../fixtures/gitlab/hierarchy.js';
import { bridgeJson, testReportSummaryJson } from '../fixtures/gitlab/json-hierarchy.js';
import { jobJson, pipelineJson } from '../fixtures/gitlab/json.js';

/**
 * The loopback GitLab must send only what GitLab sends, or tests pass on data that never occurs
 * (a `retried` field on jobs once hid that retries were never derived). Key lists from GitLab's
 * lib/api/entities/ci/job_basic.rb, job.rb, bridge.rb and pipeline.rb.
 */
const JOB_BASIC = [
  'id',
  'status',
  'stage',
  'name',
  'ref',
  'tag',
  'coverage',
  'allow_failure',
  'created_at',
  'started_at',
  'finished_at',
  'erased_at',
  'duration',
  'queued_duration',
  'user',
  'commit',
  'pipeline',
  'failure_reason',
  'web_url',
  'project',
];
const JOB = [...JOB_BASIC, 'artifacts_file', 'artifacts', 'runner', 'runner_manager', 'artifacts_expire_at', 'archived', 'tag_list'];
const BRIDGE = [...JOB_BASIC, 'downstream_pipeline'];
const PIPELINE = [
  'id',
  'iid',
  'project_id',
  'sha',
  'ref',
  'status',
  'source',
  'created_at',
  'updated_at',
  'web_url',
  'before_sha',
  'tag',
  'yaml_errors',
  'user',
  'started_at',
  'finished_at',
  'committed_at',
  'duration',
  'queued_duration',
  'coverage',
  'detailed_status',
  'name',
  'archived',
];

const extraKeys = (value: object, allowed: string[]) =>
  Object.keys(JSON.parse(JSON.stringify(value)) as object).filter((k) => !allowed.includes(k));

describe('fixture GitLab sends only the fields of GitLab entities', () => {
  const h = generateHierarchy();
  const pipelines = [h.root, h.child];

  it('jobs: no key the Job entity lacks (no `retried`)', () => {
    for (const f of pipelines) for (const a of f.attempts) expect([a.id, extraKeys(jobJson(f, a), JOB)]).toEqual([a.id, []]);
    expect(Object.keys(jobJson(h.root, h.root.attempts[0]!))).not.toContain('retried');
  });

  it('bridges: JobBasic + downstream_pipeline only', () => {
    expect(extraKeys(bridgeJson(h.root, h.bridge), BRIDGE)).toEqual([]);
    expect(Object.keys(bridgeJson(h.root, h.bridge))).not.toContain('runner');
  });

  it('pipelines and test report summaries', () => {
    for (const f of pipelines) expect(extraKeys(pipelineJson(f), PIPELINE)).toEqual([]);
    expect(Object.keys(testReportSummaryJson(h.root).total).sort()).toEqual([
      'count',
      'error',
      'failed',
      'skipped',
      'success',
      'suite_error',
      'time',
    ]);
  });

  it("a pipeline's user is UserBasic and its queued_duration GitLab's integer (started_at - created_at).to_i", () => {
    for (const f of pipelines) {
      const json = pipelineJson(f);
      expect(Object.keys(json.user).sort()).toEqual(['avatar_url', 'id', 'locked', 'name', 'state', 'username', 'web_url']);
      const queued = Math.trunc((Date.parse(json.started_at) - Date.parse(json.created_at)) / 1000);
      expect(json.queued_duration).toBe(queued === 0 ? null : queued);
      expect(Number.isInteger(json.queued_duration) || json.queued_duration === null).toBe(true);
    }
    // jobs keep the full User entity
    expect(Object.keys(jobJson(h.root, h.root.attempts[0]!).user)).toContain('created_at');
  });

  it("a never-started job has GitLab's read-time queued_duration and no runner", () => {
    const json = jobJson(h.root, h.neverStarted);
    expect(json).toMatchObject({ started_at: null, duration: null, queued_duration: 11_839_478.2, runner: null, runner_manager: null });
  });
});
