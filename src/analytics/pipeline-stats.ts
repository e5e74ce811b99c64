import { ast, type ExprNode } from './ast.js';
import { DT as TIME_PARAM, PIPELINES_TABLE } from './catalog.js';
import type { CompiledQuery } from './compile.js';
import { type QueryContext, QueryContextSchema } from './context.js';
import { TABLE_ALIASES } from './query-tables.js';
import { compileSql } from './sql-compiler.js';
import { formatDateTime64 } from './time-range.js';
import { ValidationError } from '../errors.js';

/**
 * GitLab's `pipelineAnalytics { aggregate timeSeries }`: counts per status and duration statistics
 * of the pipelines (ci_finished_pipelines) started in [fromTime, toTime), optionally of one
 * project, source and ref. Durations are the pipeline's `duration`, whole seconds.
 * Result columns: [period,] total, success, failed, other (canceled or skipped), mean, p50 … p99.
 * Periods (UTC): day → toStartOfDay, week → toMonday (ISO week), month → toStartOfMonth.
 */
export const PIPELINE_PERIODS = ['day', 'week', 'month'] as const;
export type PipelinePeriod = (typeof PIPELINE_PERIODS)[number];

const BUCKET = { day: 'toStartOfDay', week: 'toMonday', month: 'toStartOfMonth' } as const;
const QUANTILES = [
  ['p50', 0.5],
  ['p75', 0.75],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;
const FP = TABLE_ALIASES.pipelineScan;
/** at most one period per day of the longest allowed range, with room */
const MAX_PERIODS = 1_000;

export function compilePipelineStats(context: QueryContext, period?: PipelinePeriod): CompiledQuery {
  const parsed = QueryContextSchema.safeParse(context);
  if (!parsed.success)
    throw new ValidationError(
      'context',
      parsed.error.issues.map((i) => `context.${i.path.join('.')}: ${i.message}`),
    );
  const col = (name: string) => ast.column(FP, name);
  const status = (values: readonly string[]) => ast.binary(col('status'), 'IN', ast.param('Array(String)', values));
  const duration = col('duration');
  const bucket = period ? ast.call(BUCKET[period], [col('started_at')]) : undefined;
  const metrics = [
    ast.aliased(ast.call('count', []), 'total'),
    ast.aliased(ast.call('countIf', [status(['success'])]), 'success'),
    ast.aliased(ast.call('countIf', [status(['failed'])]), 'failed'),
    ast.aliased(ast.call('countIf', [status(['canceled', 'skipped'])]), 'other'),
    ast.aliased(ast.call('avg', [duration]), 'mean'),
    ...QUANTILES.map(([alias, level]) => ast.aliased(ast.call('quantile', [duration], [ast.number(level)]), alias)),
  ];
  const { sql, params } = compileSql(
    ast.select({
      columns: [...(bucket ? [ast.aliased(bucket, 'period')] : []), ...metrics],
      from: ast.table(PIPELINES_TABLE, FP, false),
      where: contextWhere(parsed.data),
      groupBy: bucket ? [bucket] : [],
      having: [],
      orderBy: bucket ? [ast.orderItem(ast.identifier('period'), false)] : [],
      limit: ast.number(MAX_PERIODS),
    }),
  );
  const names = [...(bucket ? ['period'] : []), 'total', 'success', 'failed', 'other', 'mean', ...QUANTILES.map(([a]) => a)];
  return {
    sql,
    params,
    columns: names.map((name) => ({ name, kind: name === 'period' ? 'dimension' : 'metric', type: name === 'period' ? 'time' : 'number' })),
  };
}

function contextWhere(context: QueryContext): ExprNode[] {
  const col = (name: string) => ast.column(FP, name);
  const where: ExprNode[] = [
    ast.binary(col('started_at'), '>=', ast.param(TIME_PARAM, formatDateTime64(context.fromTime), 'from_time')),
    ast.binary(col('started_at'), '<', ast.param(TIME_PARAM, formatDateTime64(context.toTime), 'to_time')),
  ];
  if (context.projectId !== undefined) where.push(ast.binary(col('project_id'), '=', ast.param('UInt64', context.projectId, 'project_id')));
  if (context.source !== undefined) where.push(ast.binary(col('source'), '=', ast.param('String', context.source, 'source')));
  if (context.ref !== undefined) where.push(ast.binary(col('ref'), '=', ast.param('String', context.ref, 'ref')));
  return where;
}
