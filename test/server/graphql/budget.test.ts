/**
 * A query slower than serve's --query-timeout is cancelled at the budget (ClickHouse's
 * max_execution_time and the request's AbortSignal) and answered as a GraphQL error, not a 500;
 * the service keeps answering. Also: an open service warns at start-up, and without ClickHouse
 * /graphql says what it needs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCli, waitForOutput } from '../cli-process.js';
import { newDataDir, startServe, type ServeProcess } from './serve-harness.js';

const BUILDS = 2_000_000;
let serve: ServeProcess;

beforeAll(async () => {
  const dir = newDataDir();
  const fill = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'test/server/graphql/fill-builds.ts'), join(dir, 'clickhouse'), String(BUILDS)],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (fill.status !== 0) throw new Error(`fill-builds failed: ${fill.stderr}`);
  serve = await startServe(['--query-timeout', '1'], {}, dir);
}, 300_000);
afterAll(async () => {
  await serve?.stop();
});

describe('budget', () => {
  it('cancels a query that outruns the budget with a TIMEOUT error, then keeps serving', async () => {
    const client = new GraphQLClient(`${serve.url}/graphql`);
    // one group per build, 20 quantile states over five columns: 2.5 s of work on 2 M builds on
    // this machine when quiet (2026-11-29), so it outruns the 1 s budget with room; a lighter
    // query (9 quantiles of one column, 0.6–0.8 s when quiet) finished within it when the machine ran fast
    const columns = ['duration', 'queueing_duration', 'pipeline_id', 'stage_id', 'project_id'];
    const slow = {
      dimensions: ['id', 'name', 'stage', 'status'].map((column) => ({ column })),
      metrics: columns.flatMap((column, c) =>
        ['0.2', '0.4', '0.6', '0.8'].map((p, i) => ({ function: `quantile(${p})`, column, as: `q${c}_${i}` })),
      ),
      orderBy: [{ column: 'q0_1', desc: true }],
      limit: 10,
    };
    const started = performance.now();
    const error = await client
      .request('query($q: AnalyticsQueryInput) { project(fullPath: "group/app") { pipelineAnalytics(query: $q) { values } } }', { q: slow })
      .catch((e: unknown) => e);
    const elapsedMs = performance.now() - started;
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.status).toBe(200);
    const [first] = (error as ClientError).response.errors!;
    expect(first!.extensions).toMatchObject({ code: 'TIMEOUT' });
    expect(first!.message).toMatch(/ran longer than the 1 s budget/);
    expect(elapsedMs).toBeLessThan(10_000);
    const quick = await client.request<{ project: { id: string } }>('{ project(fullPath: "group/app") { id } }');
    expect(quick.project.id).toBe('gid://gitlab/Project/42');
  }, 60_000);

  it('warns at start-up that a service without tokens is open', () => {
    expect(serve.stderr()).toMatch(/warning: no token configured: \/graphql and \/save_metrics are open/);
  });
});

describe('without ClickHouse', () => {
  it('/graphql answers that it needs --clickhouse', async () => {
    const dir = newDataDir();
    const child = startCli(['serve', '--port', '0', '--host', '127.0.0.1', '--db', join(dir, 'postgres')]);
    child.stdout!.resume();
    try {
      const [, port] = await waitForOutput(child.stderr!, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 120_000);
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        errors: [
          {
            message: expect.stringMatching(/^\/graphql needs a ClickHouse store: start serve with --clickhouse/) as unknown,
            extensions: { code: 'UNAVAILABLE' },
          },
        ],
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  }, 120_000);
});
