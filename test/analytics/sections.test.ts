import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/analytics/compile.js';
import { parseQueryInput } from '../../src/analytics/input-schema.js';
import { validateQuery } from '../../src/analytics/validate-query.js';
import { ValidationError } from '../../src/errors.js';
import { SLOWEST_SECTIONS } from '../fixtures/queries/slowest-sections.js';

const context = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-08T00:00:00Z') };
const TIME = "DateTime64(6, 'UTC')";
const PIPELINES =
  'SELECT `fp`.`id` FROM `ci_finished_pipelines` AS `fp` ' +
  `WHERE \`fp\`.\`started_at\` >= {from_time:${TIME}} AND \`fp\`.\`started_at\` < {to_time:${TIME}}`;
const RANGE_PARAMS = { from_time: '2024-05-01 00:00:00.000', to_time: '2024-05-08 00:00:00.000' };
const FROM = 'FROM `ci_finished_build_sections` AS `s`';
const SECTION_COLUMNS =
  'build_id, build_name, duration, finished_at, kind, name, pipeline_id, project_id, ref, stage, stage_name, started_at, status';
const BUILD_COLUMNS =
  'allow_failure, attempt, commit_sha, coverage, created_at, critical_path_queue, critical_path_run, critical_path_wait, duration, erased, failure_reason, finished_at, flaky, id, log_status, ' +
  'name, on_critical_path, pipeline_id, project_id, queued_at, ' +
  'queueing_duration, ref, retried, root_namespace_id, runner_id, runner_manager_architecture, runner_manager_platform, ' +
  'runner_manager_revision, runner_manager_system_xid, runner_manager_version, runner_owner_namespace_id, runner_run_untagged, ' +
  'runner_type, source, stage, stage_id, stage_name, started_at, status';

function issuesOf(input: unknown): readonly string[] {
  try {
    validateQuery(input, context);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('query was accepted');
}

describe('compileQuery: table "sections"', () => {
  it('compiles the slowest-sections query to exact SQL and params', () => {
    const compiled = compileQuery(SLOWEST_SECTIONS, context);
    expect(compiled.sql).toBe(
      [
        'SELECT `s`.`name` AS `name`, `s`.`build_name` AS `build_name`, avg(`s`.`duration`) AS `avgMs`, ' +
          'quantile(0.95)(`s`.`duration`) AS `p95Ms`, count() AS `runs`',
        FROM,
        `WHERE \`s\`.\`pipeline_id\` IN (${PIPELINES}) AND \`s\`.\`kind\` = {p0:String}`,
        'GROUP BY `s`.`name`, `s`.`build_name`',
        'ORDER BY `p95Ms` DESC',
        'LIMIT 10 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ ...RANGE_PARAMS, p0: 'section' });
    expect(compiled.columns).toEqual([
      { name: 'name', kind: 'dimension', type: 'string' },
      { name: 'build_name', kind: 'dimension', type: 'string' },
      { name: 'avgMs', kind: 'metric', type: 'number', unit: 'ms' },
      { name: 'p95Ms', kind: 'metric', type: 'number', unit: 'ms' },
      { name: 'runs', kind: 'metric', type: 'number' },
    ]);
    expect(parseQueryInput(SLOWEST_SECTIONS)).toEqual(SLOWEST_SECTIONS);
  });

  it('scopes sections by project on the table and by range, source and ref through the pipelines', () => {
    const compiled = compileQuery(
      {
        table: 'sections',
        dimensions: [{ column: 'stage' }, { column: 'started_at', granularity: 'day', as: 'day' }],
        metrics: [
          { function: 'sumIf', column: 'duration', condition: { column: 'status', operator: 'IN', value: ['failed'] }, as: 'failedMs' },
        ],
        filter: [
          { column: 'failedMs', operator: '>', value: 1000 },
          { column: 'ref', operator: '=', value: 'main' },
        ],
      },
      { ...context, projectId: 278964, source: 'push', ref: 'main' },
    );
    expect(compiled.sql).toBe(
      [
        'SELECT `s`.`stage_name` AS `stage`, toStartOfDay(`s`.`started_at`) AS `day`, ' +
          'sumIf(`s`.`duration`, `s`.`status` IN {p0:Array(String)}) AS `failedMs`',
        FROM,
        `WHERE \`s\`.\`project_id\` = {project_id:UInt64} AND \`s\`.\`pipeline_id\` IN (${PIPELINES} ` +
          'AND `fp`.`source` = {source:String} AND `fp`.`ref` = {ref:String}) AND `s`.`ref` = {p1:String}',
        'GROUP BY `s`.`stage_name`, toStartOfDay(`s`.`started_at`)',
        'HAVING `failedMs` > {p2:Float64}',
        'ORDER BY `stage` ASC, `day` ASC',
        'LIMIT 100 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({
      p0: ['failed'],
      project_id: 278964,
      ...RANGE_PARAMS,
      source: 'push',
      ref: 'main',
      p1: 'main',
      p2: 1000,
    });
  });

  it('compiles rateIf on sections: one avg of the ANDed conditions, filtered (HAVING) and ordered by alias', () => {
    const compiled = compileQuery(
      {
        table: 'sections',
        dimensions: [{ column: 'name' }],
        metrics: [
          {
            function: 'rateIf',
            condition: [
              { column: 'status', operator: '=', value: 'failed' },
              { column: 'kind', operator: '=', value: 'section' },
            ],
            as: 'failureRate',
          },
          { function: 'count', as: 'runs' },
        ],
        filter: [{ column: 'failureRate', operator: '>=', value: 0.25 }],
        orderBy: [{ column: 'failureRate', desc: true }, { column: 'name' }],
      },
      context,
    );
    expect(compiled.sql).toBe(
      [
        'SELECT `s`.`name` AS `name`, avg(`s`.`status` = {p0:String} AND `s`.`kind` = {p1:String}) AS `failureRate`, count() AS `runs`',
        FROM,
        `WHERE \`s\`.\`pipeline_id\` IN (${PIPELINES})`,
        'GROUP BY `s`.`name`',
        'HAVING `failureRate` >= {p2:Float64}',
        'ORDER BY `failureRate` DESC, `name` ASC',
        'LIMIT 100 OFFSET 0',
      ].join('\n'),
    );
    expect(compiled.params).toEqual({ p0: 'failed', p1: 'section', ...RANGE_PARAMS, p2: 0.25 });
    expect(compiled.columns).toEqual([
      { name: 'name', kind: 'dimension', type: 'string' },
      { name: 'failureRate', kind: 'metric', type: 'number' },
      { name: 'runs', kind: 'metric', type: 'number' },
    ]);
  });

  it('reads builds when table is absent, null or "builds", with identical SQL', () => {
    const query = { dimensions: [{ column: 'name' }], metrics: [{ function: 'count' }] };
    const absent = compileQuery(query, context);
    expect(absent.sql.split('\n')[1]).toBe('FROM `ci_finished_builds` AS `b`');
    expect(compileQuery({ ...query, table: 'builds' }, context)).toEqual(absent);
    expect(compileQuery({ ...query, table: null }, context)).toEqual(absent);
  });
});

describe('validateQuery: table', () => {
  it('rejects an unknown table, naming the allowed ones, and checks no names against a guess', () => {
    expect(issuesOf({ table: 'x', dimensions: [{ column: 'kind' }], metrics: [{ function: 'count' }] })).toEqual([
      'table: unknown table "x"; allowed: builds, sections, pipelines',
    ]);
    expect(issuesOf({ table: 'ci_finished_builds; DROP TABLE x', metrics: [{ function: 'count' }], limit: 0 })).toEqual([
      'table: unknown table "ci_finished_builds; DROP TABLE x"; allowed: builds, sections, pipelines',
      'limit: must be from 1 to 10000',
    ]);
    expect(issuesOf({ table: ['sections'], metrics: [{ function: 'count' }] })).toEqual([
      'table: expected one of: builds, sections, pipelines',
    ]);
    expect(issuesOf({ table: 'Sections', metrics: [{ function: 'count' }] })).toEqual([
      'table: unknown table "Sections"; allowed: builds, sections, pipelines',
    ]);
  });

  it('rejects builds-only columns on sections, listing the sections columns', () => {
    expect(
      issuesOf({
        table: 'sections',
        dimensions: [{ column: 'runner_type' }],
        metrics: [
          { function: 'avg', column: 'queueing_duration' },
          { function: 'countIf', condition: { column: 'source', operator: '=', value: 'push' } },
        ],
        filter: [{ column: 'allow_failure', operator: '=', value: true }],
      }),
    ).toEqual([
      `dimensions[0].column: unknown column "runner_type"; allowed: ${SECTION_COLUMNS}`,
      `metrics[0].column: unknown column "queueing_duration"; allowed: ${SECTION_COLUMNS}`,
      `metrics[1].condition.column: unknown column "source"; allowed: ${SECTION_COLUMNS}`,
      `filter[0].column: unknown column "allow_failure"; allowed: ${SECTION_COLUMNS}`,
    ]);
  });

  it('rejects sections-only columns on builds, listing the builds columns', () => {
    expect(issuesOf({ dimensions: [{ column: 'kind' }], metrics: [{ function: 'uniq', column: 'build_name' }] })).toEqual([
      `dimensions[0].column: unknown column "kind"; allowed: ${BUILD_COLUMNS}`,
      `metrics[0].column: unknown column "build_name"; allowed: ${BUILD_COLUMNS}`,
    ]);
  });

  it('reserves the sections table names and columns as aliases; the builds alias "s" stays free', () => {
    expect(
      issuesOf({
        table: 'sections',
        dimensions: [
          { column: 'name', as: 's' },
          { column: 'build_name', as: 'kind' },
          { column: 'stage', as: 'stage_name' },
        ],
        metrics: [
          { function: 'count', as: 'ci_finished_build_sections' },
          { function: 'max', column: 'duration', as: 'fp' },
        ],
      }),
    ).toEqual([
      'dimensions[0].as: alias "s" is reserved; choose another name',
      'dimensions[1].as: alias "kind" is the name of a catalog column; choose another name',
      'metrics[0].as: alias "ci_finished_build_sections" is reserved; choose another name',
      'metrics[1].as: alias "fp" is reserved; choose another name',
    ]);
    expect(
      compileQuery({ dimensions: [{ column: 'name', as: 's' }], metrics: [{ function: 'count', as: 'kind' }] }, context).sql.split('\n')[0],
    ).toBe('SELECT `b`.`name` AS `s`, count() AS `kind`');
  });
});
