/** Public API of the jobAnalytics query compiler (pure: no I/O). */
export { compilePlan, compileQuery, type CompiledQuery, type ResultColumn } from './compile.js';
export { validateQuery } from './validate-query.js';
export {
  parseQueryInput,
  QueryInputSchema,
  type QueryInput,
  type Dimension,
  type Metric,
  type Condition,
  type OrderBy,
  QueryTableSchema,
} from './input-schema.js';
export { QueryContextSchema, type QueryContext } from './context.js';
export { DEFAULT_LIMITS, QueryLimitsSchema, resolveLimits, type QueryLimits } from './limits.js';
export {
  BUILDS_TABLE,
  PIPELINES_TABLE,
  SECTIONS_TABLE,
  CI_FINISHED_BUILDS_COLUMNS,
  CI_FINISHED_PIPELINES_COLUMNS,
  COLUMN_ALIASES,
  QUERY_COLUMNS,
  QUERY_COLUMN_NAMES,
  type ColumnKind,
  type QueryColumn,
  type TableColumn,
  type TableName,
} from './catalog.js';
export { CI_FINISHED_BUILD_SECTIONS_COLUMNS, SECTIONS_COLUMN_ALIASES, SECTIONS_QUERY_COLUMNS } from './sections-catalog.js';
export { DEFAULT_QUERY_TABLE, QUERY_TABLE_NAMES, QUERY_TABLES, type QueryTable, type QueryTableName } from './query-tables.js';
export { FUNCTION_NAMES } from './functions.js';
export { OPERATORS, type Operator } from './operators.js';
export { GRANULARITIES, type Granularity, type QueryPlan } from './plan.js';
export { defaultRange, formatDateTime64, parseIsoTime, parseTimeArg, type TimeRange } from './time-range.js';
export { compilePipelineStats, PIPELINE_PERIODS, type PipelinePeriod } from './pipeline-stats.js';
