/**
 * Seed 002's document, read/push token separation, hostile inputs and document limits against a
 * real `serve` process on chDB (through graphql-request), then `query --url` against the same
 * service and a local `query` on the same data directory: the same output, byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS } from '../../analytics/hostile-strings.js';
import { DATASET, RANGE, SEED_INPUT } from '../../store/clickhouse/dataset.js';
import { JOB_PIPELINES } from './jobs-dataset.js';
import { runCli, type CliRun } from '../cli-process.js';
import { pushAll, startServe, type ServeProcess } from './serve-harness.js';

const PUSH = 'push-token-1';
const READ = 'read-token-all';
const READ_TEAM = 'read-token-team';
let serve: ServeProcess;
const reader = (token = READ) => new GraphQLClient(`${serve.url}/graphql`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  serve = await startServe(['--token', PUSH, '--read-token', READ, '--read-token', `${READ_TEAM}=team/*`]);
  await pushAll(serve.url, [...DATASET, ...JOB_PIPELINES], PUSH);
}, 180_000);
afterAll(async () => {
  await serve?.stop();
});

/** The seed's getJobAnalytics document as written there, with only `$query: query` fixed to `query: $query`. */
const SEED_DOCUMENT = `query getJobAnalytics(
$fullPath: ID!
$fromTime: Time!
$toTime: Time!
$source: CiPipelineSources
$branch: String
$query: AnalyticsQuery # here is where the magic happens!
) {
project(fullPath: $fullPath) {
id
pipelineAnalytics(fromTime: $fromTime, toTime: $toTime, source: $source, ref: $branch, query: $query) {
values # ordered array representation of the rows
errors
}
}
}`;

describe("seed 002's API", () => {
  it('runs the seed document with the seed input: rows as ordered arrays, compiled by the query compiler', async () => {
    const data = await reader().request<{ project: { id: string; pipelineAnalytics: { values: unknown[][]; errors: string[] } } }>(
      SEED_DOCUMENT,
      {
        fullPath: 'group/app',
        fromTime: RANGE.fromTime.toISOString(),
        toTime: RANGE.toTime.toISOString(),
        query: SEED_INPUT,
      },
    );
    expect(data.project.id).toBe('gid://gitlab/Project/42');
    const { values, errors } = data.project.pipelineAnalytics;
    expect(errors).toEqual([]);
    // [jobName, stage, count, medianDuration (ms), p95Duration, failedCount, successCount], by mean desc
    expect(values.map(([name, stage, count, mean, , failed, success]) => [name, stage, count, mean, failed, success])).toEqual([
      ['job-e2e', 'e2e', 2, 250_000, 1, 1],
      ['job-build', 'build', 3, 80_000, 0, 3],
      ['job-test', 'test', 4, 31_250, 1, 2],
    ]);
    for (const row of values) expect(typeof row[4]).toBe('number');
  });

  it("reports an invalid query as a GraphQL error with the CLI's path: message lines, never a 500", async () => {
    const error = await reader()
      .request(SEED_DOCUMENT, {
        fullPath: 'group/app',
        fromTime: '2024-05-01',
        toTime: '2024-05-04',
        query: { metrics: [{ function: 'avgg', column: 'duration' }] },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    const [first] = (error as ClientError).response.errors!;
    expect(first!.message).toMatch(/^query is invalid:\n {2}metrics\[0\]\.function: unknown function "avgg"; allowed: /);
    expect((first!.extensions as { code: string; issues: string[] }).issues[0]).toMatch(/^metrics\[0\]\.function: unknown function "avgg"/);
  });

  it('accepts an alias naming the column it labels ({ column: stage_name, as: stage })', async () => {
    const data = await reader().request<{ project: { pipelineAnalytics: { columns: { name: string }[]; values: unknown[][] } } }>(
      `{ project(fullPath: "group/app") { pipelineAnalytics(fromTime: "2024-05-01", toTime: "2024-05-04", query: {
        dimensions: [{ column: "stage_name", as: "stage" }], metrics: [{ function: "count", as: "builds" }], orderBy: [{ column: "stage" }] }) { columns { name } values } } }`,
    );
    expect(data.project.pipelineAnalytics.columns.map((c) => c.name)).toEqual(['stage', 'builds']);
    expect(data.project.pipelineAnalytics.values).toEqual([
      ['build', 3],
      ['e2e', 2],
      ['test', 5],
    ]);
  });
});

describe('tokens', () => {
  const status = async (path: string, token: string | undefined, body: unknown) =>
    (
      await fetch(`${serve.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      })
    ).status;
  const doc = { query: '{ project(fullPath: "group/app") { id } }' };

  it('a push token cannot read, a read token cannot push, no token does neither', async () => {
    expect(await status('/graphql', PUSH, doc)).toBe(401);
    expect(await status('/graphql', undefined, doc)).toBe(401);
    expect(await status('/graphql', READ, doc)).toBe(200);
    expect(await status('/save_metrics', READ, DATASET[0])).toBe(401);
    expect(await status('/save_metrics', PUSH, DATASET[0])).toBe(208);
  });

  it('a read token limited to team/* reads team/jobs only; other projects are null, as not found', async () => {
    const data = await reader(READ_TEAM).request<Record<string, { fullPath: string } | null>>(
      '{ team: project(fullPath: "team/jobs") { fullPath } app: project(fullPath: "group/app") { fullPath } byId: project(fullPath: "42") { fullPath } }',
    );
    expect(data).toEqual({ team: { fullPath: 'team/jobs' }, app: null, byId: null });
    const error = await reader(READ_TEAM)
      .request('{ pipelineAnalytics { aggregate { count } } }')
      .catch((e: unknown) => e);
    expect((error as ClientError).response.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('guards', () => {
  const post = async (body: unknown) => {
    const response = await fetch(`${serve.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${READ}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string }[] } };
  };

  it('refuses too costly and too large documents before running anything (400, not 500)', async () => {
    const costly = `{ ${Array.from({ length: 12 }, (_, i) => `p${i}: project(fullPath: "group/app") { jobAnalytics { nodes { name } } }`).join(' ')} }`;
    const cost = await post({ query: costly });
    expect(cost.status).toBe(400);
    expect(cost.body.errors![0]!.message).toMatch(/too complex/);
    const large = await post({ query: `{ project(fullPath: "${'x'.repeat(10_001)}") { id } }` });
    expect(large.status).toBe(400);
    expect(large.body.errors![0]!.message).toMatch(/too large/);
  });

  it('refuses a document nested deeper than the limit (400, not 500)', async () => {
    let selection = 'mean';
    for (let i = 0; i < 12; i++) selection = `... on CiDurationStatistics { ${selection} }`;
    const deep = await post({
      query: `{ project(fullPath: "group/app") { jobAnalytics { nodes { statistics { durationStatistics { ${selection} } } } } } }`,
    });
    expect(deep.status).toBe(400);
    expect(deep.body.errors![0]!.message).toMatch(/depth/);
  });

  it('hostile strings in every argument and query slot: GraphQL errors or harmless data, never a 500; nothing is changed', async () => {
    for (const text of HOSTILE_STRINGS) {
      const query = { metrics: [{ function: 'count' }], dimensions: [{ column: 'name' }] };
      const inputs: unknown[] = [
        { ...query, dimensions: [{ column: text }] },
        { ...query, dimensions: [{ column: 'name', as: text }] },
        { ...query, metrics: [{ function: text }] },
        { ...query, filter: [{ column: 'name', operator: text, value: 'x' }] },
        { ...query, filter: [{ column: 'name', operator: '=', value: text }] },
        { ...query, filter: [{ column: 'name', operator: 'IN', value: [text, text] }] },
        { ...query, orderBy: [{ column: text }] },
        { ...query, table: text },
      ];
      for (const input of inputs) {
        const answer = await post({
          query:
            'query($q: AnalyticsQueryInput, $p: ID!, $ref: String) { project(fullPath: $p) { pipelineAnalytics(fromTime: "2024-05-01", toTime: "2024-05-04", ref: $ref, query: $q) { values } } }',
          variables: { q: input, p: 'group/app', ref: text },
        });
        expect(answer.status).toBeLessThan(500);
        expect(answer.body.errors ?? answer.body.data).toBeTruthy();
      }
      for (const args of [
        `nameSearch: ${JSON.stringify(text)}`,
        `after: ${JSON.stringify(text)}`,
        `ref: ${JSON.stringify(text)}`,
        `fromTime: ${JSON.stringify(text)}`,
      ]) {
        const answer = await post({ query: `{ project(fullPath: "team/jobs") { jobAnalytics(${args}) { nodes { name } } } }` });
        expect(answer.status).toBeLessThan(500);
      }
      expect((await post({ query: `{ project(fullPath: ${JSON.stringify(text)}) { id } }` })).body.data).toEqual({ project: null });
    }
    const after = await post({ query: '{ pipelineAnalytics(fromTime: "2024-01-01", toTime: "2025-01-01") { aggregate { count } } }' });
    expect(after.body.data).toEqual({ pipelineAnalytics: { aggregate: { count: String(DATASET.length + JOB_PIPELINES.length) } } });
  }, 240_000);
});

describe('query --url and a local query print the same', () => {
  const FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
  const remote: Record<string, CliRun> = {};
  const context = ['--project', 'group/app', '--from', '2024-05-01', '--to', '2024-05-04', '--ref', 'main'];
  let queryFile: string;
  let badFile: string;

  beforeAll(() => {
    queryFile = join(serve.dir, 'seed.json');
    badFile = join(serve.dir, 'bad.json');
    writeFileSync(queryFile, JSON.stringify(SEED_INPUT));
    writeFileSync(
      badFile,
      JSON.stringify({ dimensions: [{ column: 'stagee' }], metrics: [{ function: 'quantile(2)', column: 'duration' }] }),
    );
  });

  it('runs through the server (one request per format), also for a bad file', async () => {
    for (const format of FORMATS) {
      remote[format] = await runCli(['query', queryFile, '--url', serve.url, '--format', format, ...context], {
        env: { PIPELINE_METRICS_TOKEN: READ },
      });
      expect(remote[format]!.code, remote[format]!.stderr).toBe(0);
    }
    remote.bad = await runCli(['query', badFile, '--url', serve.url, '--token', READ, ...context]);
    expect(remote.bad.code).toBe(3);
  }, 120_000);

  it('a refused token exits 3, an unreachable server 4, an unknown project 2', async () => {
    const refused = await runCli(['query', queryFile, '--url', serve.url, '--token', PUSH, ...context]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused the token \(HTTP 401\)/);
    const unreachable = await runCli(['query', queryFile, '--url', 'http://127.0.0.1:9', ...context]);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/Could not reach the metrics server \(http:\/\/127\.0\.0\.1:9\/graphql\): network error/);
    const unknown = await runCli([
      'query',
      queryFile,
      '--url',
      serve.url,
      '--token',
      READ,
      ...context.slice(2),
      '--project',
      'nobody/here',
    ]);
    expect(unknown.code).toBe(2);
  }, 120_000);

  it('prints identical output locally on the same data (after the service stopped)', async () => {
    await serve.stop({ keepData: true });
    const clickhouse = join(serve.dir, 'clickhouse');
    for (const format of FORMATS) {
      const local = await runCli(['query', queryFile, '--clickhouse', clickhouse, '--format', format, ...context]);
      expect(local.code, local.stderr).toBe(0);
      expect(local.stdout).toBe(remote[format]!.stdout);
    }
    expect(remote.table!.stdout).toMatch(/job-e2e/);
    const bad = await runCli(['query', badFile, '--clickhouse', clickhouse, ...context]);
    expect([bad.code, bad.stderr]).toEqual([remote.bad!.code, remote.bad!.stderr]);
    const unknown = await runCli(['query', queryFile, '--clickhouse', clickhouse, ...context.slice(2), '--project', 'nobody/here']);
    expect(unknown.code).toBe(2);
  }, 180_000);
});
