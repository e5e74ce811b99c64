import { describe, expect, it } from 'vitest';
import { compilePipelineStats } from '../../src/analytics/index.js';

const context = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-04T00:00:00Z'), projectId: 42, source: 'push' };

describe('compilePipelineStats (GitLab pipelineAnalytics aggregate / timeSeries)', () => {
  it('a time series per ISO week: exact SQL, statuses and context bound as parameters', () => {
    const compiled = compilePipelineStats(context, 'week');
    expect(compiled.sql).toBe(
      'SELECT toMonday(`fp`.`started_at`) AS `period`, count() AS `total`, countIf(`fp`.`status` IN {p0:Array(String)}) AS `success`, ' +
        'countIf(`fp`.`status` IN {p1:Array(String)}) AS `failed`, countIf(`fp`.`status` IN {p2:Array(String)}) AS `other`, avg(`fp`.`duration`) AS `mean`, ' +
        'quantile(0.5)(`fp`.`duration`) AS `p50`, quantile(0.75)(`fp`.`duration`) AS `p75`, quantile(0.9)(`fp`.`duration`) AS `p90`, ' +
        'quantile(0.95)(`fp`.`duration`) AS `p95`, quantile(0.99)(`fp`.`duration`) AS `p99`\n' +
        'FROM `ci_finished_pipelines` AS `fp`\n' +
        "WHERE `fp`.`started_at` >= {from_time:DateTime64(6, 'UTC')} AND `fp`.`started_at` < {to_time:DateTime64(6, 'UTC')} AND `fp`.`project_id` = {project_id:UInt64} AND `fp`.`source` = {source:String}\n" +
        'GROUP BY toMonday(`fp`.`started_at`)\n' +
        'ORDER BY `period` ASC\n' +
        'LIMIT 1000',
    );
    expect(compiled.params).toEqual({
      p0: ['success'],
      p1: ['failed'],
      p2: ['canceled', 'skipped'],
      from_time: '2024-05-01 00:00:00.000',
      to_time: '2024-05-04 00:00:00.000',
      project_id: 42,
      source: 'push',
    });
    expect(compiled.columns.map((c) => c.name)).toEqual([
      'period',
      'total',
      'success',
      'failed',
      'other',
      'mean',
      'p50',
      'p75',
      'p90',
      'p95',
      'p99',
    ]);
  });

  it('the aggregate has no period and no GROUP BY; a hostile ref stays a parameter', () => {
    const compiled = compilePipelineStats({ ...context, ref: "main' OR 1=1 --" });
    expect(compiled.sql).not.toMatch(/GROUP BY|period|OR 1=1/);
    expect(compiled.params.ref).toBe("main' OR 1=1 --");
  });
});
