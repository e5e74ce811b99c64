import { describe, expect, it } from 'vitest';
import { UsageError, ValidationError } from '../../src/errors.js';
import { buildPayload, jobsNeedingLogs } from '../../src/payload/build.js';
import { DEFAULT_CLASSIFY, type ClassifyOptions } from '../../src/payload/options.js';
import { PayloadSchema } from '../../src/payload/schema.js';
import { gitlabJob, mixedJobs, mixedSnapshot, SELF_JOB_ID } from './pipeline-snapshot.js';

const OPTIONS: ClassifyOptions = { ...DEFAULT_CLASSIFY, steps: ['pull', 'up', 'e2e'], selfJobId: SELF_JOB_ID };
const RUNNER = { id: 7, description: 'docker-runner-1', runner_type: 'instance_type', tags: ['docker'] };

describe('buildPayload on a pipeline with retried, manual, skipped, canceled, allow_failure and running jobs', () => {
  const payload = buildPayload(mixedSnapshot(), OPTIONS, { name: 'pipeline-metrics', version: '0.1.0' });

  it('passes PayloadSchema unchanged', () => {
    expect(PayloadSchema.parse(payload)).toStrictEqual(payload);
  });

  it('computes the seed fields', () => {
    const { pipeline, attempts, ...seed } = payload;
    expect(seed).toStrictEqual({
      pipeline_id: 9001,
      project: 'group/app',
      project_id: 42,
      created_at: '2024-05-01T10:00:00.000+02:00',
      ref: 'main',
      // created 08:00:00.000Z → last e2e finish (firefox) 08:02:30.999Z
      duration: 150,
      // first e2e start (firefox) 08:01:12.000Z → 08:02:30.999Z
      duration_e2e: 78,
      jobs: [
        {
          name: 'e2e-firefox',
          started_at: '2024-05-01T10:01:12.000+02:00',
          finished_at: '2024-05-01T10:02:30.999+02:00',
          duration: 78,
          pull: 3,
          up: 23,
          e2e: 60,
          up_without_pull: 20,
        },
        { name: 'e2e-safari', started_at: '2024-05-01T10:01:13.000+02:00', finished_at: '2024-05-01T10:01:50.500+02:00', duration: 37 },
        { name: 'e2e-mobile', started_at: '2024-05-01T10:01:20.000+02:00', finished_at: '2024-05-01T10:01:30.500+02:00', duration: 10 },
        {
          name: 'e2e-chrome',
          started_at: '2024-05-01T08:01:45.677Z',
          finished_at: '2024-05-01T08:02:13.293Z',
          duration: 27,
          pull: 41,
          up: 108,
          e2e: 123,
          up_without_pull: 67,
        },
      ],
      builds: [{ 'build-e2e': 64 }],
      build: 64,
      jobs_failed: [
        { name: 'e2e-tablet', duration: 10 },
        { name: 'e2e-chrome', duration: 28 },
        { name: 'e2e-safari', duration: 37 },
      ],
      has_restarts: true,
      collector: { name: 'pipeline-metrics', version: '0.1.0' },
    });
  });

  it('describes the pipeline', () => {
    expect(payload.pipeline).toStrictEqual({
      id: 9001,
      iid: 77,
      project_id: 42,
      status: 'running',
      source: 'push',
      ref: 'main',
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      tag: false,
      default_branch: 'main',
      created_at: '2024-05-01T10:00:00.000+02:00',
      updated_at: '2024-05-01T10:02:31.100+02:00',
      started_at: '2024-05-01T10:00:05.500+02:00',
      finished_at: null,
      duration: null,
      queued_duration: 5.5,
      web_url: 'https://gitlab.example.com/group/app/-/pipelines/9001',
      name: null,
      yaml_errors: null,
      coverage: null,
    });
  });

  it('lists every attempt but the collector, by id, with its status', () => {
    expect(payload.attempts!.map((a) => `${a.id} ${a.name} ${a.status}${a.retried ? ' retried' : ''}`)).toStrictEqual([
      '101 build-e2e success',
      '102 build-docs success',
      '103 unit failed',
      '109 e2e-tablet failed retried',
      '110 e2e-chrome failed retried',
      '111 e2e-chrome success',
      '112 e2e-firefox success',
      '113 e2e-safari failed',
      '114 e2e-edge manual',
      '115 e2e-opera skipped',
      '116 e2e-mobile canceled',
      '117 e2e-tablet running',
      '118 e2e-pending pending',
      '120 coverage success',
      '131 deploy created',
    ]);
  });

  it('keeps GitLab precision, queue times and runners in attempts', () => {
    const byId = new Map(payload.attempts!.map((a) => [a.id, a]));
    expect(byId.get(101)).toStrictEqual({
      id: 101,
      name: 'build-e2e',
      stage: 'build',
      status: 'success',
      allow_failure: false,
      created_at: '2024-05-01T10:00:00.100+02:00',
      queued_at: '2024-05-01T08:00:00.100Z',
      started_at: '2024-05-01T08:00:06.000Z',
      finished_at: '2024-05-01T08:01:10.900Z',
      duration: 64.9,
      queued_duration: 5.9,
      retried: false,
      runner: RUNNER,
      web_url: 'https://gitlab.example.com/group/app/-/jobs/101',
      attempt: 1,
    });
    expect(byId.get(113)).toMatchObject({ allow_failure: true, failure_reason: 'script_failure', duration: 37.5 });
    expect(byId.get(114)).toStrictEqual({
      id: 114,
      name: 'e2e-edge',
      stage: 'test',
      status: 'manual',
      allow_failure: false,
      created_at: '2024-05-01T10:00:00.050+02:00',
      started_at: null,
      finished_at: null,
      duration: null,
      queued_duration: null,
      retried: false,
      runner: null,
      web_url: 'https://gitlab.example.com/group/app/-/jobs/114',
      attempt: 1,
    });
    // `+0200` is not RFC 3339: rewritten as UTC
    expect(byId.get(131)!.created_at).toBe('2024-05-01T08:00:00.100Z');
  });

  it('puts precise steps on timed e2e attempts and sections on every attempt with a log', () => {
    const byId = new Map(payload.attempts!.map((a) => [a.id, a]));
    expect(byId.get(111)!.steps).toStrictEqual({ pull: 41.25, up: 108.375, e2e: 123.5, up_without_pull: 67.125 });
    expect(byId.get(111)!.sections).toMatchObject({ step_script: 231, e2e_login: 12 });
    expect(byId.get(112)!.steps).toStrictEqual({ pull: 3.004, up: 23.504, e2e: 60.999, up_without_pull: 20.5 });
    expect(byId.get(112)!.sections).toMatchObject({ step_script: 94, retry_step: 6 });
    expect(byId.get(110)!.steps).toBeUndefined();
    expect(byId.get(110)!.sections).toStrictEqual({ step_script: 27 });
    expect([...byId.values()].filter((a) => a.sections).map((a) => a.id)).toStrictEqual([110, 111, 112]);
    expect([...byId.values()].filter((a) => a.steps).map((a) => a.id)).toStrictEqual([111, 112]);
  });
});

describe('buildPayload step options', () => {
  it('fails naming the job when the step count does not match', () => {
    const options = { ...OPTIONS, steps: ['up', 'e2e'] };
    expect(() => buildPayload(mixedSnapshot(), options)).toThrow(ValidationError);
    expect(() => buildPayload(mixedSnapshot(), options)).toThrow(
      /^Step timings of job "e2e-firefox" \(#112\) is invalid:\n {2}the log has 3 bash `time` result\(s\).* but 2 step name\(s\) are configured \(up, e2e\).*--optimistic/,
    );
  });

  it('with optimistic, assigns in order and ignores extras', () => {
    const payload = buildPayload(mixedSnapshot(), { ...OPTIONS, steps: ['up', 'e2e'], optimistic: true });
    expect(payload.jobs.find((j) => j.name === 'e2e-chrome')).toMatchObject({ up: 41, e2e: 67 });
    expect(payload.attempts!.find((a) => a.id === 111)!.steps).toStrictEqual({ up: 41.25, e2e: 67.125 });
  });

  it('without step names, reports sections but no steps', () => {
    const payload = buildPayload(mixedSnapshot(), { ...OPTIONS, steps: [] });
    expect(Object.keys(payload.jobs.find((j) => j.name === 'e2e-chrome')!)).toStrictEqual([
      'name',
      'started_at',
      'finished_at',
      'duration',
    ]);
    expect(payload.attempts!.some((a) => a.steps)).toBe(false);
    expect(payload.attempts!.filter((a) => a.sections).length).toBe(3);
  });

  it('rejects a step name that would overwrite a job field', () => {
    expect(() => buildPayload(mixedSnapshot(), { ...OPTIONS, steps: ['up', 'duration', 'e2e'] })).toThrow(UsageError);
  });
});

describe('buildPayload on a pipeline without e2e jobs', () => {
  const t = (hms: string) => `2024-05-01T${hms}+02:00`;
  const base = mixedSnapshot();
  const jobs = [
    gitlabJob({
      id: 201,
      name: 'build-e2e',
      stage: 'build',
      status: 'success',
      started: t('10:00:05.000'),
      finished: t('10:01:00.000'),
      duration: 55,
    }),
    gitlabJob({
      id: 202,
      name: 'unit',
      stage: 'test',
      status: 'failed',
      started: t('10:01:01.000'),
      finished: t('10:05:00.500'),
      duration: 239.5,
    }),
    gitlabJob({ id: 203, name: 'e2e-manual', stage: 'test', status: 'manual' }),
    gitlabJob({ id: 204, name: 'collect-metrics', stage: 'metrics', status: 'running', started: t('10:06:00.000'), duration: 3 }),
  ];

  it('yields no jobs, duration_e2e 0 and duration up to the last counted finish', () => {
    const payload = buildPayload({ ...base, jobs, logs: new Map() }, { ...OPTIONS, selfJobId: 204 });
    expect(PayloadSchema.parse(payload)).toStrictEqual(payload);
    expect(payload).toMatchObject({
      jobs: [],
      duration_e2e: 0,
      duration: 300,
      builds: [{ 'build-e2e': 55 }],
      build: 55,
      jobs_failed: [],
      has_restarts: false,
    });
    expect(payload.attempts!.map((a) => a.id)).toStrictEqual([201, 202, 203]);
  });

  it("falls back to GitLab's pipeline duration, then 0, when no counted job finished", () => {
    const pipeline = { ...base.pipeline, duration: 12.7 };
    const unfinished = [jobs[2]!, jobs[3]!];
    expect(buildPayload({ ...base, pipeline, jobs: unfinished, logs: new Map() }, { ...OPTIONS, selfJobId: 204 }).duration).toBe(12);
    expect(buildPayload({ ...base, jobs: unfinished, logs: new Map() }, { ...OPTIONS, selfJobId: 204 }).duration).toBe(0);
  });

  it('counts the collector job when no selfJobId is given', () => {
    const finishedSelf = gitlabJob({
      id: 204,
      name: 'collect-metrics',
      stage: 'metrics',
      status: 'success',
      started: t('10:06:00.000'),
      finished: t('10:06:30.000'),
      duration: 30,
    });
    const payload = buildPayload({ ...base, jobs: [jobs[0]!, finishedSelf], logs: new Map() }, { ...OPTIONS, selfJobId: undefined });
    expect(payload.duration).toBe(390);
  });
});

describe('jobsNeedingLogs', () => {
  const jobs = mixedJobs();

  it("'e2e': the latest attempt of each counted e2e job that finished with a duration", () => {
    expect(jobsNeedingLogs(jobs, { ...OPTIONS, logScope: 'e2e' })).toStrictEqual([111, 112, 113, 116]);
  });

  it("'all': every finished attempt that started, except the collector", () => {
    expect(jobsNeedingLogs(jobs, { ...OPTIONS, logScope: 'all' })).toStrictEqual([101, 102, 103, 109, 110, 111, 112, 113, 116, 120]);
  });

  it("'none': no logs", () => {
    expect(jobsNeedingLogs(jobs, { ...OPTIONS, logScope: 'none' })).toStrictEqual([]);
  });

  it('never asks for the collector job, even in the e2e stage', () => {
    const self = gitlabJob({
      id: 300,
      name: 'e2e-self',
      stage: 'test',
      status: 'success',
      started: '2024-05-01T08:00:00Z',
      finished: '2024-05-01T08:00:10Z',
      duration: 10,
    });
    expect(jobsNeedingLogs([...jobs, self], { ...OPTIONS, selfJobId: 300 })).toStrictEqual([111, 112, 113, 116]);
    expect(jobsNeedingLogs([...jobs, self], { ...OPTIONS, selfJobId: undefined })).toStrictEqual([111, 112, 113, 116, 300]);
  });
});
