import { buildSelect } from './build-select.js';
import type { ColumnKind } from './catalog.js';
import type { QueryContext } from './context.js';
import type { QueryLimits } from './limits.js';
import type { QueryPlan, Scalar } from './plan.js';
import { compileSql } from './sql-compiler.js';
import { validateQuery } from './validate-query.js';
import type { ResultUnit } from './result.js';

/** One output column, in SELECT order (dimensions first, then metrics). */
export interface ResultColumn {
  readonly name: string;
  readonly kind: 'dimension' | 'metric';
  /** value kind: time buckets and min/max of times are `time`; counts and aggregates `number` */
  readonly type: ColumnKind;
  /** the unit of its values: a duration column, or an aggregate that keeps its column's unit */
  readonly unit?: ResultUnit;
}

/** Aggregates whose value is in the unit of their column (counts, uniq and rates have none). */
const UNIT_KEEPING = new Set(['sum', 'avg', 'min', 'max', 'median', 'quantile']);

/**
 * ClickHouse SQL with `{name:Type}` placeholders; `params` go to the client's `query_params`
 * as they are (strings, numbers, booleans, arrays; times as `YYYY-MM-DD hh:mm:ss.SSS` UTC text).
 */
export interface CompiledQuery {
  readonly sql: string;
  readonly params: Record<string, Scalar | readonly Scalar[]>;
  readonly columns: readonly ResultColumn[];
}

/** Validates (throwing ValidationError with every issue) and compiles a query input. Pure. */
export function compileQuery(input: unknown, context: QueryContext, limits?: Partial<QueryLimits>): CompiledQuery {
  return compilePlan(validateQuery(input, context, limits));
}

/** Compiles an already validated plan. */
export function compilePlan(plan: QueryPlan): CompiledQuery {
  const { sql, params } = compileSql(buildSelect(plan));
  const columns: ResultColumn[] = [
    ...plan.dimensions.map((d) => ({
      name: d.alias,
      kind: 'dimension' as const,
      type: d.kind,
      ...unit(d.expr.granularity ? undefined : d.expr.column.unit),
    })),
    ...plan.metrics.map((m) => ({
      name: m.alias,
      kind: 'metric' as const,
      type: m.kind,
      ...unit(UNIT_KEEPING.has(m.aggregate) ? m.column?.unit : undefined),
    })),
  ];
  return { sql, params, columns };
}

function unit(value: ResultUnit | undefined): { unit?: ResultUnit } {
  return value ? { unit: value } : {};
}
