import { col, collectQueryColumns, DT, type QueryColumn, SECTIONS_TABLE, type TableColumn } from './catalog.js';

/**
 * Column catalog of `ci_finished_build_sections` (pipeline-metrics only; GitLab has no such
 * table): timings inside a job attempt, one row per (build, kind, name), ReplacingMergeTree keyed
 * by (project_id, build_id, kind, name). Context columns are copied from the build, so a query
 * needs no join. `duration` is milliseconds (Int64); times are DateTime64(6, 'UTC').
 */
export const CI_FINISHED_BUILD_SECTIONS_COLUMNS = {
  build_id: col('UInt64', 'number', { gitlab: false }),
  pipeline_id: col('UInt64', 'number', { gitlab: false }),
  project_id: col('UInt64', 'number', { gitlab: false }),
  /** 'section': a GitLab log section (section_start/section_end); 'step': a timed script step */
  kind: col('LowCardinality(String)', 'string', { gitlab: false }),
  /** the section or step name */
  name: col('String', 'string', { gitlab: false }),
  /** milliseconds */
  duration: col('Int64', 'number', { gitlab: false, unit: 'ms' }),
  /** the job's name (ci_finished_builds.name) */
  build_name: col('String', 'string', { gitlab: false }),
  stage_name: col('String', 'string', { gitlab: false }),
  /** the job's status */
  status: col('LowCardinality(String)', 'string', { gitlab: false }),
  /** the pipeline's ref */
  ref: col('String', 'string', { gitlab: false }),
  started_at: col(DT, 'time', { gitlab: false }),
  finished_at: col(DT, 'time', { gitlab: false }),
} as const satisfies Record<string, TableColumn>;

export type SectionColumnName = keyof typeof CI_FINISHED_BUILD_SECTIONS_COLUMNS;

/**
 * Public names of a `sections` query that are not physical names: `stage`, as on builds.
 * (No `section` → name: a `step` row's name is not a section; no `job` → build_name.)
 */
export const SECTIONS_COLUMN_ALIASES = { stage: 'stage_name' } as const satisfies Record<string, SectionColumnName>;

/** Queryable names of a `sections` query → columns. */
export const SECTIONS_QUERY_COLUMNS: ReadonlyMap<string, QueryColumn> = collectQueryColumns(
  [[SECTIONS_TABLE, CI_FINISHED_BUILD_SECTIONS_COLUMNS]],
  SECTIONS_COLUMN_ALIASES,
);

/** Names an alias of a `sections` query must not take unless it labels that same column. */
export const SECTIONS_RESERVED_COLUMN_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(CI_FINISHED_BUILD_SECTIONS_COLUMNS),
  ...Object.keys(SECTIONS_COLUMN_ALIASES),
]);
