import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../src/analytics/functions.js';
import { parseQueryInput } from '../../src/analytics/input-schema.js';
import { validateQuery } from '../../src/analytics/validate-query.js';
import { EXIT, ValidationError } from '../../src/errors.js';

const context = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-08T00:00:00Z') };
const FUNCTIONS =
  'count, countIf, sum, sumIf, avg, avgIf, min, minIf, max, maxIf, uniq, uniqIf, median, medianIf, quantile(p), quantileIf(p), rateIf, flakeRate';
const OPERATORS = '=, !=, <, <=, >, >=, LIKE, NOT LIKE, ILIKE, IN, NOT IN';
const COLUMNS =
  'allow_failure, attempt, commit_sha, coverage, created_at, critical_path_queue, critical_path_run, critical_path_wait, duration, erased, failure_reason, finished_at, flaky, id, log_status, ' +
  'name, on_critical_path, pipeline_id, project_id, queued_at, ' +
  'queueing_duration, ref, retried, root_namespace_id, runner_id, runner_manager_architecture, runner_manager_platform, ' +
  'runner_manager_revision, runner_manager_system_xid, runner_manager_version, runner_owner_namespace_id, runner_run_untagged, ' +
  'runner_type, source, stage, stage_id, stage_name, started_at, status';

/** The issues of a rejected query (fails the test if it was accepted). */
function issuesOf(input: unknown, ctx: typeof context = context, limits?: Parameters<typeof validateQuery>[2]): readonly string[] {
  try {
    validateQuery(input, ctx, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).exitCode).toBe(EXIT.rejected);
    return (error as ValidationError).issues;
  }
  throw new Error('query was accepted');
}

describe('validateQuery: every problem at once', () => {
  it('lists each problem with its path and the allowed names', () => {
    const issues = issuesOf({
      dimensions: [{ column: 'nmae' }, { column: 'stage', granularity: 'day' }, { column: 'finished_at', granularity: 'year' }],
      metrics: [
        { function: 'count' },
        { function: 'avg', column: 'name' },
        { function: 'avgg', column: 'duration' },
        { function: 'countIf' },
        { function: 'count', column: 'duration' },
        { function: 'avg', condition: { column: 'status', operator: '=', value: 'failed' } },
      ],
      filter: [
        { column: 'status', operator: '==', value: 'failed' },
        { column: 'duration', operator: 'LIKE', value: '1%' },
      ],
      orderBy: [{ column: 'nope' }],
      limit: 20000,
      offset: -1,
    });
    expect(issues).toEqual([
      'limit: must be from 1 to 10000',
      'offset: must be from 0 to 1000000',
      `dimensions[0].column: unknown column "nmae"; allowed: ${COLUMNS}`,
      'dimensions[1].granularity: granularity needs a time column; "stage" is a string column',
      'dimensions[2].granularity: unknown granularity "year"; allowed: minute, hour, day, week, month',
      'metrics[1].column: avg needs a number column; "name" is a string column',
      `metrics[2].function: unknown function "avgg"; allowed: ${FUNCTIONS}`,
      'metrics[3].condition: countIf needs a condition, e.g. { column: "status", operator: "=", value: "failed" }',
      'metrics[4].column: count takes no column (it counts rows); use uniq to count distinct values',
      'metrics[5].column: avg needs a number column',
      'metrics[5].condition: a condition needs an If function (countIf, avgIf, quantileIf(p), …), not avg',
      `filter[0].operator: unknown operator "=="; allowed: ${OPERATORS}`,
      'filter[1].operator: operator LIKE does not apply to column "duration" (number); allowed: =, !=, <, <=, >, >=, IN, NOT IN',
      'orderBy[0].column: cannot order by "nope"; allowed: count',
    ]);
    expect(FUNCTION_NAMES.join(', ')).toBe(FUNCTIONS);
  });

  it('reports shape problems of several elements together with name problems', () => {
    const issues = issuesOf({
      dimensions: [{ column: 'name', alias: 'x' }, 'stage'],
      metrics: [{ function: 'count', as: 'n' }, { fn: 'avg' }, { function: 'sum', column: 'status' }],
      filter: [{ column: 'status', operator: '=', value: 'x', extra: 1 }],
      orderBy: [[{ column: 'n', des: true }]],
      limit: 'ten',
    });
    expect(issues).toEqual([
      'limit: must be a number',
      'dimensions[0]: unknown key "alias"; allowed: column, granularity, as',
      'dimensions[1]: expected an object with column, granularity, as',
      'metrics[1].function: required',
      'metrics[1]: unknown key "fn"; allowed: function, column, condition, filter, as',
      'filter[0]: unknown key "extra"; allowed: column, operator, value',
      'orderBy[0][0]: unknown key "des"; allowed: column, desc, asc',
      'metrics[2].column: sum needs a number column; "status" is a string column',
    ]);
  });

  it('checks values against the column type', () => {
    const issues = issuesOf({
      metrics: [{ function: 'count' }],
      filter: [
        { column: 'duration', operator: '>', value: '100' },
        { column: 'duration', operator: '>', value: 1.5 },
        { column: 'runner_type', operator: '=', value: 256 },
        { column: 'project_id', operator: '=', value: -1 },
        { column: 'project_id', operator: '=', value: 2 ** 53 },
        { column: 'finished_at', operator: '>', value: '2024-02-30' },
        { column: 'finished_at', operator: '>', value: 1714521600 },
        { column: 'status', operator: 'IN', value: [] },
        { column: 'status', operator: 'IN', value: 'failed' },
        { column: 'status', operator: '=', value: ['failed'] },
        { column: 'status', operator: 'IN', value: ['failed', 3] },
        { column: 'allow_failure', operator: '=', value: 'true' },
        { column: 'allow_failure', operator: '<', value: true },
        { column: 'name', operator: '=' },
      ],
    });
    expect(issues).toEqual([
      'filter[0].value: expected a number for column "duration"',
      'filter[1].value: expected an integer from -9007199254740991 to 9007199254740991 for column "duration" (Int64)',
      'filter[2].value: expected an integer from 0 to 255 for column "runner_type" (UInt8)',
      'filter[3].value: expected an integer from 0 to 9007199254740991 for column "project_id" (UInt64)',
      'filter[4].value: expected an integer from 0 to 9007199254740991 for column "project_id" (UInt64)',
      'filter[5].value: expected an ISO 8601 time such as "2024-05-01T12:00:00Z" for column "finished_at", got "2024-02-30"',
      'filter[6].value: expected an ISO 8601 time such as "2024-05-01T12:00:00Z" for column "finished_at", got number',
      'filter[7].value: IN takes a list of 1 to 1000 values',
      'filter[8].value: IN takes a list of 1 to 1000 values',
      'filter[9].value: = takes a single value; use IN for a list',
      'filter[10].value[1]: expected a string for column "status"',
      'filter[11].value: expected true or false for column "allow_failure"',
      'filter[12].operator: operator < does not apply to column "allow_failure" (bool); allowed: =, !=',
      'filter[13].value: required: the value to compare column "name" with',
    ]);
  });

  it('checks aliases: pattern, duplicates, catalog names, reserved names', () => {
    const issues = issuesOf({
      dimensions: [
        { column: 'name', as: 'job name' },
        { column: 'stage', as: 'status' },
        { column: 'name', as: 'b' },
        { column: 'stage', as: 'stage_name' },
      ],
      metrics: [
        { function: 'count' },
        { function: 'count' },
        { function: 'avg', column: 'duration', as: 'duration' },
        { function: 'sum', column: 'duration', as: 'x'.repeat(65) },
      ],
    });
    expect(issues).toEqual([
      'dimensions[0].as: invalid alias "job name"; use 1-64 letters, digits or _, not starting with a digit',
      'dimensions[1].as: alias "status" is the name of a catalog column; choose another name',
      'dimensions[2].as: alias "b" is reserved; choose another name',
      'metrics[2].as: alias "duration" is the name of a catalog column; choose another name',
      `metrics[3].as: invalid alias "${'x'.repeat(64)}"…; use 1-64 letters, digits or _, not starting with a digit`,
      'metrics[1]: duplicate alias "count"; give each dimension and metric its own "as"',
    ]);
  });

  it('rejects a metric alias inside a metric condition and a non-dimension in orderBy', () => {
    const issues = issuesOf({
      dimensions: [{ column: 'name' }],
      metrics: [
        { function: 'count', as: 'n' },
        { function: 'countIf', condition: { column: 'n', operator: '>', value: 1 } },
      ],
      orderBy: [{ column: 'status' }, { column: 'n', desc: true, asc: true }],
    });
    expect(issues).toEqual([
      `metrics[1].condition.column: unknown column "n"; allowed: name, ${COLUMNS.replace('name, ', '')}`,
      'orderBy[0].column: cannot order by "status"; allowed: name, n',
      'orderBy[1]: desc: true and asc: true disagree; give one of them',
    ]);
  });

  it('enforces the limits, configurable', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ function: 'count', as: `c${i}` }));
    const filters = Array.from({ length: 51 }, () => ({ column: 'status', operator: '=', value: 'x' }));
    expect(issuesOf({ dimensions: Array.from({ length: 11 }, () => ({ column: 'name' })), metrics: many(21), filter: filters })).toEqual([
      'dimensions: 11 dimensions; at most 10 are allowed',
      'metrics: 21 metrics; at most 20 are allowed',
      'filter: 51 filters and metric conditions; at most 50 are allowed',
      ...Array.from({ length: 10 }, (_, i) => `dimensions[${i + 1}]: duplicate alias "name"; give each dimension and metric its own "as"`),
    ]);
    expect(issuesOf({ metrics: many(3), limit: 51 }, context, { maxMetrics: 2, maxLimit: 50 })).toEqual([
      'metrics: 3 metrics; at most 2 are allowed',
      'limit: must be from 1 to 50',
    ]);
  });

  it('checks the context: order of the bounds and the range limit', () => {
    const query = { metrics: [{ function: 'count' }] };
    expect(issuesOf(query, { fromTime: context.toTime, toTime: context.fromTime })).toEqual([
      'context.toTime: toTime (2024-05-01T00:00:00.000Z) must be after fromTime (2024-05-08T00:00:00.000Z); toTime is exclusive',
    ]);
    expect(issuesOf(query, { fromTime: new Date('2023-01-01T00:00:00Z'), toTime: new Date('2024-01-03T00:00:00Z') })).toEqual([
      'context.toTime: time range is 367 days; at most 366 are allowed',
    ]);
    expect(issuesOf(query, { ...context, projectId: -4 } as typeof context)[0]).toMatch(/^context\.projectId: /);
    expect(issuesOf(query, { fromTime: new Date('nope'), toTime: context.toTime })[0]).toMatch(/^context\.fromTime: /);
    expect(() =>
      validateQuery(query, { fromTime: new Date('2023-01-03T00:00:00Z'), toTime: new Date('2024-01-03T00:00:00Z') }),
    ).not.toThrow();
  });

  it('rateIf: needs a condition, takes no column, has no plain form', () => {
    const failed = { column: 'status', operator: '=', value: 'failed' };
    expect(
      issuesOf({
        metrics: [
          { function: 'rateIf' },
          { function: 'rateIf', column: 'duration', condition: failed },
          { function: 'rate', condition: failed },
        ],
      }),
    ).toEqual([
      'metrics[0].condition: rateIf needs a condition, e.g. { column: "status", operator: "=", value: "failed" }',
      'metrics[1].column: rateIf takes no column (it is the share of rows matching its condition)',
      `metrics[2].function: unknown function "rate"; allowed: ${FUNCTIONS}`,
    ]);
  });

  it('requires at least one metric', () => {
    expect(issuesOf({})).toEqual(['metrics: required: a list of at least one metric, e.g. [{ function: "count" }]']);
    expect(issuesOf({ metrics: [] })).toEqual(['metrics: at least one metric is needed, e.g. { function: "count" }']);
    expect(issuesOf([])).toEqual(['(root): expected an object with table, dimensions, metrics, filter, orderBy, limit, offset']);
  });

  it('parseQueryInput throws every shape problem at once', () => {
    expect(() => parseQueryInput({ metrics: [{ function: 1 }, { function: 'count', as: 2 }] })).toThrow(
      'query is invalid:\n  metrics[0].function: expected a string\n  metrics[1].as: expected a string',
    );
  });
});
