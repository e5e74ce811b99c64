import { compilePipelineStats, type PipelinePeriod, type QueryContext } from '../../analytics/index.js';
import type { CellValue } from '../../store/clickhouse/index.js';
import { queryGuard, type GraphqlContext } from './context.js';
import { DURATION_KEYS, type DurationKey } from './job-stats.js';
import type { StatusCounts } from './statistics.js';

/** One PipelineAnalyticsPeriod: a label (period start, YYYY-MM-DD) or null for the aggregate. */
export interface PeriodStats {
  label: string | null;
  counts: StatusCounts;
  /** pipeline durations in milliseconds (stored as seconds) */
  durationsMs: Record<DurationKey, number | null>;
}


/** GitLab's aggregate (no period) or time series over ci_finished_pipelines. */
export async function loadPeriods(
  scope: QueryContext,
  period: PipelinePeriod | undefined,
  context: GraphqlContext,
): Promise<PeriodStats[]> {
  const compiled = compilePipelineStats(scope, period);
  const result = await context.source.runQuery({ sql: compiled.sql, params: compiled.params }, queryGuard(context));
  const at = (name: string) => result.columns.indexOf(name);
  const rows = result.rows.map((row) => toPeriod(row, at, period !== undefined));
  // an aggregate over no pipelines is still one period, with zero counts
  return period === undefined && rows.length === 0 ? [emptyPeriod()] : rows;
}

function toPeriod(row: CellValue[], at: (name: string) => number, bucketed: boolean): PeriodStats {
  const num = (name: string) => Number(row[at(name)] ?? 0);
  const total = num('total');
  const seconds = (name: string) => (total === 0 || row[at(name)] == null ? null : Number(row[at(name)]) * 1000);
  return {
    label: bucketed ? String(row[at('period')] ?? '').slice(0, 10) : null,
    counts: { total, success: num('success'), failed: num('failed'), other: num('other') },
    durationsMs: Object.fromEntries(DURATION_KEYS.map((k) => [k, seconds(k)])) as PeriodStats['durationsMs'],
  };
}

function emptyPeriod(): PeriodStats {
  return {
    label: null,
    counts: { total: 0, success: 0, failed: 0, other: 0 },
    durationsMs: Object.fromEntries(DURATION_KEYS.map((k) => [k, null])) as PeriodStats['durationsMs'],
  };
}
