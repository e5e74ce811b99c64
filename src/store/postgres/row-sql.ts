/**
 * The column lists that SAVE_PIPELINE_SQL (save-sql.ts) and the refresh statements
 * (refresh-sql.ts) share, in one place: a column added here is written by both. Rows travel as
 * jsonb (one object, or one array per table) and are typed by these lists; all values are `$n`
 * parameters, never SQL text.
 */

type Columns = readonly (readonly [name: string, type: string])[];

/** metrics_pipeline columns of migration 0003, from the jsonb object `e` (saveParams: pipelineExtras) */
const PIPELINE_EXTRA_COLUMNS: Columns = [
  ['name', 'text'],
  ['yaml_errors', 'text'],
  ['coverage', 'float8'],
  ['parent_pipeline_id', 'bigint'],
  ['parent_bridge_id', 'bigint'],
  ['root_pipeline_id', 'bigint'],
  ['hierarchy_duration', 'float8'],
  ['test_total_time', 'float8'],
  ['test_total_count', 'bigint'],
  ['test_success_count', 'bigint'],
  ['test_failed_count', 'bigint'],
  ['test_skipped_count', 'bigint'],
  ['test_error_count', 'bigint'],
];

/** metrics_job_attempt columns after job_id and pipeline_id, from the jsonb array `x` (saveParams: attemptRow) */
const ATTEMPT_COLUMNS: Columns = [
  ['name', 'text'],
  ['stage', 'text'],
  ['status', 'text'],
  ['allow_failure', 'boolean'],
  ['failure_reason', 'text'],
  ['created_at', 'timestamptz'],
  ['queued_at', 'timestamptz'],
  ['started_at', 'timestamptz'],
  ['finished_at', 'timestamptz'],
  ['duration', 'float8'],
  ['queued_duration', 'float8'],
  ['retried', 'boolean'],
  ['runner_id', 'bigint'],
  ['runner_description', 'text'],
  ['runner_type', 'text'],
  ['runner_tags', 'text[]'],
  ['web_url', 'text'],
  ['kind', 'text'],
  ['attempt', 'integer'],
  ['flaky', 'boolean'],
  ['log_status', 'text'],
  ['erased_at', 'timestamptz'],
  ['coverage', 'float8'],
  ['downstream_pipeline_id', 'bigint'],
  ['downstream_project_id', 'bigint'],
  ['runner_manager_system_xid', 'text'],
  ['runner_manager_version', 'text'],
  ['runner_manager_revision', 'text'],
  ['runner_manager_platform', 'text'],
  ['runner_manager_architecture', 'text'],
  ['on_critical_path', 'boolean'],
  ['critical_path_wait', 'float8'],
  ['critical_path_queue', 'float8'],
  ['critical_path_run', 'float8'],
];

const names = (columns: Columns, prefix = ''): string => columns.map(([name]) => prefix + name).join(', ');
const typed = (columns: Columns): string => columns.map(([name, type]) => `${name} ${type}`).join(', ');

/** `jsonb_to_record($n::jsonb) AS e(…)`: the 0003 pipeline columns as record `e` */
export function pipelineExtrasRecord(param: number): string {
  return `jsonb_to_record($${param}::jsonb) AS e(${typed(PIPELINE_EXTRA_COLUMNS)})`;
}

/** The 0003 pipeline columns: `name, yaml_errors, …` (or `e.name, …` with prefix `e.`) */
export function pipelineExtraNames(prefix = ''): string {
  return names(PIPELINE_EXTRA_COLUMNS, prefix);
}

/**
 * Inserts the attempts of jsonb array `$param` with `pipelineId` (an SQL expression: a parameter
 * or the pipeline CTE's column); `from` precedes the recordset (e.g. `p CROSS JOIN `).
 */
export function insertAttempts(pipelineId: string, param: number, from = ''): string {
  return `INSERT INTO metrics_job_attempt (job_id, pipeline_id, ${names(ATTEMPT_COLUMNS)})
  SELECT x.job_id, ${pipelineId}, ${names(ATTEMPT_COLUMNS, 'x.')}
  FROM ${from}jsonb_to_recordset($${param}::jsonb) AS x(job_id bigint, ${typed(ATTEMPT_COLUMNS)})`;
}

/** Inserts the step or section timings of jsonb array `$param` (`{job_id, name, seconds}` objects). */
export function insertTimings(table: 'metrics_job_step' | 'metrics_job_section', param: number, from = ''): string {
  return `INSERT INTO ${table} (job_id, name, seconds)
  SELECT x.job_id, x.name, x.seconds
  FROM ${from}jsonb_to_recordset($${param}::jsonb) AS x(job_id bigint, name text, seconds float8)`;
}
