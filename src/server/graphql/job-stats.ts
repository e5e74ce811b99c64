import { compileQuery, type QueryContext } from '../../analytics/index.js';
import type { CellValue } from '../../store/clickhouse/index.js';
import { queryGuard, type GraphqlContext } from './context.js';
import { COMPLETED_STATUSES } from '../../payload/statuses.js';

/** One job-analytics group: counts per status and durations in milliseconds (null: no builds). */
export interface JobStats {
  name: string;
  /** null when the grouping is by name only */
  stageName: string | null;
  total: number;
  success: number;
  failed: number;
  canceled: number;
  skipped: number;
  durationsMs: Record<DurationKey, number | null>;
}

export const DURATION_KEYS = ['mean', 'p50', 'p75', 'p90', 'p95', 'p99'] as const;
export type DurationKey = (typeof DURATION_KEYS)[number];

const LEVELS: Readonly<Record<Exclude<DurationKey, 'mean'>, string>> = { p50: '0.5', p75: '0.75', p90: '0.9', p95: '0.95', p99: '0.99' };
export const MAX_NAME_SEARCH = 255;

/**
 * GitLab's jobAnalytics as one query of our compiler over ci_finished_builds: grouped by `name`
 * (and `stage_name` when `withStage`), every status count and the duration statistics, for the
 * builds of pipelines in the window. `nameSearch` is a case-insensitive substring of the name
 * (its `%`, `_` and `\` match literally).
 */
export async function loadJobStats(
  scope: QueryContext,
  options: { nameSearch?: string; withStage: boolean },
  context: GraphqlContext,
): Promise<JobStats[]> {
  const input = {
    dimensions: [{ column: 'name' }, ...(options.withStage ? [{ column: 'stage_name', as: 'stageName' }] : [])],
    metrics: [
      { function: 'count', as: 'total' },
      ...COMPLETED_STATUSES.map((status) => ({
        function: 'countIf',
        condition: { column: 'status', operator: '=', value: status },
        as: status,
      })),
      { function: 'avg', column: 'duration', as: 'mean' },
      ...Object.entries(LEVELS).map(([alias, level]) => ({ function: `quantile(${level})`, column: 'duration', as: alias })),
    ],
    filter: options.nameSearch ? [{ column: 'name', operator: 'ILIKE', value: `%${escapeLike(options.nameSearch)}%` }] : [],
    orderBy: [{ column: 'name' }, ...(options.withStage ? [{ column: 'stageName' }] : [])],
    limit: context.guards.limits.maxLimit,
  };
  const compiled = compileQuery(input, scope, context.guards.limits);
  const result = await context.source.runQuery({ sql: compiled.sql, params: compiled.params }, queryGuard(context));
  const at = (name: string) => result.columns.indexOf(name);
  return result.rows.map((row) => toStats(row, at, options.withStage));
}

function toStats(row: CellValue[], at: (name: string) => number, withStage: boolean): JobStats {
  const num = (name: string) => Number(row[at(name)] ?? 0);
  const duration = (name: string) => (row[at(name)] == null ? null : Number(row[at(name)]));
  return {
    name: String(row[at('name')] ?? ''),
    stageName: withStage ? String(row[at('stageName')] ?? '') : null,
    total: num('total'),
    success: num('success'),
    failed: num('failed'),
    canceled: num('canceled'),
    skipped: num('skipped'),
    durationsMs: Object.fromEntries(DURATION_KEYS.map((k) => [k, duration(k)])) as JobStats['durationsMs'],
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
