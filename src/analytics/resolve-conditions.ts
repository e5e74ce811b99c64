import { DT as TIME_PARAM, paramTypeOf } from './catalog.js';
import { bindValue, type ValueTarget } from './bind-value.js';
import type { Condition } from './input-schema.js';
import { type IssueList, type Path, quote } from './issues.js';
import type { QueryLimits } from './limits.js';
import { isOperator, type Operator, OPERATORS, OPERATORS_BY_KIND } from './operators.js';
import type { ColumnExpr, ConditionPlan, DimensionPlan, HavingPlan, MetricPlan } from './plan.js';
import type { QueryTable } from './query-tables.js';

/** Aliases a condition or orderBy may name, besides catalog columns. */
export interface Scope {
  /** the table the query reads: its catalog names the columns */
  readonly table: QueryTable;
  readonly dimensions: ReadonlyMap<string, DimensionPlan>;
  /** absent inside a metric's own condition: metrics cannot filter on metrics */
  readonly metrics?: ReadonlyMap<string, MetricPlan>;
}

export type ResolvedCondition = { readonly where: ConditionPlan } | { readonly having: HavingPlan };

/** Resolves `{ column, operator, value }`: a dimension alias or column (WHERE) or a metric alias (HAVING). */
export function resolveCondition(
  condition: Condition,
  path: Path,
  scope: Scope,
  issues: IssueList,
  limits: QueryLimits,
): ResolvedCondition | undefined {
  const target = resolveTarget(condition.column, [...path, 'column'], scope, issues);
  const operator = checkOperator(condition.operator, target?.value, [...path, 'operator'], issues);
  if (!target || !operator) return undefined;
  const value = bindValue(target.value, operator, condition.value, [...path, 'value'], issues, limits);
  if (!value) return undefined;
  if (target.metric) return { having: { alias: target.metric.alias, operator, value } };
  return { where: { expr: target.expr!, operator, value } };
}

interface Target {
  readonly value: ValueTarget;
  readonly expr?: ColumnExpr;
  readonly metric?: MetricPlan;
}

function resolveTarget(name: string, path: Path, scope: Scope, issues: IssueList): Target | undefined {
  const dimension = scope.dimensions.get(name);
  if (dimension) {
    const { expr } = dimension;
    const type = expr.granularity ? TIME_PARAM : paramTypeOf(expr.column.type);
    return { expr, value: { kind: dimension.kind, type, label: `dimension ${quote(name)}` } };
  }
  const metric = scope.metrics?.get(name);
  if (metric) {
    const type = metric.kind === 'time' ? TIME_PARAM : 'Float64';
    return { metric, value: { kind: metric.kind, type, label: `metric ${quote(name)}` } };
  }
  const column = scope.table.columns.get(name);
  if (column) {
    return { expr: { column }, value: { kind: column.kind, type: paramTypeOf(column.type), label: `column ${quote(name)}` } };
  }
  issues.add(path, `unknown column ${quote(name)}; allowed: ${allowedNames(scope).join(', ')}`);
  return undefined;
}

function allowedNames(scope: Scope): string[] {
  return [...scope.dimensions.keys(), ...(scope.metrics?.keys() ?? []), ...scope.table.columnNames].filter(
    (name, i, all) => all.indexOf(name) === i,
  );
}

function checkOperator(spelled: string, target: ValueTarget | undefined, path: Path, issues: IssueList): Operator | undefined {
  if (!isOperator(spelled)) {
    issues.add(path, `unknown operator ${quote(spelled)}; allowed: ${OPERATORS.join(', ')}`);
    return undefined;
  }
  if (target && !OPERATORS_BY_KIND[target.kind].includes(spelled)) {
    const allowed = OPERATORS_BY_KIND[target.kind].join(', ');
    issues.add(path, `operator ${spelled} does not apply to ${target.label} (${target.kind}); allowed: ${allowed}`);
    return undefined;
  }
  return spelled;
}
