/**
 * Statements of `refresh` (backfill replacing a snapshot stored while the pipeline ran), run in
 * one transaction: the extension columns of metrics_pipeline are updated, the pipeline's
 * attempt rows deleted (steps and sections follow by ON DELETE CASCADE) and written again.
 * The seed's columns and tables (duration, duration_e2e, metrics_job, metrics_build, …) are
 * not touched: what the seed computed from the e2e jobs was final when the last stage ran.
 * Values only as `$n` parameters; children as one jsonb array each, as in SAVE_PIPELINE_SQL,
 * whose column lists these must follow (a column added there is added here).
 */
export const REFRESH_PIPELINE_SQL = `
UPDATE metrics_pipeline SET
  project_id = coalesce($2::bigint, project_id), iid = $3::bigint, source = $4::text,
  status = $5::text, sha = $6::text, tag = $7::boolean, default_branch = $8::text,
  updated_at = $9::timestamptz, started_at = $10::timestamptz, finished_at = $11::timestamptz,
  pipeline_duration = $12::float8, pipeline_queued_duration = $13::float8, web_url = $14::text,
  collector_name = $15::text, collector_version = $16::text,
  name = e.name, yaml_errors = e.yaml_errors, coverage = e.coverage,
  parent_pipeline_id = e.parent_pipeline_id, parent_bridge_id = e.parent_bridge_id,
  root_pipeline_id = e.root_pipeline_id, hierarchy_duration = e.hierarchy_duration,
  test_total_time = e.test_total_time, test_total_count = e.test_total_count,
  test_success_count = e.test_success_count, test_failed_count = e.test_failed_count,
  test_skipped_count = e.test_skipped_count, test_error_count = e.test_error_count
FROM jsonb_to_record($17::jsonb) AS e(name text, yaml_errors text, coverage float8,
  parent_pipeline_id bigint, parent_bridge_id bigint, root_pipeline_id bigint,
  hierarchy_duration float8, test_total_time float8, test_total_count bigint,
  test_success_count bigint, test_failed_count bigint, test_skipped_count bigint,
  test_error_count bigint)
WHERE pipeline_id = $1::bigint
RETURNING pipeline_id`;

export const DELETE_ATTEMPTS_SQL = `DELETE FROM metrics_job_attempt WHERE pipeline_id = $1::bigint`;

export const INSERT_ATTEMPTS_SQL = `
WITH attempts AS (
  INSERT INTO metrics_job_attempt (job_id, pipeline_id, name, stage, status, allow_failure,
    failure_reason, created_at, queued_at, started_at, finished_at, duration, queued_duration,
    retried, runner_id, runner_description, runner_type, runner_tags, web_url,
    kind, attempt, flaky, log_status, erased_at, coverage, downstream_pipeline_id,
    downstream_project_id, runner_manager_system_xid, runner_manager_version,
    runner_manager_revision, runner_manager_platform, runner_manager_architecture)
  SELECT x.job_id, $1::bigint, x.name, x.stage, x.status, x.allow_failure,
    x.failure_reason, x.created_at, x.queued_at, x.started_at, x.finished_at, x.duration,
    x.queued_duration, x.retried, x.runner_id, x.runner_description, x.runner_type,
    x.runner_tags, x.web_url, x.kind, x.attempt, x.flaky, x.log_status, x.erased_at, x.coverage,
    x.downstream_pipeline_id, x.downstream_project_id, x.runner_manager_system_xid,
    x.runner_manager_version, x.runner_manager_revision, x.runner_manager_platform,
    x.runner_manager_architecture
  FROM jsonb_to_recordset($2::jsonb) AS x(job_id bigint, name text, stage text,
    status text, allow_failure boolean, failure_reason text, created_at timestamptz,
    queued_at timestamptz, started_at timestamptz, finished_at timestamptz, duration float8,
    queued_duration float8, retried boolean, runner_id bigint, runner_description text,
    runner_type text, runner_tags text[], web_url text, kind text, attempt integer, flaky boolean,
    log_status text, erased_at timestamptz, coverage float8, downstream_pipeline_id bigint,
    downstream_project_id bigint, runner_manager_system_xid text, runner_manager_version text,
    runner_manager_revision text, runner_manager_platform text, runner_manager_architecture text)
), steps AS (
  INSERT INTO metrics_job_step (job_id, name, seconds)
  SELECT x.job_id, x.name, x.seconds
  FROM jsonb_to_recordset($3::jsonb) AS x(job_id bigint, name text, seconds float8)
)
INSERT INTO metrics_job_section (job_id, name, seconds)
SELECT x.job_id, x.name, x.seconds
FROM jsonb_to_recordset($4::jsonb) AS x(job_id bigint, name text, seconds float8)`;

export const STORED_STATES_SQL = `
SELECT pipeline_id, status, finished_at FROM metrics_pipeline WHERE pipeline_id = ANY($1::bigint[])`;
