import { ValidationError } from '../errors.js';
import { checkUniqueAliases } from './aliases.js';
import { type QueryContext, QueryContextSchema } from './context.js';
import { IssueList } from './issues.js';
import { type QueryLimits, resolveLimits } from './limits.js';
import { parseSections, type QuerySections } from './parse-sections.js';
import { QUERY_TABLES } from './query-tables.js';
import type { ConditionPlan, DimensionPlan, HavingPlan, MetricPlan, QueryPlan } from './plan.js';
import { resolveCondition, type Scope } from './resolve-conditions.js';
import { resolveDimensions } from './resolve-dimensions.js';
import { resolveMetric } from './resolve-metrics.js';
import { resolveOrder } from './resolve-order.js';

const DAY_MS = 86_400_000;

/**
 * Validates a query input against the catalog of its `table` (default `builds`) and the limits,
 * in one pass that reports every problem (`metrics[2].function: unknown function "avgg"; allowed:
 * …`). Throws ValidationError (subject `query`, `issues` = the lines) or returns the resolved plan.
 */
export function validateQuery(input: unknown, context: QueryContext, limits?: Partial<QueryLimits>): QueryPlan {
  const bounds = resolveLimits(limits);
  const issues = new IssueList();
  const sections = parseSections(input, issues);
  const checkedContext = checkContext(context, bounds, issues);
  checkCounts(sections, bounds, issues);
  // the table decides which names exist: with an unknown one, names are not checked
  if (sections.table === undefined) throw new ValidationError('query', issues.lines);
  const table = QUERY_TABLES[sections.table];

  const dimensions = resolveDimensions(sections.dimensions, table, issues);
  const dimensionScope: Scope = { table, dimensions: new Map(dimensions.map((d) => [d.plan.alias, d.plan])) };
  const resolved = sections.metrics.map((m) => ({ m, plan: resolveMetric(m, dimensionScope, issues, bounds) }));
  const metrics = resolved.flatMap((r) => r.plan ?? []);
  // aliases of metrics already reported invalid: later references to them are not errors of their own
  const reported = new Set(resolved.flatMap((r) => (r.plan === undefined && typeof r.m.item.as === 'string' ? [r.m.item.as] : [])));
  const conditionCount = sections.counts.filter + metrics.reduce((n, m) => n + m.conditionCount, 0);
  if (conditionCount > bounds.maxFilters) {
    issues.add(['filter'], `${conditionCount} filters and metric conditions; at most ${bounds.maxFilters} are allowed`);
  }
  checkUniqueAliases(
    [...dimensions.map((d) => ({ alias: d.plan.alias, path: d.path })), ...metrics.map((m) => ({ alias: m.plan.alias, path: m.path }))],
    issues,
  );

  const scope: Scope = { ...dimensionScope, metrics: new Map(metrics.map((m) => [m.plan.alias, m.plan])) };
  const { where, having } = resolveFilters(sections, scope, issues, bounds, reported);
  const given = input !== null && typeof input === 'object' && (input as { orderBy?: unknown }).orderBy != null;
  const orderBy = resolveOrder(
    sections.orderBy.filter((o) => !reported.has(o.item.column)),
    given,
    scope,
    issues,
  );

  if (issues.size > 0 || !checkedContext) throw new ValidationError('query', issues.lines);
  return {
    table: table.name,
    dimensions: dimensions.map((d) => d.plan) as DimensionPlan[],
    metrics: metrics.map((m) => m.plan) as MetricPlan[],
    where,
    having,
    orderBy,
    limit: sections.limit ?? bounds.defaultLimit,
    offset: sections.offset ?? 0,
    context: checkedContext,
  };
}

/** Top-level filters: on a column or dimension alias (WHERE) or on a metric alias (HAVING). */
function resolveFilters(sections: QuerySections, scope: Scope, issues: IssueList, bounds: QueryLimits, reported: ReadonlySet<string>) {
  const where: ConditionPlan[] = [];
  const having: HavingPlan[] = [];
  for (const { path, item } of sections.filter) {
    if (typeof item.column === 'string' && reported.has(item.column)) continue;
    const resolved = resolveCondition(item, path, scope, issues, bounds);
    if (resolved && 'where' in resolved) where.push(resolved.where);
    else if (resolved) having.push(resolved.having);
  }
  return { where, having };
}

function checkCounts(sections: QuerySections, bounds: QueryLimits, issues: IssueList): void {
  const { counts, limit, offset } = sections;
  if (counts.dimensions > bounds.maxDimensions)
    issues.add(['dimensions'], `${counts.dimensions} dimensions; at most ${bounds.maxDimensions} are allowed`);
  if (counts.metrics > bounds.maxMetrics) issues.add(['metrics'], `${counts.metrics} metrics; at most ${bounds.maxMetrics} are allowed`);
  if (limit !== undefined && (limit < 1 || limit > bounds.maxLimit)) issues.add(['limit'], `must be from 1 to ${bounds.maxLimit}`);
  if (offset !== undefined && (offset < 0 || offset > bounds.maxOffset)) issues.add(['offset'], `must be from 0 to ${bounds.maxOffset}`);
}

/** Checks the context shape, that fromTime < toTime, and the range limit. */
function checkContext(context: QueryContext, bounds: QueryLimits, issues: IssueList): QueryContext | undefined {
  const parsed = QueryContextSchema.safeParse(context);
  if (!parsed.success) {
    issues.addZod(['context'], parsed.error);
    return undefined;
  }
  const { fromTime, toTime } = parsed.data;
  const days = (toTime.getTime() - fromTime.getTime()) / DAY_MS;
  if (days <= 0) {
    issues.add(
      ['context', 'toTime'],
      `toTime (${toTime.toISOString()}) must be after fromTime (${fromTime.toISOString()}); toTime is exclusive`,
    );
  } else if (days > bounds.maxRangeDays) {
    issues.add(['context', 'toTime'], `time range is ${Math.ceil(days)} days; at most ${bounds.maxRangeDays} are allowed`);
  }
  for (const key of ['fromTime', 'toTime'] as const) {
    const year = parsed.data[key].getUTCFullYear();
    if (year < 1900 || year > 2299) issues.add(['context', key], 'must be between the years 1900 and 2299');
  }
  return parsed.data;
}
