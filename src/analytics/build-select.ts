import { BUILDS_TABLE, PIPELINES_TABLE } from './catalog.js';
import { ast, type ExprNode, type SelectNode, type SqlFunction } from './ast.js';
import type { ColumnExpr, ConditionPlan, Granularity, MetricPlan, QueryPlan } from './plan.js';
import { QUERY_TABLES, TABLE_ALIASES, tableAlias } from './query-tables.js';
import { formatDateTime64 } from './time-range.js';

/**
 * Turns a validated plan into the SELECT tree.
 *
 * - The table read is the plan's: `ci_finished_builds AS b`, `ci_finished_build_sections AS s`
 *   or `ci_finished_pipelines AS p` (scoped by `p.id IN (…)` instead of `pipeline_id`).
 * - No FINAL, as GitLab's default finder: our writes are idempotent (src/store/clickhouse
 *   write-rows.ts: existence checks and insert deduplication tokens), so a pipeline pushed twice,
 *   raced or retried is stored once; against GitLab's own tables a query counts what GitLab's
 *   finder counts. FINAL's per-query merge cost 2.4–4× on 10 M builds (bench/query.bench.ts).
 * - Context, as GitLab's `filter_by_pipeline_attrs`: builds whose pipeline started in
 *   [fromTime, toTime) — `pipeline_id IN (SELECT id FROM ci_finished_pipelines … started_at …)`,
 *   with the pipeline's `source` / `ref` in that subquery, and `project_id` on the table read
 *   (GitLab's pipelines table has no project id, only a namespace path). Sections carry the
 *   build's `pipeline_id` and `project_id`, so they are scoped the same way.
 * - When a builds query names a pipeline column (`ref`, `source`) that subquery becomes an
 *   `INNER JOIN … AS p ON p.id = b.pipeline_id` carrying those columns instead.
 * - Time buckets (UTC): minute/hour/day → toStartOfMinute/Hour/Day (DateTime), week → toMonday
 *   (ISO week starting Monday, a Date), month → toStartOfMonth (a Date).
 */

const TIME_PARAM = "DateTime64(6, 'UTC')";
const BUCKET: Readonly<Record<Granularity, SqlFunction>> = {
  minute: 'toStartOfMinute',
  hour: 'toStartOfHour',
  day: 'toStartOfDay',
  week: 'toMonday',
  month: 'toStartOfMonth',
};
const { pipelines: P, pipelineScan: FP } = TABLE_ALIASES;

export function buildSelect(plan: QueryPlan): SelectNode {
  const { table } = QUERY_TABLES[plan.table];
  const main = tableAlias(table);
  // a pipelines query reads the pipelines themselves: no join, scoped by its own id
  const joinPipelines = plan.table !== 'pipelines' && usesPipelineColumns(plan);
  const pipelineId = plan.table === 'pipelines' ? 'id' : 'pipeline_id';
  const metrics = plan.metrics.map((m) => ast.aliased(metricExpr(m), m.alias));
  const dimensions = plan.dimensions.map((d) => ast.aliased(columnExpr(d.expr), d.alias));
  const pipelines = ast.subquery(pipelineScan(plan, joinPipelines));
  const context: ExprNode[] = [];
  if (plan.context.projectId !== undefined) {
    context.push(ast.binary(ast.column(main, 'project_id'), '=', ast.param('UInt64', plan.context.projectId, 'project_id')));
  }
  if (!joinPipelines) context.push(ast.binary(ast.column(main, pipelineId), 'IN', pipelines));
  return ast.select({
    columns: [...dimensions, ...metrics],
    from: ast.table(table, main, false),
    ...(joinPipelines ? { join: ast.join(pipelines, P, ast.binary(ast.column(P, 'id'), '=', ast.column(main, 'pipeline_id'))) } : {}),
    where: [...context, ...plan.where.map(conditionExpr)],
    groupBy: plan.dimensions.map((d) => columnExpr(d.expr)),
    having: plan.having.map((h) => ast.binary(ast.identifier(h.alias), h.operator, ast.param(h.value.type, h.value.value))),
    orderBy: plan.orderBy.map((o) => ast.orderItem(ast.identifier(o.alias), o.descending)),
    limit: ast.number(plan.limit),
    offset: ast.number(plan.offset),
  });
}

/** `SELECT fp.id [, fp.ref AS ref, fp.source AS source] FROM ci_finished_pipelines AS fp WHERE …` */
function pipelineScan(plan: QueryPlan, withColumns: boolean): SelectNode {
  const { fromTime, toTime, source, ref } = plan.context;
  const started = ast.column(FP, 'started_at');
  const where: ExprNode[] = [
    ast.binary(started, '>=', ast.param(TIME_PARAM, formatDateTime64(fromTime), 'from_time')),
    ast.binary(started, '<', ast.param(TIME_PARAM, formatDateTime64(toTime), 'to_time')),
  ];
  if (source !== undefined) where.push(ast.binary(ast.column(FP, 'source'), '=', ast.param('String', source, 'source')));
  if (ref !== undefined) where.push(ast.binary(ast.column(FP, 'ref'), '=', ast.param('String', ref, 'ref')));
  const extra = withColumns ? ['ref', 'source'].map((c) => ast.aliased(ast.column(FP, c), c)) : [];
  return ast.select({
    columns: [withColumns ? ast.aliased(ast.column(FP, 'id'), 'id') : ast.column(FP, 'id'), ...extra],
    from: ast.table(PIPELINES_TABLE, FP, false),
    where,
    groupBy: [],
    having: [],
    orderBy: [],
  });
}

function usesPipelineColumns(plan: QueryPlan): boolean {
  const exprs: ColumnExpr[] = [
    ...plan.dimensions.map((d) => d.expr),
    ...plan.where.map((c) => c.expr),
    ...plan.metrics.flatMap((m) => [...(m.column ? [{ column: m.column }] : []), ...m.conditions.map((c) => c.expr)]),
  ];
  return exprs.some((e) => e.column.table === PIPELINES_TABLE);
}

function columnExpr({ column, granularity }: ColumnExpr): ExprNode {
  const ref = ast.column(tableAlias(column.table), column.column);
  return granularity ? ast.call(BUCKET[granularity], [ref]) : ref;
}

function conditionExpr(condition: ConditionPlan): ExprNode {
  return ast.binary(columnExpr(condition.expr), condition.operator, ast.param(condition.value.type, condition.value.value));
}

/** flakeRate: mean of `flaky` over each pipeline's final attempts (see functions.ts). */
function flakeRateExpr(): ExprNode {
  const builds = tableAlias(BUILDS_TABLE);
  const finalAttempt = ast.binary(ast.column(builds, 'retried'), '=', ast.param('Bool', false));
  return ast.call('avgIf', [ast.column(builds, 'flaky'), finalAttempt]);
}

function metricExpr(metric: MetricPlan): ExprNode {
  // rateIf(cond): the mean of the 0/1 condition, i.e. the share of matching rows
  if (metric.aggregate === 'rate') return ast.call('avg', [ast.and(metric.conditions.map(conditionExpr))]);
  if (metric.aggregate === 'flakeRate') return flakeRateExpr();
  const conditional = metric.conditions.length > 0;
  const fn = `${metric.aggregate}${conditional ? 'If' : ''}` as SqlFunction;
  const args: ExprNode[] = metric.column ? [columnExpr({ column: metric.column })] : [];
  if (conditional) args.push(ast.and(metric.conditions.map(conditionExpr)));
  const parameters = metric.level === undefined ? [] : [ast.number(metric.level)];
  return ast.call(fn, args, parameters);
}
