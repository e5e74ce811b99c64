import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueryText, runQuery, type QueryCommandOptions } from '../../src/commands/query.js';
import { ValidationError } from '../../src/errors.js';
import { openClickhouseStore } from '../../src/store/clickhouse/index.js';
import { DATASET, RANGE, SEED_INPUT } from '../store/clickhouse/dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'pm-cmd-query-'));
const noEngine = { openRunner: () => Promise.reject(new Error('no engine may be opened')) };
const openRunner = (spec: string) => openClickhouseStore(spec, { autoMigrate: true });

const options = (text: string, extra: Partial<QueryCommandOptions> = {}): QueryCommandOptions => ({
  text,
  source: 'q.yaml',
  context: RANGE,
  sqlOnly: false,
  clickhouse: dir,
  ...extra,
});

beforeAll(async () => {
  const store = await openClickhouseStore(dir, { autoMigrate: true });
  try {
    for (const payload of DATASET) await store.save(payload);
  } finally {
    await store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/queries/seed-job-metrics.yaml', () => {
  it("is the seed's input exactly as written", async () => {
    const text = readFileSync(new URL('../../examples/queries/seed-job-metrics.yaml', import.meta.url), 'utf8');
    expect(await parseQueryText(text, 'seed-job-metrics.yaml')).toStrictEqual(SEED_INPUT);
  });
});

describe('runQuery (command)', () => {
  it('--sql compiles without opening an engine; --limit replaces the file limit', async () => {
    const text = 'dimensions: [{ column: stage }]\nmetrics: [{ function: count }]\nlimit: 5\n';
    const result = await runQuery(options(text, { sqlOnly: true, limit: 3, context: { ...RANGE, projectId: 42 } }), noEngine);
    expect(result).toEqual({
      kind: 'sql',
      sql:
        'SELECT `b`.`stage_name` AS `stage`, count() AS `count`\n' +
        'FROM `ci_finished_builds` AS `b`\n' +
        "WHERE `b`.`project_id` = {project_id:UInt64} AND `b`.`pipeline_id` IN (SELECT `fp`.`id` FROM `ci_finished_pipelines` AS `fp` WHERE `fp`.`started_at` >= {from_time:DateTime64(6, 'UTC')} AND `fp`.`started_at` < {to_time:DateTime64(6, 'UTC')})\n" +
        'GROUP BY `b`.`stage_name`\n' +
        'ORDER BY `stage` ASC\n' +
        'LIMIT 3 OFFSET 0',
      params: { project_id: 42, from_time: '2024-05-01 00:00:00.000', to_time: '2024-05-04 00:00:00.000' },
    });
  });

  it('runs JSON input against chDB and returns ordered rows', async () => {
    const text = JSON.stringify({
      dimensions: [{ column: 'stage' }],
      metrics: [{ function: 'count' }],
      orderBy: [{ column: 'count', desc: true }, { column: 'stage' }],
    });
    expect(await runQuery(options(text), { openRunner })).toEqual({
      kind: 'rows',
      columns: ['stage', 'count'],
      rows: [
        ['test', 5],
        ['build', 4],
        ['e2e', 2],
      ],
      errors: [],
    });
  });

  it('lists every problem of the query file at once (exit 3)', async () => {
    const text = [
      'dimensions: [{ column: nope }]',
      'metrics:',
      '  - { function: avgg, column: duration }',
      '  - { function: count, as: "x y" }',
      'filter: [{ column: status, operator: "<>", value: failed }]',
    ].join('\n');
    const error = await runQuery(options(text), noEngine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).exitCode).toBe(3);
    const issues = (error as ValidationError).issues;
    expect(issues.length).toBe(4);
    expect(issues.map((i) => i.split(':')[0])).toEqual([
      'dimensions[0].column',
      'metrics[0].function',
      'metrics[1].as',
      'filter[0].operator',
    ]);
    expect(issues[1]).toContain('unknown function "avgg"; allowed:');
  });

  it('compiles every shipped example in examples/queries, and runs it', async () => {
    const examples = new URL('../../examples/queries/', import.meta.url);
    const files = readdirSync(examples)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(files).toEqual([
      'child-pipeline-duration.yaml',
      'failures-per-day.yaml',
      'hierarchy-duration.yaml',
      'job-table.yaml',
      'retries-per-job.yaml',
      'seed-job-metrics.yaml',
      'slowest-sections.yaml',
    ]);
    const firstRows: unknown[] = [];
    for (const file of files) {
      const result = await runQuery(options(readFileSync(new URL(file, examples), 'utf8'), { source: file }), { openRunner });
      firstRows.push(result.kind === 'rows' ? result.rows[0] : undefined);
    }
    expect(firstRows).toEqual([
      undefined, // no downstream pipelines in this dataset
      ['2024-05-01T00:00:00Z', 4, 1],
      [1004, 'main', 0, 20],
      ['job-e2e', 'e2e', 2, 250000, 250000, 295000, 1, 0.5],
      ['job-test', 4, 1, 1, 3], // pipeline 1001: failed, then succeeded (flaky derived by the store: the payload has no `flaky`)
      ['job-e2e', 'e2e', 2, 250000, 295000, 1, 1],
      ['step_script', 'job-build', 1, 45500, 45500],
    ]);
  });

  it('reports a file that is neither JSON nor YAML (exit 3)', async () => {
    const error = await runQuery(options('metrics: [\n  { function: count }\n  oops'), noEngine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toMatch(/^\(file\): not valid JSON or YAML: /);
  });
});
