import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/analytics/compile.js';
import { SLOWEST_SECTIONS } from '../fixtures/queries/slowest-sections.js';

/**
 * Runs `table: "sections"` queries on chDB, on the tables of the ClickHouse migration itself:
 * read without FINAL (our writes keep duplicates out: test/store/clickhouse/idempotent.test.ts),
 * the pipeline context (range, ref, project) scopes them as it scopes builds.
 */

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

const MIGRATION = join(import.meta.dirname, '../../migrations/clickhouse/0001_ci_finished_tables.sql');
const dir = mkdtempSync(join(tmpdir(), 'pm-analytics-sections-'));
let client: ClickHouseClient;

/** The migration's statements: full-line `--` comments dropped (they may hold `;`), split on `;`. */
function statements(sql: string): string[] {
  const code = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return code
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function rows(query: string, params: Record<string, unknown> = {}): Promise<unknown[][]> {
  const result = await client.query({ query, query_params: params, format: 'JSONCompactEachRow' });
  return result.json<unknown[]>();
}

const context = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-08T00:00:00Z') };
const text = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const pipelines = [
  { id: 1, started_at: '2024-05-02 10:00:00', ref: 'main', source: 'push' },
  { id: 2, started_at: '2024-05-03 10:00:00', ref: 'feature', source: 'merge_request_event' },
  { id: 3, started_at: '2024-04-20 10:00:00', ref: 'main', source: 'push' },
];

function section(
  build: number,
  pipeline: number,
  kind: string,
  name: string,
  ms: number,
  job: string,
  extra: { project?: number; status?: string; ref?: string } = {},
) {
  const start = Date.parse('2024-05-02T10:00:00Z') + build * 60_000;
  return {
    build_id: build,
    pipeline_id: pipeline,
    project_id: extra.project ?? 7,
    kind,
    name,
    duration: ms,
    build_name: job,
    stage_name: job,
    status: extra.status ?? 'success',
    ref: extra.ref ?? 'main',
    started_at: text(start),
    finished_at: text(start + ms),
  };
}

const sections = [
  section(11, 1, 'section', 'npm_install', 20_000, 'test'),
  section(11, 1, 'section', 'step_script', 60_000, 'test'),
  section(11, 1, 'step', 'npm_install', 99_999, 'test'),
  section(12, 2, 'section', 'npm_install', 40_000, 'test', { status: 'failed', ref: 'feature' }),
  section(12, 2, 'section', 'step_script', 30_000, 'test', { status: 'failed', ref: 'feature' }),
  section(13, 1, 'section', 'npm_install', 5_000, 'lint'),
  // pipeline 3 started before the range
  section(14, 3, 'section', 'npm_install', 500_000, 'test'),
  section(15, 2, 'section', 'get_sources', 7_000, 'deploy', { project: 8, ref: 'feature' }),
];

beforeAll(async () => {
  client = createClient({
    // chdb's connection implements the client's interface; the package types differ in generics
    connection: createChdbConnection({ path: dir }) as unknown as ClientConnection,
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
  for (const statement of statements(readFileSync(MIGRATION, 'utf8'))) await client.command({ query: statement });
  await client.insert({ table: 'ci_finished_pipelines', values: pipelines, format: 'JSONEachRow' });
  await client.insert({ table: 'ci_finished_build_sections', values: sections, format: 'JSONEachRow' });
});

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('table "sections" on chDB', () => {
  it('returns the slowest log sections in range, as the hand-written SQL does', async () => {
    const expected = [
      ['step_script', 'test', 45000, 58500, '2'],
      ['npm_install', 'test', 30000, 39000, '2'],
      ['get_sources', 'deploy', 7000, 7000, '1'],
      ['npm_install', 'lint', 5000, 5000, '1'],
    ];
    const handWritten = `
      SELECT name, build_name, avg(duration), quantile(0.95)(duration), count()
      FROM ci_finished_build_sections
      WHERE kind = 'section' AND pipeline_id IN (SELECT id FROM ci_finished_pipelines
        WHERE started_at >= '2024-05-01 00:00:00' AND started_at < '2024-05-08 00:00:00')
      GROUP BY name, build_name ORDER BY 4 DESC LIMIT 10`;
    expect(await rows(handWritten)).toEqual(expected);
    const compiled = compileQuery(SLOWEST_SECTIONS, context);
    expect(await rows(compiled.sql, compiled.params)).toEqual(expected);
    expect(await rows('SELECT count() FROM ci_finished_build_sections')).toEqual([['8']]);
  });

  it('applies project and pipeline ref from the context', async () => {
    const compiled = compileQuery(SLOWEST_SECTIONS, { ...context, projectId: 7, ref: 'feature' });
    expect(await rows(compiled.sql, compiled.params)).toEqual([
      ['npm_install', 'test', 40000, 40000, '1'],
      ['step_script', 'test', 30000, 30000, '1'],
    ]);
  });

  it('groups by kind with HAVING on a metric and an IN filter', async () => {
    const compiled = compileQuery(
      {
        table: 'sections',
        dimensions: [{ column: 'kind' }],
        metrics: [
          { function: 'count', as: 'rows' },
          { function: 'sum', column: 'duration', as: 'totalMs' },
          { function: 'countIf', condition: { column: 'status', operator: '=', value: 'failed' }, as: 'failed' },
        ],
        filter: [
          { column: 'rows', operator: '>=', value: 2 },
          { column: 'build_name', operator: 'IN', value: ['test', 'lint', 'deploy'] },
        ],
      },
      context,
    );
    expect(await rows(compiled.sql, compiled.params)).toEqual([['section', '6', '162000', '2']]);
  });

  it('rateIf on sections equals countIf / count of the hand-written SQL, with HAVING and orderBy on its alias', async () => {
    const failed = { column: 'status', operator: '=', value: 'failed' };
    const compiled = compileQuery(
      {
        table: 'sections',
        dimensions: [{ column: 'name' }],
        metrics: [
          { function: 'count', as: 'runs' },
          { function: 'countIf', condition: failed, as: 'failedCount' },
          { function: 'rateIf', condition: failed, as: 'failureRate' },
        ],
        filter: [
          { column: 'kind', operator: '=', value: 'section' },
          { column: 'failureRate', operator: '<', value: 1 },
        ],
        orderBy: [{ column: 'failureRate', desc: true }, { column: 'name' }],
      },
      context,
    );
    const handWritten = `
      SELECT name, count() AS runs, countIf(status = 'failed') AS failedCount, failedCount / runs AS failureRate
      FROM ci_finished_build_sections
      WHERE kind = 'section' AND pipeline_id IN (SELECT id FROM ci_finished_pipelines
        WHERE started_at >= '2024-05-01 00:00:00' AND started_at < '2024-05-08 00:00:00')
      GROUP BY name HAVING failureRate < 1 ORDER BY failureRate DESC, name`;
    // npm_install: builds 11, 12 (failed), 13 → 1/3; step_script: 11, 12 (failed) → 1/2; get_sources: 0
    const expected = [
      ['step_script', '2', '1', 0.5],
      ['npm_install', '3', '1', 1 / 3],
      ['get_sources', '1', '0', 0],
    ];
    expect(await rows(handWritten)).toEqual(expected);
    expect(await rows(compiled.sql, compiled.params)).toEqual(expected);
  });
});
