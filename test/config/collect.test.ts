import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCollectConfig, resolveCollectConfig } from '../../src/config/collect.js';
import { DEFAULT_CLASSIFY } from '../../src/payload/options.js';
import { usageProblems } from '../helpers/usage-problems.js';

const CI = {
  CI_API_V4_URL: 'https://gitlab.example.test/api/v4',
  CI_SERVER_URL: 'https://ignored.example.test',
  CI_JOB_TOKEN: 'job-token',
  CI_PROJECT_ID: '42',
  CI_PROJECT_PATH: 'group/sub/app',
  CI_PIPELINE_ID: '1001',
  CI_DEFAULT_BRANCH: 'main',
  CI_JOB_ID: '555',
};

describe('collect config', () => {
  it('takes everything from the CI environment', () => {
    expect(resolveCollectConfig({}, { ...CI, GITLAB_TOKEN: 'glpat-1' })).toEqual({
      gitlabUrl: 'https://gitlab.example.test/api/v4',
      token: 'glpat-1',
      tokenInfo: { kind: 'private', source: 'GITLAB_TOKEN' },
      project: '42',
      projectPath: 'group/sub/app',
      pipelineId: 1001,
      defaultBranch: 'main',
      classify: { ...DEFAULT_CLASSIFY, selfJobId: 555 },
      output: undefined,
      timeoutMs: 60_000,
      concurrency: 16,
      downstream: { enabled: true, maxDepth: 2, maxPipelines: 50 },
    });
  });

  it('falls back to CI_SERVER_URL + /api/v4, PRIVATE_TOKEN, then CI_JOB_TOKEN (sent as JOB-TOKEN)', () => {
    const { CI_API_V4_URL: _, ...env } = CI;
    const viaServer = resolveCollectConfig({}, { ...env, CI_SERVER_URL: 'https://gl.test/root/' });
    expect(viaServer.gitlabUrl).toBe('https://gl.test/root/api/v4');
    expect(viaServer.tokenInfo).toEqual({ kind: 'job', source: 'CI_JOB_TOKEN' });
    expect(resolveCollectConfig({}, { ...env, PRIVATE_TOKEN: 'p' }).tokenInfo).toEqual({ kind: 'private', source: 'PRIVATE_TOKEN' });
  });

  it('flags win over env; a project given by flag does not borrow the CI project path or branch', () => {
    const config = resolveCollectConfig(
      {
        gitlabUrl: 'http://127.0.0.1:9/',
        token: 't',
        project: '7',
        pipeline: '8',
        e2eExclude: 'a, b c',
        steps: 'pull up e2e',
        logs: 'all',
        optimistic: true,
        timeout: '2.5',
      },
      CI,
    );
    expect(config).toMatchObject({ gitlabUrl: 'http://127.0.0.1:9/api/v4', token: 't', project: '7', pipelineId: 8, timeoutMs: 2500 });
    expect(config.tokenInfo).toEqual({ kind: 'private', source: '--token' });
    expect(config.projectPath).toBeUndefined();
    expect(config.defaultBranch).toBeUndefined();
    expect(config.classify).toMatchObject({ e2eExclude: ['a', 'b', 'c'], steps: ['pull', 'up', 'e2e'], logScope: 'all', optimistic: true });
    expect(resolveCollectConfig({ project: 'x/y' }, CI).projectPath).toBe('x/y');
  });

  it('reads classification settings from PIPELINE_METRICS_* variables', () => {
    const config = resolveCollectConfig(
      {},
      {
        ...CI,
        PIPELINE_METRICS_E2E_STAGE: 'e2e',
        PIPELINE_METRICS_BUILD_JOBS: 'b1,b2',
        PIPELINE_METRICS_OPTIMISTIC: 'yes',
        PIPELINE_METRICS_LOGS: 'none',
      },
    );
    expect(config.classify).toMatchObject({ e2eStage: 'e2e', buildJobs: ['b1', 'b2'], optimistic: true, logScope: 'none' });
  });

  it('lists every problem at once, naming the field, its sources and the allowed values', () => {
    expect(
      usageProblems(() =>
        resolveCollectConfig(
          { logs: 'some', steps: 'up up', timeout: '0', jobId: 'me', concurrency: '64' },
          { CI_PROJECT_ID: 'not a path', PIPELINE_METRICS_OPTIMISTIC: 'maybe' },
        ),
      ),
    ).toEqual([
      'gitlabUrl (--gitlab-url / CI_API_V4_URL / CI_SERVER_URL): required, e.g. https://gitlab.example.com/api/v4',
      'token (--token / GITLAB_TOKEN / PRIVATE_TOKEN / CI_JOB_TOKEN): required, an access token with the read_api scope',
      'project (--project / CI_PROJECT_ID / CI_PROJECT_PATH): "not a path" is neither a numeric id nor a path like group/sub/project',
      'pipeline (--pipeline / CI_PIPELINE_ID): required, a positive integer id',
      'steps (--steps / PIPELINE_METRICS_STEPS): "up up" must be distinct step names, e.g. "up e2e" or "pull up e2e"',
      'logs (--logs / PIPELINE_METRICS_LOGS): "some" is not allowed; allowed: e2e, all, none',
      'jobId (--job-id / CI_JOB_ID): "me" is not a positive integer id',
      'optimistic (PIPELINE_METRICS_OPTIMISTIC): "maybe" is not allowed; allowed: true, false, 1, 0, yes, no',
      'timeout (--timeout / PIPELINE_METRICS_TIMEOUT): "0" must be seconds, a number > 0 and <= 3600',
      'concurrency (--concurrency / PIPELINE_METRICS_CONCURRENCY): "64" must be an integer from 1 to 32',
    ]);
  });

  it('reads a YAML or JSON config file below env and flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pm-collect-config-'));
    const yaml = join(dir, 'collect.yml');
    await writeFile(
      yaml,
      'gitlabUrl: https://file.test\ntoken: file-token\nproject: file/proj\npipeline: 9\ne2eExclude: [unit, smoke]\nsteps: pull up e2e\ntimeout: 5\n',
    );
    const fromFile = await loadCollectConfig({ config: yaml }, {});
    expect(fromFile).toMatchObject({
      gitlabUrl: 'https://file.test/api/v4',
      token: 'file-token',
      project: 'file/proj',
      projectPath: 'file/proj',
      pipelineId: 9,
      timeoutMs: 5000,
    });
    expect(fromFile.classify).toMatchObject({ e2eExclude: ['unit', 'smoke'], steps: ['pull', 'up', 'e2e'] });
    const envWins = await loadCollectConfig(
      { pipeline: '11' },
      { PIPELINE_METRICS_CONFIG: yaml, GITLAB_TOKEN: 'env-token', CI_JOB_TOKEN: 'job' },
    );
    expect(envWins).toMatchObject({ token: 'env-token', pipelineId: 11 });
    expect((await loadCollectConfig({ config: yaml }, { CI_JOB_TOKEN: 'job' })).tokenInfo.source).toBe('the config file');

    const json = join(dir, 'bad.json');
    await writeFile(json, JSON.stringify({ project: 'a/b', pipeline: 1, gitlabURL: 'x', optimistic: 'no' }));
    const error = await loadCollectConfig({ config: json }, {}).catch((e: unknown) => e);
    expect((error as Error).message.split('\n').map((l) => l.trim())).toEqual([
      'collect options are invalid:',
      `config file ${json}: optimistic: Invalid input: expected boolean, received string`,
      `config file ${json}: (root): Unrecognized key: "gitlabURL"`,
      `config file ${json}: allowed keys are gitlabUrl, token, project, pipeline, defaultBranch, jobId, e2eStage, e2eExclude, buildStage, buildJobs, steps, optimistic, logs, output, timeout, concurrency, downstream, downstreamDepth, downstreamMax`,
      'gitlabUrl (--gitlab-url / CI_API_V4_URL / CI_SERVER_URL): required, e.g. https://gitlab.example.com/api/v4',
      'token (--token / GITLAB_TOKEN / PRIVATE_TOKEN / CI_JOB_TOKEN): required, an access token with the read_api scope',
    ]);
  });
});
