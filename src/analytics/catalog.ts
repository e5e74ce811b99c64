import type { ResultUnit } from './result.js';
/**
 * Column catalog of GitLab's ClickHouse CI analytics tables, the only identifiers a query may
 * name. Column names and types follow gitlab-org/gitlab `db/click_house/main.sql`
 * (`ci_finished_builds` after the `stage_name` + `ReplacingMergeTree(version, deleted)` migrations,
 * `ci_finished_pipelines` after `RecreateCiFinishedPipelinesTable` + `name`).
 *
 * `gitlab: false` marks our additions: queries naming them run on our store only.
 * `queryable: false` marks storage internals the query language never exposes.
 * Units: `duration` / `queueing_duration` are milliseconds (Int64, materialized from the times);
 * the pipeline `duration` is seconds (UInt64, as GitLab stores it). Times are DateTime64(6, 'UTC').
 */
export type ColumnKind = 'string' | 'number' | 'time' | 'bool';

export interface TableColumn {
  /** exact ClickHouse type of the column */
  readonly type: string;
  readonly kind: ColumnKind;
  /** present in GitLab's own table (false: pipeline-metrics extension) */
  readonly gitlab: boolean;
  /** exposed to the query language */
  readonly queryable: boolean;
  /** MATERIALIZED expression, when the column is computed by ClickHouse */
  readonly materialized?: string;
  /** unit of a numeric value, when it has one (durations) */
  readonly unit?: ResultUnit;
}

/** ClickHouse type of every timestamp column (UTC, microseconds). */
export const DT = "DateTime64(6, 'UTC')";
/** A catalog entry: GitLab's, queryable, unless `extra` says otherwise. */
export const col = (type: string, kind: ColumnKind, extra: Partial<TableColumn> = {}): TableColumn => ({
  type,
  kind,
  gitlab: true,
  queryable: true,
  ...extra,
});

export const BUILDS_TABLE = 'ci_finished_builds';
export const PIPELINES_TABLE = 'ci_finished_pipelines';
/** pipeline-metrics: log-section and step timings of a job attempt (see sections-catalog.ts) */
export const SECTIONS_TABLE = 'ci_finished_build_sections';
export type TableName = typeof BUILDS_TABLE | typeof PIPELINES_TABLE | typeof SECTIONS_TABLE;

/** Every column of `ci_finished_builds`, in GitLab's order, then our extensions. */
export const CI_FINISHED_BUILDS_COLUMNS = {
  id: col('UInt64', 'number'),
  project_id: col('UInt64', 'number'),
  pipeline_id: col('UInt64', 'number'),
  status: col('LowCardinality(String)', 'string'),
  created_at: col(DT, 'time'),
  queued_at: col(DT, 'time'),
  finished_at: col(DT, 'time'),
  started_at: col(DT, 'time'),
  runner_id: col('UInt64', 'number'),
  runner_manager_system_xid: col('String', 'string'),
  runner_run_untagged: col('Bool', 'bool'),
  /** GitLab's enum: 1 instance, 2 group, 3 project */
  runner_type: col('UInt8', 'number'),
  runner_manager_version: col('LowCardinality(String)', 'string'),
  runner_manager_revision: col('LowCardinality(String)', 'string'),
  runner_manager_platform: col('LowCardinality(String)', 'string'),
  runner_manager_architecture: col('LowCardinality(String)', 'string'),
  duration: col('Int64', 'number', {
    unit: 'ms',
    materialized: "if((started_at > 0) AND (finished_at > started_at), age('ms', started_at, finished_at), 0)",
  }),
  queueing_duration: col('Int64', 'number', {
    unit: 'ms',
    materialized: "if((queued_at > 0) AND (started_at > queued_at), age('ms', queued_at, started_at), 0)",
  }),
  root_namespace_id: col('UInt64', 'number'),
  name: col('String', 'string'),
  date: col('Date32', 'time', { queryable: false, materialized: 'toStartOfMonth(finished_at)' }),
  runner_owner_namespace_id: col('UInt64', 'number'),
  stage_id: col('UInt64', 'number'),
  stage_name: col('String', 'string'),
  version: col(DT, 'time', { queryable: false }),
  deleted: col('Bool', 'bool', { queryable: false }),
  failure_reason: col('LowCardinality(String)', 'string', { gitlab: false }),
  allow_failure: col('Bool', 'bool', { gitlab: false }),
  /** true when a later attempt of the same job replaced this one */
  retried: col('Bool', 'bool', { gitlab: false }),
  commit_sha: col('String', 'string', { gitlab: false }),
  /** 1 for the first attempt of the job name in its pipeline, 2 for its first retry, … (0: unknown) */
  attempt: col('UInt16', 'number', { gitlab: false }),
  /** succeeded after an earlier attempt of the same name in the same pipeline failed */
  flaky: col('Bool', 'bool', { gitlab: false }),
  /** percent; NULL when the job reports none */
  coverage: col('Nullable(Float64)', 'number', { gitlab: false }),
  /** the job's log and artifacts were erased */
  erased: col('Bool', 'bool', { gitlab: false }),
  /** why a wanted log gave no timings: missing, empty, erased; '' otherwise */
  log_status: col('LowCardinality(String)', 'string', { gitlab: false }),
  /** on the pipeline's critical path (false also when no path was computed) */
  on_critical_path: col('Bool', 'bool', { gitlab: false }),
  /** contribution to the critical path, ms: waiting before being queued, queueing, running */
  critical_path_wait: col('Int64', 'number', { gitlab: false }),
  critical_path_queue: col('Int64', 'number', { gitlab: false }),
  critical_path_run: col('Int64', 'number', { gitlab: false }),
} as const satisfies Record<string, TableColumn>;

/**
 * Every column of `ci_finished_pipelines`; only `ref` and `source` are queryable from a builds
 * query (via the build). A `pipelines` query (pipelines-catalog.ts) exposes more of them.
 */
export const CI_FINISHED_PIPELINES_COLUMNS = {
  id: col('UInt64', 'number', { queryable: false }),
  /** namespace traversal path of the project, e.g. `9970/123/` */
  path: col('String', 'string', { queryable: false }),
  committed_at: col(DT, 'time', { queryable: false }),
  created_at: col(DT, 'time', { queryable: false }),
  started_at: col(DT, 'time', { queryable: false }),
  finished_at: col(DT, 'time', { queryable: false }),
  /** seconds */
  duration: col('UInt64', 'number', { queryable: false }),
  date: col('Date32', 'time', { queryable: false, materialized: 'toStartOfMonth(finished_at)' }),
  status: col('LowCardinality(String)', 'string', { queryable: false }),
  source: col('LowCardinality(String)', 'string'),
  ref: col('String', 'string'),
  name: col('String', 'string', { queryable: false }),
  project_id: col('UInt64', 'number', { queryable: false, gitlab: false }),
  project_path: col('String', 'string', { queryable: false, gitlab: false }),
  commit_sha: col('String', 'string', { queryable: false, gitlab: false }),
  /** seconds; the seed's end-to-end duration, 0 when not reported */
  duration_e2e: col('UInt64', 'number', { queryable: false, gitlab: false }),
  /** downstream pipelines: the pipeline and trigger job that started it, the hierarchy's root; 0 = none */
  parent_pipeline_id: col('UInt64', 'number', { queryable: false, gitlab: false }),
  parent_bridge_id: col('UInt64', 'number', { queryable: false, gitlab: false }),
  root_pipeline_id: col('UInt64', 'number', { queryable: false, gitlab: false }),
  /** root pipelines: seconds from the first start to the last finish of the hierarchy collected with it */
  hierarchy_duration: col('Float64', 'number', { queryable: false, gitlab: false }),
  yaml_errors: col('String', 'string', { queryable: false, gitlab: false }),
  /** percent; NULL when the pipeline reports none */
  coverage: col('Nullable(Float64)', 'number', { queryable: false, gitlab: false }),
  /** JUnit totals of GitLab's test report summary; seconds for the time */
  test_total_time: col('Float64', 'number', { queryable: false, gitlab: false }),
  test_total_count: col('UInt64', 'number', { queryable: false, gitlab: false }),
  test_success_count: col('UInt64', 'number', { queryable: false, gitlab: false }),
  test_failed_count: col('UInt64', 'number', { queryable: false, gitlab: false }),
  test_skipped_count: col('UInt64', 'number', { queryable: false, gitlab: false }),
  test_error_count: col('UInt64', 'number', { queryable: false, gitlab: false }),
  /** ms from creation to the end of the critical path; 0 when none was computed */
  critical_path_duration: col('Int64', 'number', { queryable: false, gitlab: false }),
  /** build ids on the critical path, in time order */
  critical_path_build_ids: col('Array(UInt64)', 'number', { queryable: false, gitlab: false }),
} as const satisfies Record<string, TableColumn>;

export type BuildColumnName = keyof typeof CI_FINISHED_BUILDS_COLUMNS;
export type PipelineColumnName = keyof typeof CI_FINISHED_PIPELINES_COLUMNS;

/** Names a query may use for a column that is not its physical name (the seed says `stage`). */
export const COLUMN_ALIASES = { stage: 'stage_name' } as const satisfies Record<string, BuildColumnName>;

/** A column the query language can name, resolved to its table and physical column. */
export interface QueryColumn {
  /** the name the query used (`stage`, `name`, `ref`, …) */
  readonly name: string;
  readonly table: TableName;
  readonly column: string;
  readonly type: string;
  readonly kind: ColumnKind;
  readonly unit?: ResultUnit;
}

/**
 * Queryable names → columns of `tables` (later tables do not override earlier names), plus
 * `aliases` (public name → physical column name of a table listed).
 */
export function collectQueryColumns(
  tables: readonly (readonly [TableName, Readonly<Record<string, TableColumn>>])[],
  aliases: Readonly<Record<string, string>>,
): ReadonlyMap<string, QueryColumn> {
  const map = new Map<string, QueryColumn>();
  for (const [table, columns] of tables) {
    for (const [column, def] of Object.entries(columns)) {
      if (def.queryable && !map.has(column))
        map.set(column, { name: column, table, column, type: def.type, kind: def.kind, ...(def.unit && { unit: def.unit }) });
    }
  }
  for (const [name, column] of Object.entries(aliases)) {
    const target = map.get(column);
    if (target) map.set(name, { ...target, name });
  }
  return map;
}

/** Queryable names of a `builds` query → columns. A Map, so `__proto__` / `constructor` never resolve. */
export const QUERY_COLUMNS: ReadonlyMap<string, QueryColumn> = collectQueryColumns(
  [
    [BUILDS_TABLE, CI_FINISHED_BUILDS_COLUMNS],
    [PIPELINES_TABLE, CI_FINISHED_PIPELINES_COLUMNS],
  ],
  COLUMN_ALIASES,
);

/** Sorted queryable names of a `builds` query, for "allowed: …" messages. */
export const QUERY_COLUMN_NAMES: readonly string[] = [...QUERY_COLUMNS.keys()].sort();

/**
 * Every name an alias of a `builds` query must not take unless it labels that same column
 * (physical or public).
 */
export const RESERVED_COLUMN_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(CI_FINISHED_BUILDS_COLUMNS),
  ...Object.keys(CI_FINISHED_PIPELINES_COLUMNS),
  ...Object.keys(COLUMN_ALIASES),
]);

/** ClickHouse type of a bound parameter compared with a column of `type`. */
export function paramTypeOf(type: string): string {
  const wrapped = /^(?:LowCardinality|Nullable)\((.+)\)$/.exec(type);
  return wrapped ? wrapped[1]! : type;
}
