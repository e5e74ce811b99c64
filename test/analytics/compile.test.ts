import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/analytics/compile.js';
import { parseQueryInput } from '../../src/analytics/input-schema.js';
import { SEED_INPUT } from '../fixtures/queries/seed-input.js';

const context = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-08T00:00:00Z') };
const TIME = "DateTime64(6, 'UTC')";
const PIPELINES =
  'SELECT `fp`.`id` FROM `ci_finished_pipelines` AS `fp` ' +
  `WHERE \`fp\`.\`started_at\` >= {from_time:${TIME}} AND \`fp\`.\`started_at\` < {to_time:${TIME}}`;
const IN_RANGE = `\`b\`.\`pipeline_id\` IN (${PIPELINES})`;
const RANGE_PARAMS = { from_time: '2024-05-01 00:00:00.000', to_time: '2024-05-08 00:00:00.000' };
const FROM = 'FROM `ci_finished_builds` AS `b`';

/** A one-metric query over everything: the SQL of `metric` alone. */
function metricSql(metric: Record<string, unknown>) {
  const compiled = compileQuery({ metrics: [metric] }, context);
  const select = compiled.sql.split('\n')[0]!;
  const { from_time, to_time, ...params } = compiled.params;
  expect({ from_time, to_time }).toEqual(RANGE_PARAMS);
  return { select, params, columns: compiled.columns };
}

describe('compileQuery: the seed', () => {
  it('compiles the seed input as written to the seed SQL, values bound', () => {
    const compiled = compileQuery(SEED_INPUT, context);
    expect(compiled.sql).toBe(
      [
        'SELECT `b`.`name` AS `jobName`, `b`.`stage_name` AS `stage`, count() AS `count`, ' +
          'avg(`b`.`duration`) AS `medianDuration`, quantile(0.95)(`b`.`duration`) AS `p95Duration`, ' +
          'countIf(`b`.`status` = {p0:String}) AS `failedCount`, countIf(`b`.`status` = {p1:String}) AS `successCount`',
        FROM,
        `WHERE ${IN_RANGE} AND \`b\`.\`name\` LIKE {p2:String}`,
        'GROUP BY `b`.`name`, `b`.`stage_name`',
        'ORDER BY `medianDuration` DESC, `jobName` DESC',
        'LIMIT 10 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ p0: 'failed', p1: 'success', ...RANGE_PARAMS, p2: 'job%' });
    expect(compiled.columns).toEqual([
      { name: 'jobName', kind: 'dimension', type: 'string' },
      { name: 'stage', kind: 'dimension', type: 'string' },
      { name: 'count', kind: 'metric', type: 'number' },
      { name: 'medianDuration', kind: 'metric', type: 'number', unit: 'ms' },
      { name: 'p95Duration', kind: 'metric', type: 'number', unit: 'ms' },
      { name: 'failedCount', kind: 'metric', type: 'number' },
      { name: 'successCount', kind: 'metric', type: 'number' },
    ]);
  });

  it('parseQueryInput accepts the seed input unchanged', () => {
    expect(parseQueryInput(SEED_INPUT)).toEqual(SEED_INPUT);
  });
});

describe('compileQuery: functions', () => {
  const failed = { column: 'status', operator: '=', value: 'failed' };
  it.each([
    [{ function: 'count' }, 'count() AS `count`'],
    [{ function: 'sum', column: 'duration' }, 'sum(`b`.`duration`) AS `sum_duration`'],
    [{ function: 'avg', column: 'queueing_duration' }, 'avg(`b`.`queueing_duration`) AS `avg_queueing_duration`'],
    [{ function: 'min', column: 'duration' }, 'min(`b`.`duration`) AS `min_duration`'],
    [{ function: 'max', column: 'finished_at' }, 'max(`b`.`finished_at`) AS `max_finished_at`'],
    [{ function: 'uniq', column: 'name' }, 'uniq(`b`.`name`) AS `uniq_name`'],
    [{ function: 'median', column: 'duration' }, 'median(`b`.`duration`) AS `median_duration`'],
    [{ function: 'quantile(0.95)', column: 'duration' }, 'quantile(0.95)(`b`.`duration`) AS `quantile_0_95_duration`'],
    [{ function: 'quantile(.5)', column: 'duration' }, 'quantile(0.5)(`b`.`duration`) AS `quantile_0_5_duration`'],
    [{ function: 'quantile(0.999999)', column: 'duration' }, 'quantile(0.999999)(`b`.`duration`) AS `quantile_0_999999_duration`'],
  ])('%j', (metric, select) => {
    const { select: actual, params } = metricSql(metric);
    expect(actual).toBe(`SELECT ${select}`);
    expect(params).toEqual({});
  });

  it.each([
    [{ function: 'countIf', condition: [failed] }, 'countIf(`b`.`status` = {p0:String}) AS `countIf`'],
    [{ function: 'sumIf', column: 'duration', filter: failed }, 'sumIf(`b`.`duration`, `b`.`status` = {p0:String}) AS `sumIf_duration`'],
    [{ function: 'avgIf', column: 'duration', condition: failed }, 'avgIf(`b`.`duration`, `b`.`status` = {p0:String}) AS `avgIf_duration`'],
    [
      { function: 'minIf', column: 'started_at', condition: failed },
      'minIf(`b`.`started_at`, `b`.`status` = {p0:String}) AS `minIf_started_at`',
    ],
    [{ function: 'maxIf', column: 'duration', condition: failed }, 'maxIf(`b`.`duration`, `b`.`status` = {p0:String}) AS `maxIf_duration`'],
    [{ function: 'uniqIf', column: 'stage', condition: failed }, 'uniqIf(`b`.`stage_name`, `b`.`status` = {p0:String}) AS `uniqIf_stage`'],
    [
      { function: 'medianIf', column: 'duration', condition: failed },
      'medianIf(`b`.`duration`, `b`.`status` = {p0:String}) AS `medianIf_duration`',
    ],
    [
      { function: 'quantileIf(0.9)', column: 'duration', condition: failed },
      'quantileIf(0.9)(`b`.`duration`, `b`.`status` = {p0:String}) AS `quantileIf_0_9_duration`',
    ],
    [{ function: 'rateIf', condition: [failed] }, 'avg(`b`.`status` = {p0:String}) AS `rateIf`'],
    [{ function: 'rateIf', filter: failed, as: 'failureRate' }, 'avg(`b`.`status` = {p0:String}) AS `failureRate`'],
  ])('%j', (metric, select) => {
    const { select: actual, params } = metricSql(metric);
    expect(actual).toBe(`SELECT ${select}`);
    expect(params).toEqual({ p0: 'failed' });
  });

  it('joins a list of conditions with AND', () => {
    const { select, params } = metricSql({
      function: 'countIf',
      condition: [failed, { column: 'allow_failure', operator: '=', value: false }, { column: 'duration', operator: '>', value: 60000 }],
      as: 'hardFailures',
    });
    expect(select).toBe(
      'SELECT countIf(`b`.`status` = {p0:String} AND `b`.`allow_failure` = {p1:Bool} AND `b`.`duration` > {p2:Int64}) AS `hardFailures`',
    );
    expect(params).toEqual({ p0: 'failed', p1: false, p2: 60000 });
  });

  it('rateIf joins its conditions with AND inside one avg, and can be ordered and filtered by alias', () => {
    const compiled = compileQuery(
      {
        dimensions: [{ column: 'name' }],
        metrics: [{ function: 'rateIf', condition: [failed, { column: 'allow_failure', operator: '=', value: false }], as: 'failureRate' }],
        filter: [{ column: 'failureRate', operator: '>', value: 0.1 }],
        orderBy: [{ column: 'failureRate', desc: true }],
      },
      context,
    );
    expect(compiled.sql).toBe(
      [
        'SELECT `b`.`name` AS `name`, avg(`b`.`status` = {p0:String} AND `b`.`allow_failure` = {p1:Bool}) AS `failureRate`',
        FROM,
        `WHERE ${IN_RANGE}`,
        'GROUP BY `b`.`name`',
        'HAVING `failureRate` > {p2:Float64}',
        'ORDER BY `failureRate` DESC',
        'LIMIT 100 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ p0: 'failed', p1: false, ...RANGE_PARAMS, p2: 0.1 });
    expect(compiled.columns).toEqual([
      { name: 'name', kind: 'dimension', type: 'string' },
      { name: 'failureRate', kind: 'metric', type: 'number' },
    ]);
  });

  it('types min/max of a time column as time', () => {
    expect(metricSql({ function: 'max', column: 'finished_at' }).columns).toEqual([
      { name: 'max_finished_at', kind: 'metric', type: 'time' },
    ]);
  });
});

describe('compileQuery: operators', () => {
  const where = (filter: Record<string, unknown>) => {
    const compiled = compileQuery({ metrics: [{ function: 'count' }], filter: [filter] }, context);
    const line = compiled.sql.split('\n')[2]!;
    expect(line.startsWith(`WHERE ${IN_RANGE} AND `)).toBe(true);
    const { from_time, to_time, ...params } = compiled.params;
    return { condition: line.slice(`WHERE ${IN_RANGE} AND `.length), params };
  };
  it.each([
    [{ column: 'status', operator: '=', value: 'failed' }, '`b`.`status` = {p0:String}', 'failed'],
    [{ column: 'status', operator: '!=', value: 'failed' }, '`b`.`status` != {p0:String}', 'failed'],
    [{ column: 'duration', operator: '<', value: 1000 }, '`b`.`duration` < {p0:Int64}', 1000],
    [{ column: 'duration', operator: '<=', value: -5 }, '`b`.`duration` <= {p0:Int64}', -5],
    [{ column: 'runner_type', operator: '>', value: 1 }, '`b`.`runner_type` > {p0:UInt8}', 1],
    [{ column: 'project_id', operator: '>=', value: 278964 }, '`b`.`project_id` >= {p0:UInt64}', 278964],
    [{ column: 'name', operator: 'LIKE', value: 'rspec %' }, '`b`.`name` LIKE {p0:String}', 'rspec %'],
    [{ column: 'name', operator: 'NOT LIKE', value: '%lint%' }, '`b`.`name` NOT LIKE {p0:String}', '%lint%'],
    [{ column: 'stage', operator: 'ILIKE', value: 'TEST%' }, '`b`.`stage_name` ILIKE {p0:String}', 'TEST%'],
    [{ column: 'status', operator: 'IN', value: ['failed', 'canceled'] }, '`b`.`status` IN {p0:Array(String)}', ['failed', 'canceled']],
    [{ column: 'runner_id', operator: 'NOT IN', value: [1, 2] }, '`b`.`runner_id` NOT IN {p0:Array(UInt64)}', [1, 2]],
    [{ column: 'runner_run_untagged', operator: '=', value: true }, '`b`.`runner_run_untagged` = {p0:Bool}', true],
    [
      { column: 'finished_at', operator: '>=', value: '2024-05-02T10:30:00+02:00' },
      `\`b\`.\`finished_at\` >= {p0:${TIME}}`,
      '2024-05-02 08:30:00.000',
    ],
  ])('%j', (filter, condition, value) => {
    expect(where(filter)).toEqual({ condition, params: { p0: value } });
  });
});

describe('compileQuery: dimensions, HAVING, orderBy', () => {
  it('buckets time dimensions; filters and orders on the bucket alias', () => {
    const compiled = compileQuery(
      {
        dimensions: [
          { column: 'finished_at', granularity: 'minute' },
          { column: 'finished_at', granularity: 'hour' },
          { column: 'finished_at', granularity: 'day', as: 'day' },
          { column: 'started_at', granularity: 'week' },
          { column: 'created_at', granularity: 'month' },
        ],
        metrics: [{ function: 'count' }],
        filter: [{ column: 'day', operator: '>=', value: '2024-05-03' }],
        orderBy: [{ column: 'day', desc: true }],
      },
      context,
    );
    expect(compiled.sql).toBe(
      [
        'SELECT toStartOfMinute(`b`.`finished_at`) AS `finished_at_minute`, toStartOfHour(`b`.`finished_at`) AS `finished_at_hour`, ' +
          'toStartOfDay(`b`.`finished_at`) AS `day`, toMonday(`b`.`started_at`) AS `started_at_week`, ' +
          'toStartOfMonth(`b`.`created_at`) AS `created_at_month`, count() AS `count`',
        FROM,
        `WHERE ${IN_RANGE} AND toStartOfDay(\`b\`.\`finished_at\`) >= {p0:${TIME}}`,
        'GROUP BY toStartOfMinute(`b`.`finished_at`), toStartOfHour(`b`.`finished_at`), toStartOfDay(`b`.`finished_at`), ' +
          'toMonday(`b`.`started_at`), toStartOfMonth(`b`.`created_at`)',
        'ORDER BY `day` DESC',
        'LIMIT 100 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ ...RANGE_PARAMS, p0: '2024-05-03 00:00:00.000' });
    expect(compiled.columns.map((c) => c.type)).toEqual(['time', 'time', 'time', 'time', 'time', 'number']);
  });

  it('puts a filter on a metric alias in HAVING and one on a dimension alias in WHERE', () => {
    const compiled = compileQuery(
      {
        dimensions: [{ column: 'name', as: 'job' }],
        metrics: [
          { function: 'countIf', condition: { column: 'status', operator: '=', value: 'failed' }, as: 'failures' },
          { function: 'count' },
        ],
        filter: [
          { column: 'failures', operator: '>=', value: 3 },
          { column: 'job', operator: 'IN', value: ['rspec', 'lint'] },
          { column: 'count', operator: '<', value: 1000.5 },
        ],
        orderBy: [{ column: 'failures', asc: false }, { column: 'name' }],
        limit: 5,
        offset: 10,
      },
      context,
    );
    expect(compiled.sql).toBe(
      [
        'SELECT `b`.`name` AS `job`, countIf(`b`.`status` = {p0:String}) AS `failures`, count() AS `count`',
        FROM,
        `WHERE ${IN_RANGE} AND \`b\`.\`name\` IN {p1:Array(String)}`,
        'GROUP BY `b`.`name`',
        'HAVING `failures` >= {p2:Float64} AND `count` < {p3:Float64}',
        'ORDER BY `failures` DESC, `job` ASC',
        'LIMIT 5 OFFSET 10',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ p0: 'failed', ...RANGE_PARAMS, p1: ['rspec', 'lint'], p2: 3, p3: 1000.5 });
  });

  it('orders by every dimension ascending when orderBy is absent', () => {
    const compiled = compileQuery({ dimensions: [{ column: 'stage' }, { column: 'name' }], metrics: [{ function: 'count' }] }, context);
    expect(compiled.sql.split('\n').slice(3)).toEqual([
      'GROUP BY `b`.`stage_name`, `b`.`name`',
      'ORDER BY `stage` ASC, `name` ASC',
      'LIMIT 100 OFFSET 0',
    ]);
  });

  it('accepts the flat orderBy form and mixes it with the nested one', () => {
    const compiled = compileQuery(
      {
        dimensions: [{ column: 'name' }, { column: 'stage' }],
        metrics: [{ function: 'avg', column: 'duration' }],
        orderBy: [
          { column: 'avg_duration', desc: true },
          [
            { column: 'stage', asc: true },
            { column: 'name', desc: false },
          ],
        ],
      },
      context,
    );
    expect(compiled.sql.split('\n')[4]).toBe('ORDER BY `avg_duration` DESC, `stage` ASC, `name` ASC');
  });
});

describe('compileQuery: context', () => {
  it('binds project, source and ref; the range is [fromTime, toTime) on the pipeline start', () => {
    const compiled = compileQuery({ metrics: [{ function: 'count' }] }, { ...context, projectId: 278964, source: 'push', ref: 'main' });
    expect(compiled.sql).toBe(
      [
        'SELECT count() AS `count`',
        FROM,
        `WHERE \`b\`.\`project_id\` = {project_id:UInt64} AND \`b\`.\`pipeline_id\` IN (${PIPELINES} ` +
          'AND `fp`.`source` = {source:String} AND `fp`.`ref` = {ref:String})',
        'LIMIT 100 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ project_id: 278964, ...RANGE_PARAMS, source: 'push', ref: 'main' });
  });

  it('joins the pipelines when the query names ref or source', () => {
    const compiled = compileQuery(
      {
        dimensions: [{ column: 'ref', as: 'branch' }],
        metrics: [{ function: 'countIf', condition: { column: 'source', operator: '=', value: 'schedule' }, as: 'scheduled' }],
        filter: [{ column: 'ref', operator: 'NOT LIKE', value: 'renovate/%' }],
      },
      context,
    );
    expect(compiled.sql).toBe(
      [
        'SELECT `p`.`ref` AS `branch`, countIf(`p`.`source` = {p0:String}) AS `scheduled`',
        FROM,
        'INNER JOIN (SELECT `fp`.`id` AS `id`, `fp`.`ref` AS `ref`, `fp`.`source` AS `source` FROM `ci_finished_pipelines` AS `fp` ' +
          `WHERE \`fp\`.\`started_at\` >= {from_time:${TIME}} AND \`fp\`.\`started_at\` < {to_time:${TIME}}) AS \`p\` ON \`p\`.\`id\` = \`b\`.\`pipeline_id\``,
        'WHERE `p`.`ref` NOT LIKE {p1:String}',
        'GROUP BY `p`.`ref`',
        'ORDER BY `branch` ASC',
        'LIMIT 100 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ p0: 'schedule', ...RANGE_PARAMS, p1: 'renovate/%' });
  });

  it('formats sub-second context times with millisecond precision', () => {
    const compiled = compileQuery(
      { metrics: [{ function: 'count' }] },
      { fromTime: new Date('2024-05-01T10:00:00.123Z'), toTime: new Date('2024-05-01T10:00:01.5Z') },
    );
    expect(compiled.params).toEqual({ from_time: '2024-05-01 10:00:00.123', to_time: '2024-05-01 10:00:01.500' });
  });
});
