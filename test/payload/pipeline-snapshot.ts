import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GitlabJobSchema, GitlabPipelineSchema, type GitlabJob, type PipelineSnapshot } from '../../src/gitlab/types.js';

/** Hand-built GitLab data for buildPayload tests (GitLab API v4 shapes, parsed by our schemas). */

export function readLogFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/logs/${name}`, import.meta.url)), 'utf8');
}

export const SELF_JOB_ID = 130;

interface JobSpec {
  id: number;
  name: string;
  stage: string;
  status: string;
  started?: string;
  finished?: string;
  duration?: number;
  queued?: number;
  /** documents the plan only: GitLab's REST API sends no `retried` field */
  retried?: boolean;
  allowFailure?: boolean;
  failureReason?: string;
  created?: string;
}

/** A job as GitLab's `GET /projects/:id/pipelines/:id/jobs?include_retried=true` returns it. */
export function gitlabJob(spec: JobSpec): GitlabJob {
  const ran = spec.started !== undefined;
  return GitlabJobSchema.parse({
    id: spec.id,
    status: spec.status,
    stage: spec.stage,
    name: spec.name,
    ref: 'main',
    tag: false,
    coverage: null,
    allow_failure: spec.allowFailure ?? false,
    created_at: spec.created ?? '2024-05-01T10:00:00.050+02:00',
    started_at: spec.started ?? null,
    finished_at: spec.finished ?? null,
    erased_at: null,
    duration: spec.duration ?? null,
    queued_duration: spec.queued ?? (ran ? 0.4 : null),
    user: { id: 5, username: 'dev', name: 'Dev', state: 'active' },
    commit: { id: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', short_id: 'a1b2c3d4', title: 'Change' },
    pipeline: { id: 9001, project_id: 42, ref: 'main', sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', status: 'running' },
    web_url: `https://gitlab.example.com/group/app/-/jobs/${spec.id}`,
    artifacts: [],
    runner: ran
      ? {
          id: 7,
          description: 'docker-runner-1',
          ip_address: null,
          active: true,
          paused: false,
          is_shared: true,
          runner_type: 'instance_type',
          name: 'gitlab-runner',
          online: true,
          status: 'online',
        }
      : null,
    tag_list: ran ? ['docker'] : [],
    archived: false,
    ...(spec.failureReason ? { failure_reason: spec.failureReason } : {}),
  });
}

export const PIPELINE_JSON = {
  id: 9001,
  iid: 77,
  project_id: 42,
  sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  ref: 'main',
  status: 'running',
  source: 'push',
  created_at: '2024-05-01T10:00:00.000+02:00',
  updated_at: '2024-05-01T10:02:31.100+02:00',
  web_url: 'https://gitlab.example.com/group/app/-/pipelines/9001',
  before_sha: '0000000000000000000000000000000000000000',
  tag: false,
  yaml_errors: null,
  user: { id: 5, username: 'dev' },
  started_at: '2024-05-01T10:00:05.500+02:00',
  finished_at: null,
  committed_at: null,
  duration: null,
  queued_duration: 5.5,
  coverage: null,
  detailed_status: { icon: 'status_running', text: 'Running' },
  name: null,
};

const t = (hms: string) => `2024-05-01T${hms}+02:00`;

/** 15 attempts: retried, manual, skipped, canceled, allow_failure, running, pending, excluded. */
export function mixedJobs(): GitlabJob[] {
  return [
    gitlabJob({
      id: 101,
      name: 'build-e2e',
      stage: 'build',
      status: 'success',
      created: t('10:00:00.100'),
      started: '2024-05-01T08:00:06.000Z',
      finished: '2024-05-01T08:01:10.900Z',
      duration: 64.9,
      queued: 5.9,
    }),
    gitlabJob({
      id: 102,
      name: 'build-docs',
      stage: 'build',
      status: 'success',
      started: t('10:00:06.000'),
      finished: t('10:00:36.200'),
      duration: 30.2,
    }),
    gitlabJob({
      id: 103,
      name: 'unit',
      stage: 'test',
      status: 'failed',
      started: t('10:01:11.000'),
      finished: t('10:01:21.000'),
      duration: 10,
      failureReason: 'script_failure',
    }),
    gitlabJob({
      id: 109,
      name: 'e2e-tablet',
      stage: 'test',
      status: 'failed',
      retried: true,
      started: t('10:01:14.000'),
      finished: t('10:01:24.750'),
      duration: 10.75,
      failureReason: 'script_failure',
    }),
    gitlabJob({
      id: 110,
      name: 'e2e-chrome',
      stage: 'test',
      status: 'failed',
      retried: true,
      started: t('10:01:12.000'),
      finished: t('10:01:40.250'),
      duration: 28.25,
      failureReason: 'script_failure',
    }),
    gitlabJob({
      id: 111,
      name: 'e2e-chrome',
      stage: 'test',
      status: 'success',
      retried: false,
      started: '2024-05-01T08:01:45.677Z',
      finished: '2024-05-01T08:02:13.293Z',
      duration: 27.616,
    }),
    gitlabJob({
      id: 112,
      name: 'e2e-firefox',
      stage: 'test',
      status: 'success',
      started: t('10:01:12.000'),
      finished: t('10:02:30.999'),
      duration: 78.999,
    }),
    gitlabJob({
      id: 113,
      name: 'e2e-safari',
      stage: 'test',
      status: 'failed',
      allowFailure: true,
      started: t('10:01:13.000'),
      finished: t('10:01:50.500'),
      duration: 37.5,
      failureReason: 'script_failure',
    }),
    gitlabJob({ id: 114, name: 'e2e-edge', stage: 'test', status: 'manual' }),
    gitlabJob({ id: 115, name: 'e2e-opera', stage: 'test', status: 'skipped' }),
    gitlabJob({
      id: 116,
      name: 'e2e-mobile',
      stage: 'test',
      status: 'canceled',
      started: t('10:01:20.000'),
      finished: t('10:01:30.500'),
      duration: 10.5,
    }),
    gitlabJob({
      id: 117,
      name: 'e2e-tablet',
      stage: 'test',
      status: 'running',
      retried: false,
      started: t('10:01:30.000'),
      duration: 40.2,
    }),
    gitlabJob({ id: 118, name: 'e2e-pending', stage: 'test', status: 'pending' }),
    gitlabJob({
      id: 120,
      name: 'coverage',
      stage: 'test',
      status: 'success',
      started: t('10:01:11.000'),
      finished: t('10:03:00.000'),
      duration: 109,
    }),
    gitlabJob({ id: SELF_JOB_ID, name: 'collect-metrics', stage: 'metrics', status: 'running', started: t('10:02:40.000'), duration: 1.5 }),
    gitlabJob({ id: 131, name: 'deploy', stage: 'deploy', status: 'created', created: '2024-05-01T10:00:00.100+0200' }),
  ];
}

/** A short log of the first e2e-chrome attempt: one runner section, no `time` lines. */
export const RETRIED_CHROME_LOG =
  'section_start:1714557672:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage\x1b[0;m\r\n' +
  '\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m\r\n' +
  'section_end:1714557699:step_script\r\x1b[0K\r\n';

export function mixedSnapshot(): PipelineSnapshot {
  return {
    projectPath: 'group/app',
    projectId: 42,
    defaultBranch: 'main',
    pipeline: GitlabPipelineSchema.parse(PIPELINE_JSON),
    jobs: mixedJobs(),
    logs: new Map([
      [110, RETRIED_CHROME_LOG],
      [111, readLogFixture('e2e-classic.log')],
      [112, readLogFixture('e2e-timestamped.log')],
    ]),
  };
}
