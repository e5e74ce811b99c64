import {
  CI_FINISHED_PIPELINES_COLUMNS,
  collectQueryColumns,
  PIPELINES_TABLE,
  type PipelineColumnName,
  type QueryColumn,
  type TableColumn,
} from './catalog.js';

/**
 * What a `table: pipelines` query may name: columns of `ci_finished_pipelines` (GitLab's, plus
 * ours: project, hierarchy, test totals). Units: `duration` and `duration_e2e` whole seconds,
 * `hierarchy_duration` and `test_total_time` seconds, times DateTime64(6, 'UTC').
 * E.g. child pipelines per parent: dimension `parent_pipeline_id`, metrics over `duration`.
 */
const QUERYABLE: readonly PipelineColumnName[] = [
  'id',
  'created_at',
  'started_at',
  'finished_at',
  'duration',
  'status',
  'source',
  'ref',
  'name',
  'project_id',
  'project_path',
  'commit_sha',
  'duration_e2e',
  'parent_pipeline_id',
  'parent_bridge_id',
  'root_pipeline_id',
  'hierarchy_duration',
  'coverage',
  'test_total_time',
  'test_total_count',
  'test_success_count',
  'test_failed_count',
  'test_skipped_count',
  'test_error_count',
];

const columns: Record<string, TableColumn> = Object.fromEntries(
  Object.entries(CI_FINISHED_PIPELINES_COLUMNS).map(([name, def]) => [
    name,
    { ...def, queryable: (QUERYABLE as readonly string[]).includes(name) },
  ]),
);

/** Queryable names of a `pipelines` query → columns (the table's own names, no aliases). */
export const PIPELINES_QUERY_COLUMNS: ReadonlyMap<string, QueryColumn> = collectQueryColumns([[PIPELINES_TABLE, columns]], {});

/** Names an alias of a `pipelines` query must not take unless it labels that same column. */
export const PIPELINES_RESERVED_COLUMN_NAMES: ReadonlySet<string> = new Set(Object.keys(CI_FINISHED_PIPELINES_COLUMNS));
