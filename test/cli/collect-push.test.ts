import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/analytics/index.js';
import { openClickhouseStore } from '../../src/store/clickhouse/index.js';
import { expectedSeed } from '../fixtures/gitlab/expected.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';
import { runCli, startCli, waitForOutput } from '../server/cli-process.js';
import { createServerDatabase } from '../server/engines.js';
import pg from 'pg';

/**
 * The whole CI path: `collect --push` (only CI_* variables) reads the loopback GitLab and delivers
 * to a real `serve` process on the PostgreSQL server and to embedded ClickHouse at once.
 */
let fixture: PipelineFixture;
let gitlab: FixtureServer;
let db: Awaited<ReturnType<typeof createServerDatabase>>;
let serve: ChildProcess;
let metricsUrl: string;
let chDir: string;

beforeAll(async () => {
  fixture = generatePipeline({ jobs: 250, pipelineId: 4_242_001 });
  gitlab = await startGitlabServer({ fixture });
  db = await createServerDatabase('collect_push');
  chDir = await mkdtemp(join(tmpdir(), 'pm-collect-push-ch-'));
  serve = startCli(['serve', '--db', db.url, '--port', '0', '--host', '127.0.0.1', '--token', 'push-secret']);
  const [, url] = (await waitForOutput(serve.stderr!, /listening on (http:\/\/\S+)/)) as RegExpMatchArray;
  metricsUrl = url!;
});

afterAll(async () => {
  // only a serve process that was started and is still running is waited for
  if (serve && serve.exitCode === null && serve.signalCode === null) {
    const closed = new Promise((resolve) => serve.once('close', resolve));
    serve.kill('SIGTERM');
    await closed;
  }
  await gitlab?.close();
  await db?.drop();
  await rm(chDir, { recursive: true, force: true });
});

const ciEnv = () => ({ ...ciEnvFor(fixture, gitlab), PIPELINE_METRICS_TOKEN: 'push-secret' });

async function pgCount(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

async function clickhouseBuildCount(): Promise<unknown> {
  const store = await openClickhouseStore(chDir);
  try {
    const context = { fromTime: new Date('2024-04-30T00:00:00Z'), toTime: new Date('2024-05-03T00:00:00Z') };
    const result = await store.runQuery(compileQuery({ metrics: [{ function: 'count', as: 'builds' }] }, context));
    return result.rows[0]![0];
  } finally {
    await store.close();
  }
}

describe('collect --push (source CLI, CI environment)', () => {
  it('delivers to serve and to ClickHouse; a second run is reported already stored and changes nothing', async () => {
    const args = ['collect', '--push', '--push-url', metricsUrl, '--clickhouse', chDir];
    const first = await runCli(args, { env: ciEnv() });
    expect(first.stderr).toMatch(/delivered pipeline 4242001 → http:\/\/127\.0\.0\.1:\d+\/save_metrics: created/);
    expect(first.stderr).toMatch(/delivered pipeline 4242001 → embedded at .*: created/);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(''); // delivered, not printed

    const counted = fixture.attempts.filter((a) => a.id !== fixture.selfJobId);
    const finished = counted.filter((a) => ['success', 'failed', 'canceled'].includes(a.status));
    expect(await pgCount('metrics_pipeline')).toBe(1);
    expect(await pgCount('metrics_job')).toBe(expectedSeed(fixture).jobs.length);
    expect(await pgCount('metrics_job_attempt')).toBe(counted.length);
    expect(await clickhouseBuildCount()).toBe(finished.length);

    const second = await runCli(args, { env: ciEnv() });
    expect(second.stderr).toMatch(/delivered pipeline 4242001 → http:\/\/127\.0\.0\.1:\d+\/save_metrics: duplicate/);
    expect(second.stderr).toMatch(/delivered pipeline 4242001 → embedded at .*: duplicate/);
    expect(second.code).toBe(0);
    expect(await pgCount('metrics_job_attempt')).toBe(counted.length);
    expect(await clickhouseBuildCount()).toBe(finished.length);
  });

  it('checks the delivery options before asking GitLab anything', async () => {
    const before = gitlab.requests.length;
    const result = await runCli(['collect', '--push', '--push-url', 'ftp://nowhere', '--push-timeout', 'soon'], { env: ciEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: delivery options are invalid:/);
    expect(gitlab.requests.length).toBe(before);
  });

  it('in CI (CI=true) without any target: exit 2 before asking GitLab, no embedded default written', async () => {
    const before = gitlab.requests.length;
    const cwd = await mkdtemp(join(tmpdir(), 'pm-collect-ci-'));
    const result = await runCli(['collect', '--push'], { env: ciEnv(), cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: delivery options are invalid:\n {2}no delivery target: CI is set and none of --url/);
    expect(gitlab.requests.length).toBe(before);
    expect(existsSync(join(cwd, '.pipeline-metrics'))).toBe(false);
    await rm(cwd, { recursive: true, force: true });
  });
});
