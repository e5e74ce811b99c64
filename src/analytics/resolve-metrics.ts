import type { QueryColumn } from './catalog.js';
import { checkAlias } from './aliases.js';
import { acceptsColumn, AGGREGATES, FUNCTION_NAMES, levelLabel, type ParsedFunction, parseFunctionName, resultKind } from './functions.js';
import type { Condition, Metric } from './input-schema.js';
import { type IssueList, type Path, quote } from './issues.js';
import type { QueryLimits } from './limits.js';
import type { Located } from './parse-sections.js';
import type { ConditionPlan, MetricPlan } from './plan.js';
import type { QueryTable } from './query-tables.js';
import { resolveCondition, type Scope } from './resolve-conditions.js';

export interface LocatedMetric {
  readonly path: Path;
  readonly plan: MetricPlan;
  /** conditions given (valid or not), for the filter limit */
  readonly conditionCount: number;
}

/**
 * Resolves `{ function, column?, condition | filter?, as? }`. Default alias: the function, the
 * quantile level and the column joined by `_` (`count`, `avg_duration`, `quantile_0_95_duration`,
 * `countIf`).
 */
export function resolveMetric(
  { path, item }: Located<Metric>,
  scope: Scope,
  issues: IssueList,
  limits: QueryLimits,
): LocatedMetric | undefined {
  const fn = parseFunctionName(item.function);
  if (!fn) issues.add([...path, 'function'], `unknown function ${quote(item.function)}; allowed: ${FUNCTION_NAMES.join(', ')}`);
  const column = item.column == null ? undefined : resolveColumn(item.column, scope.table, [...path, 'column'], issues);
  const { given, located } = listConditions(item, path, issues);
  const conditions = located.flatMap(({ condition, at }) => {
    const resolved = resolveCondition(condition, at, { table: scope.table, dimensions: scope.dimensions }, issues, limits);
    return resolved && 'where' in resolved ? [resolved.where] : [];
  });
  if (!fn || column === null) return undefined;
  if (!checkShape(fn, item, column, given, path, issues)) return undefined;
  if (fn.aggregate === 'flakeRate' && scope.table.name !== 'builds') {
    issues.add([...path, 'function'], 'flakeRate needs the builds table (it reads job attempts)');
    return undefined;
  }
  if (item.as != null && !checkAlias(item.as, [...path, 'as'], issues, scope.table)) return undefined;
  if (conditions.length !== given) return undefined;
  const name = `${fn.aggregate}${fn.conditional ? 'If' : ''}`;
  const alias = item.as ?? [name, fn.level === undefined ? '' : levelLabel(fn.level), item.column ?? ''].filter(Boolean).join('_');
  const plan: MetricPlan = {
    alias,
    aggregate: fn.aggregate,
    ...(fn.level === undefined ? {} : { level: fn.level }),
    ...(column ? { column } : {}),
    conditions: conditions as ConditionPlan[],
    kind: resultKind(fn.aggregate, column?.kind),
  };
  return { path, plan, conditionCount: given };
}

/** undefined: no column given; null: an unknown column (already reported). */
function resolveColumn(name: string, table: QueryTable, path: Path, issues: IssueList): QueryColumn | null {
  const column = table.columns.get(name);
  if (column) return column;
  issues.add(path, `unknown column ${quote(name)}; allowed: ${table.columnNames.join(', ')}`);
  return null;
}

function listConditions(item: Metric, path: Path, issues: IssueList) {
  if (item.condition != null && item.filter != null) {
    issues.add([...path, 'filter'], 'give either condition or filter, not both');
  }
  const key = item.condition != null ? 'condition' : 'filter';
  const raw = item.condition ?? item.filter;
  if (raw == null) return { given: 0, located: [] as { condition: Condition; at: Path }[] };
  const located = Array.isArray(raw)
    ? raw.map((condition, i) => ({ condition, at: [...path, key, i] }))
    : [{ condition: raw, at: [...path, key] }];
  return { given: located.length, located };
}

function checkShape(
  fn: ParsedFunction,
  item: Metric,
  column: QueryColumn | undefined,
  conditionCount: number,
  path: Path,
  issues: IssueList,
): boolean {
  const name = item.function;
  let ok = true;
  if (!acceptsColumn(fn.aggregate, column?.kind)) {
    issues.add([...path, 'column'], columnRule(fn, name, column));
    ok = false;
  }
  if (fn.conditional && conditionCount === 0) {
    issues.add([...path, 'condition'], `${name} needs a condition, e.g. { column: "status", operator: "=", value: "failed" }`);
    ok = false;
  }
  if (!fn.conditional && conditionCount > 0) {
    issues.add([...path, 'condition'], `a condition needs an If function (countIf, avgIf, quantileIf(p), …), not ${name}`);
    ok = false;
  }
  return ok;
}

function columnRule(fn: ParsedFunction, name: string, column: QueryColumn | undefined): string {
  const rule = AGGREGATES[fn.aggregate].column;
  if (fn.aggregate === 'flakeRate')
    return `${name} takes no column (it is the share of the job's pipelines where it failed, then succeeded)`;
  if (fn.aggregate === 'rate') return `${name} takes no column (it is the share of rows matching its condition)`;
  if (rule === 'none') return `${name} takes no column (it counts rows); use uniq to count distinct values`;
  const wanted = rule === 'number' ? 'a number column' : rule === 'ordered' ? 'a number or time column' : 'a column';
  return column ? `${name} needs ${wanted}; ${quote(column.name)} is a ${column.kind} column` : `${name} needs ${wanted}`;
}
