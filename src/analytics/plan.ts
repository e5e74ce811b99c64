import type { ColumnKind, QueryColumn } from './catalog.js';
import type { QueryContext } from './context.js';
import type { AggregateName } from './functions.js';
import type { Operator } from './operators.js';
import type { QueryTableName } from './query-tables.js';

/**
 * A validated query: every name resolved against the catalog, every value typed for binding.
 * Produced by `validateQuery`, turned into SQL by `buildSelect` + `compileSql`.
 */

export const GRANULARITIES = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export type Scalar = string | number | boolean;

/** A value to bind as a ClickHouse query parameter of `type`. */
export interface BoundValue {
  /** ClickHouse type of the parameter, e.g. `String`, `UInt64`, `DateTime64(6, 'UTC')`, `Array(String)` */
  readonly type: string;
  readonly value: Scalar | readonly Scalar[];
}

/** A column, or a time bucket of one. */
export interface ColumnExpr {
  readonly column: QueryColumn;
  readonly granularity?: Granularity;
}

export interface DimensionPlan {
  readonly alias: string;
  readonly expr: ColumnExpr;
  readonly kind: ColumnKind;
}

export interface ConditionPlan {
  readonly expr: ColumnExpr;
  readonly operator: Operator;
  readonly value: BoundValue;
}

export interface MetricPlan {
  readonly alias: string;
  readonly aggregate: AggregateName;
  readonly level?: number;
  readonly column?: QueryColumn;
  /** non-empty for `If` forms, joined by AND */
  readonly conditions: readonly ConditionPlan[];
  readonly kind: ColumnKind;
}

/** A filter on a metric alias (HAVING). */
export interface HavingPlan {
  readonly alias: string;
  readonly operator: Operator;
  readonly value: BoundValue;
}

export interface OrderPlan {
  /** a dimension or metric alias of the SELECT list */
  readonly alias: string;
  readonly descending: boolean;
}

export interface QueryPlan {
  /** the table aggregated: `builds` (ci_finished_builds) or `sections` (ci_finished_build_sections) */
  readonly table: QueryTableName;
  readonly dimensions: readonly DimensionPlan[];
  readonly metrics: readonly MetricPlan[];
  readonly where: readonly ConditionPlan[];
  readonly having: readonly HavingPlan[];
  readonly orderBy: readonly OrderPlan[];
  readonly limit: number;
  readonly offset: number;
  readonly context: QueryContext;
}
