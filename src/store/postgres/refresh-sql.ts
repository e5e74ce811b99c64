import { insertAttempts, insertTimings, pipelineExtraNames, pipelineExtrasRecord } from './row-sql.js';

/**
 * Statements of `refresh` (backfill replacing a snapshot stored while the pipeline ran), run in
 * one transaction: the extension columns of metrics_pipeline are updated, the pipeline's
 * attempt rows deleted (steps and sections follow by ON DELETE CASCADE) and written again.
 * The seed's columns and tables (duration, duration_e2e, metrics_job, metrics_build, …) are
 * not touched: what the seed computed from the e2e jobs was final when the last stage ran.
 * Values only as `$n` parameters; children as one jsonb array each, with SAVE_PIPELINE_SQL's
 * column lists (row-sql.ts), so a refreshed pipeline has the same rows as one saved finished.
 */
export const REFRESH_PIPELINE_SQL = `
UPDATE metrics_pipeline SET
  project_id = coalesce($2::bigint, project_id), iid = $3::bigint, source = $4::text,
  status = $5::text, sha = $6::text, tag = $7::boolean, default_branch = $8::text,
  updated_at = $9::timestamptz, started_at = $10::timestamptz, finished_at = $11::timestamptz,
  pipeline_duration = $12::float8, pipeline_queued_duration = $13::float8, web_url = $14::text,
  collector_name = $15::text, collector_version = $16::text,
  (${pipelineExtraNames()}) = ROW(${pipelineExtraNames('e.')}),
  critical_path_duration = $18::float8, critical_path_job_ids = $19::bigint[]
FROM ${pipelineExtrasRecord(17)}
WHERE pipeline_id = $1::bigint
RETURNING pipeline_id`;

/** Parameters of REFRESH_PIPELINE_SQL taken from saveParams (by index; see save-params.ts). */
export function refreshParams(save: unknown[]): unknown[] {
  // 0 pipeline_id, 2 project_id, 10..23 iid … collector_version, 30 the 0003 extras, 31..32 critical path
  return [save[0], save[2], ...save.slice(10, 24), save[30], save[31], save[32]];
}

export const DELETE_ATTEMPTS_SQL = `DELETE FROM metrics_job_attempt WHERE pipeline_id = $1::bigint`;

/** The attempts ($2), steps ($3) and sections ($4) of pipeline $1, as SAVE_PIPELINE_SQL writes them. */
export const INSERT_ATTEMPTS_SQL = `
WITH attempts AS (
  ${insertAttempts('$1::bigint', 2)}
), steps AS (
  ${insertTimings('metrics_job_step', 3)}
)
${insertTimings('metrics_job_section', 4)}`;

export const STORED_STATES_SQL = `
SELECT pipeline_id, status, finished_at FROM metrics_pipeline WHERE pipeline_id = ANY($1::bigint[])`;
