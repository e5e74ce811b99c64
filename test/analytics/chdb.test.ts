import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CI_FINISHED_BUILDS_COLUMNS, CI_FINISHED_PIPELINES_COLUMNS, type TableColumn } from '../../src/analytics/catalog.js';
import { compileQuery } from '../../src/analytics/compile.js';
import { HOSTILE_STRINGS } from './hostile-strings.js';
import { SEED_INPUT } from '../fixtures/queries/seed-input.js';

/**
 * Runs compiled queries on a real ClickHouse engine (chDB), on tables created from the catalog
 * with GitLab's engines and keys: the SQL parses, parameters bind, and the seed's input returns
 * what the seed's hand-written SQL returns. The tables are read without FINAL, as GitLab's default
 * finder reads them (duplicates are kept out by our writes: test/store/clickhouse/idempotent.test.ts).
 */

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

const dir = mkdtempSync(join(tmpdir(), 'pm-analytics-chdb-'));
let client: ClickHouseClient;

function ddl(table: string, columns: Record<string, TableColumn>, tail: string): string {
  const defs = Object.entries(columns).map(
    ([name, c]) => `\`${name}\` ${c.type}${c.materialized ? ` MATERIALIZED ${c.materialized}` : ''}`,
  );
  return `CREATE TABLE ${table} (${defs.join(', ')}) ${tail}`;
}

async function rows(query: string, params: Record<string, unknown> = {}): Promise<unknown[][]> {
  const result = await client.query({ query, query_params: params, format: 'JSONCompactEachRow' });
  return result.json<unknown[]>();
}

const context = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-08T00:00:00Z') };
const t = (iso: string) => iso.replace('T', ' ').replace('Z', '');

const pipelines = [
  { id: 1, started_at: t('2024-05-02T10:00:00Z'), ref: 'main', source: 'push', status: 'success' },
  { id: 2, started_at: t('2024-05-03T10:00:00Z'), ref: 'feature', source: 'merge_request_event', status: 'failed' },
  { id: 3, started_at: t('2024-04-20T10:00:00Z'), ref: 'main', source: 'push', status: 'success' },
  { id: 4, started_at: t('2024-05-08T00:00:00Z'), ref: 'main', source: 'schedule', status: 'success' },
  { id: 5, started_at: t('2024-06-02T00:00:00Z'), ref: 'hostile', source: 'push', status: 'success' },
];
function build(id: number, pipeline: number, name: string, stage: string, status: string, seconds: number, project = 7) {
  const start = Date.parse('2024-05-02T10:00:00Z') + id * 60_000;
  return {
    id,
    project_id: project,
    pipeline_id: pipeline,
    name,
    stage_name: stage,
    status,
    queued_at: t(new Date(start - 5_000).toISOString()),
    started_at: t(new Date(start).toISOString()),
    finished_at: t(new Date(start + seconds * 1000).toISOString()),
    allow_failure: id === 5,
  };
}
const builds = [
  build(1, 1, 'job-a', 'test', 'success', 10),
  build(2, 1, 'job-b', 'test', 'failed', 20),
  build(3, 1, 'lint', 'build', 'success', 5),
  build(4, 2, 'job-a', 'test', 'failed', 30),
  build(5, 2, 'job-b', 'test', 'success', 40, 8),
  build(6, 3, 'job-a', 'test', 'success', 99),
  build(7, 4, 'job-a', 'test', 'success', 99),
  ...HOSTILE_STRINGS.map((name, i) => build(100 + i, 5, name, 'hostile', 'success', 1)),
];

beforeAll(async () => {
  client = createClient({
    // chdb's connection implements the client's interface; the package types differ in generics
    connection: createChdbConnection({ path: dir }) as unknown as ClientConnection,
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
  await client.command({
    query: ddl(
      'ci_finished_builds',
      CI_FINISHED_BUILDS_COLUMNS,
      'ENGINE = ReplacingMergeTree(version, deleted) PARTITION BY toYear(finished_at) ORDER BY (status, runner_type, project_id, finished_at, id)',
    ),
  });
  await client.command({
    query: ddl(
      'ci_finished_pipelines',
      CI_FINISHED_PIPELINES_COLUMNS,
      'ENGINE = ReplacingMergeTree PARTITION BY toYear(finished_at) ORDER BY id',
    ),
  });
  await client.insert({ table: 'ci_finished_pipelines', values: pipelines, format: 'JSONEachRow' });
  await client.insert({ table: 'ci_finished_builds', values: builds, format: 'JSONEachRow' });
});

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('compiled queries on chDB', () => {
  it('the seed input returns the rows of the seed hand-written SQL (in range)', async () => {
    const compiled = compileQuery(SEED_INPUT, context);
    const handWritten = `
      SELECT name AS jobName, stage_name AS stage, count(*) AS count, avg(duration) AS medianDuration,
        quantile(0.95)(duration) AS p95Duration, countIf(status = 'failed') AS failedCount, countIf(status = 'success') AS successCount
      FROM ci_finished_builds
      WHERE name LIKE 'job%' AND pipeline_id IN (SELECT id FROM ci_finished_pipelines
        WHERE started_at >= '2024-05-01 00:00:00' AND started_at < '2024-05-08 00:00:00')
      GROUP BY name, stage
      ORDER BY medianDuration DESC, jobName DESC
      LIMIT 10`;
    const expected = [
      ['job-b', 'test', '2', 30000, 39000, '1', '1'],
      ['job-a', 'test', '2', 20000, 29000, '1', '1'],
    ];
    expect(await rows(handWritten)).toEqual(expected);
    expect(await rows(compiled.sql, compiled.params)).toEqual(expected);
  });

  it('applies project, source and ref from the context', async () => {
    const query = {
      dimensions: [{ column: 'name' }],
      metrics: [{ function: 'count' }],
      filter: [{ column: 'stage', operator: '!=', value: 'hostile' }],
    };
    const run = async (extra: object) => {
      const compiled = compileQuery(query, { ...context, ...extra });
      return rows(compiled.sql, compiled.params);
    };
    expect(await run({})).toEqual([
      ['job-a', '2'],
      ['job-b', '2'],
      ['lint', '1'],
    ]);
    expect(await run({ projectId: 8 })).toEqual([['job-b', '1']]);
    expect(await run({ ref: 'feature' })).toEqual([
      ['job-a', '1'],
      ['job-b', '1'],
    ]);
    expect(await run({ source: 'push', ref: 'main' })).toEqual([
      ['job-a', '1'],
      ['job-b', '1'],
      ['lint', '1'],
    ]);
  });

  it('joins the pipeline ref, buckets time, filters on HAVING, binds Bool and Array parameters', async () => {
    const compiled = compileQuery(
      {
        dimensions: [
          { column: 'ref' },
          { column: 'finished_at', granularity: 'day', as: 'day' },
          { column: 'finished_at', granularity: 'week', as: 'week' },
        ],
        metrics: [
          { function: 'count', as: 'jobs' },
          {
            function: 'countIf',
            condition: [
              { column: 'allow_failure', operator: '=', value: false },
              { column: 'status', operator: 'IN', value: ['failed', 'canceled'] },
            ],
            as: 'hardFailures',
          },
          { function: 'max', column: 'finished_at', as: 'last' },
        ],
        filter: [
          { column: 'jobs', operator: '>=', value: 2 },
          { column: 'day', operator: '>=', value: '2024-05-02T00:00:00Z' },
        ],
        orderBy: [{ column: 'jobs', desc: true }],
      },
      context,
    );
    expect(await rows(compiled.sql, compiled.params)).toEqual([
      ['main', '2024-05-02 00:00:00', '2024-04-29', '3', '1', '2024-05-02 10:03:05.000000'],
      ['feature', '2024-05-02 00:00:00', '2024-04-29', '2', '1', '2024-05-02 10:05:40.000000'],
    ]);
  });

  it('rateIf is the share of matching rows: failedCount / count per job', async () => {
    const failed = { column: 'status', operator: '=', value: 'failed' };
    const compiled = compileQuery(
      {
        dimensions: [{ column: 'name' }],
        metrics: [
          { function: 'count', as: 'runs' },
          { function: 'countIf', condition: failed, as: 'failedCount' },
          { function: 'rateIf', condition: failed, as: 'failureRate' },
        ],
        orderBy: [{ column: 'name' }],
      },
      context,
    );
    const result = await rows(compiled.sql, compiled.params);
    const handWritten = await rows(`
      SELECT name, count() AS runs, countIf(status = 'failed') AS failedCount, failedCount / runs AS failureRate
      FROM ci_finished_builds
      WHERE pipeline_id IN (SELECT id FROM ci_finished_pipelines
        WHERE started_at >= '2024-05-01 00:00:00' AND started_at < '2024-05-08 00:00:00')
      GROUP BY name ORDER BY name`);
    expect(result).toEqual(handWritten);
    // the data has both failing and clean jobs, so the rate is not trivially 0 or 1 everywhere
    const rates = result.map((row) => row[3] as number);
    expect(rates.some((r) => r > 0 && r < 1)).toBe(true);
    expect(rates.some((r) => r === 0)).toBe(true);
  });

  it('rateIf filters (HAVING) and orders by its alias; without dimensions it is the overall share', async () => {
    const failed = { column: 'status', operator: '=', value: 'failed' };
    const perJob = compileQuery(
      {
        dimensions: [{ column: 'name' }],
        metrics: [
          { function: 'rateIf', condition: failed, as: 'failureRate' },
          { function: 'countIf', condition: failed, as: 'failedCount' },
        ],
        filter: [{ column: 'failureRate', operator: '>', value: 0 }],
        orderBy: [{ column: 'failureRate', desc: true }, { column: 'name' }],
      },
      context,
    );
    // in range: job-a 1 of 2 failed, job-b 1 of 2, lint 0 of 1 (dropped by HAVING)
    expect(await rows(perJob.sql, perJob.params)).toEqual([
      ['job-a', 0.5, '1'],
      ['job-b', 0.5, '1'],
    ]);
    const overall = compileQuery(
      { metrics: [{ function: 'count' }, { function: 'rateIf', condition: failed, as: 'failureRate' }] },
      context,
    );
    expect(await rows(overall.sql, overall.params)).toEqual([['5', 0.4]]);
    // no rows at all and no GROUP BY: ClickHouse still returns one row; the rate is nan, sent as null
    const empty = compileQuery(
      { metrics: [{ function: 'count' }, { function: 'rateIf', condition: failed }] },
      {
        fromTime: new Date('2020-01-01T00:00:00Z'),
        toTime: new Date('2020-01-02T00:00:00Z'),
      },
    );
    expect(await rows(empty.sql, empty.params)).toEqual([['0', null]]);
  });

  it('binds every hostile string as data: equality finds exactly its row, the tables stay intact', async () => {
    for (const hostile of HOSTILE_STRINGS) {
      const compiled = compileQuery(
        {
          dimensions: [{ column: 'name' }],
          metrics: [{ function: 'count' }],
          filter: [{ column: 'name', operator: 'IN', value: [hostile] }],
        },
        { fromTime: new Date('2024-06-01T00:00:00Z'), toTime: new Date('2024-06-08T00:00:00Z'), ref: 'hostile' },
      );
      expect(await rows(compiled.sql, compiled.params)).toEqual([[hostile, '1']]);
    }
    expect(await rows('SELECT count() FROM ci_finished_builds')).toEqual([[String(7 + HOSTILE_STRINGS.length)]]);
  });
});
